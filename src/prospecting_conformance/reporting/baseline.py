"""Baselines for release gates: accepted known issues, so that only new regressions block.

A baseline is a JSON file: `{"entries": [{"rule": "L5", "operation": "cancelProspectingJob",
"ticket": "PROSP-123"}]}`; `SCHEMA` below is its JSON Schema. An entry names a root cause: a
rule, on one operation or on every one (`"operation": "*"`, or none given), with any status
unless it pins one. It may say why it is accepted (`reason`) and until when (`expires`, a
date: from the day after, it no longer matches and the summary lists it as expired). The
baseline writer adds the `tests` that found it, and gives a rule seen on several operations
one entry for all of them. A finding that an entry matches is known: reported, not failing.

An entry that no finding matches is fixed only when the run exercised it: every test that
found it ran again and passed, or, for a hand-written entry without tests, its operation was
called at all. Otherwise (writes off, a test deselected or skipped) it is listed as not
exercised: a release manager closes tickets on "fixed", so silence is not enough.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from prospecting_conformance.core.findings import FindingKey
from prospecting_conformance.core.rules import RULES
from prospecting_conformance.run.record import RecordedFinding

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "A baseline of accepted known issues (--baseline FILE)",
    "type": "object",
    "required": ["entries"],
    "additionalProperties": False,
    "properties": {
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["rule", "ticket"],
                "additionalProperties": False,
                "properties": {
                    "rule": {"enum": sorted(RULES)},
                    "operation": {
                        "type": "string",
                        "minLength": 1,
                        "description": "an operationId, or * (the default) for every operation",
                    },
                    "status": {"type": ["integer", "null"], "minimum": 100, "maximum": 599},
                    "ticket": {"type": "string"},
                    "reason": {"type": "string"},
                    "expires": {
                        "type": "string",
                        "pattern": r"^\d{4}-\d{2}-\d{2}$",
                        "description": "the last day the entry matches (YYYY-MM-DD)",
                    },
                    "tests": {"type": "array", "items": {"type": "string", "minLength": 1}},
                },
            },
        },
        # Each operation's p50 and p95 (ms) when the baseline was written: what a run reports
        # its latency's change against (reporting/latency.py).
        "latency": {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "required": ["p50Ms", "p95Ms"],
                "additionalProperties": False,
                "properties": {"p50Ms": {"type": "number"}, "p95Ms": {"type": "number"}},
            },
        },
    },
}

__all__ = [
    "ANY_OPERATION",
    "SCHEMA",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "baseline_from_findings",
    "root_cause_entries",
]


# The operation of an entry that holds for every operation: one root cause seen everywhere.
ANY_OPERATION = "*"


class BaselineError(ValueError):
    """The baseline file is unreadable; the message says where."""


@dataclass(frozen=True)
class BaselineEntry:
    rule: str
    operation: str
    ticket: str
    status: int | None = None
    # The tests that found it when the baseline was written: what must pass for "fixed".
    tests: tuple[str, ...] = ()
    # The last day the entry matches: a known issue accepted for a while, not for ever.
    expires: date | None = None
    reason: str | None = None

    def matches(self, key: FindingKey) -> bool:
        """Whether a finding with this key is this root cause (expiry aside: see Baseline)."""
        rule, operation, status = key
        return (
            rule == self.rule
            and self.operation in (ANY_OPERATION, operation)
            and (self.status is None or status == self.status)
        )

    def expired(self, today: date) -> bool:
        return self.expires is not None and today > self.expires

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "operation": self.operation}
        if self.status is not None:
            data["status"] = self.status
        data["ticket"] = self.ticket
        if self.reason is not None:
            data["reason"] = self.reason
        if self.expires is not None:
            data["expires"] = self.expires.isoformat()
        if self.tests:
            data["tests"] = list(self.tests)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BaselineEntry:
        expires = data.get("expires")
        return cls(
            rule=data["rule"],
            operation=data.get("operation", ANY_OPERATION),
            ticket=data["ticket"],
            status=data.get("status"),
            tests=tuple(data.get("tests", ())),
            expires=date.fromisoformat(expires) if expires else None,
            reason=data.get("reason"),
        )

    def exercised(self, passed: Collection[str], observed_operations: Collection[str]) -> bool:
        """Whether this run put the entry to the test: its tests passed, or its operation ran."""
        if self.tests:
            return all(test in passed for test in self.tests)
        if self.operation == ANY_OPERATION:
            return bool(observed_operations)
        return self.operation in observed_operations


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()
    # The day the run judges expiry on: one day for the whole run, whenever a finding comes.
    today: date = field(default_factory=date.today)

    @property
    def live(self) -> tuple[BaselineEntry, ...]:
        """The entries that still match: not past their `expires`."""
        return tuple(e for e in self.entries if not e.expired(self.today))

    @property
    def expired(self) -> tuple[BaselineEntry, ...]:
        return tuple(e for e in self.entries if e.expired(self.today))

    latency: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, today: date | None = None) -> Baseline:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BaselineError(f"baseline {path}: no such file") from None
        except (OSError, ValueError) as exc:
            raise BaselineError(f"baseline {path}: not a JSON file ({exc})") from None
        problems = sorted(
            f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in _validator().iter_errors(raw)
        )
        if problems:
            raise BaselineError(
                f'baseline {path}: expected {{"entries": [{{"rule", "operation", "ticket"}}]}} '
                f"(the schema is in reporting/baseline.py): {problems[0]}"
            )
        try:
            entries = tuple(BaselineEntry.from_dict(item) for item in raw["entries"])
        except ValueError as exc:
            raise BaselineError(f"baseline {path}: expires is not a date ({exc})") from None
        return cls(entries, today or date.today(), raw.get("latency", {}))

    def entry_for(self, key: FindingKey) -> BaselineEntry | None:
        """The live entry this finding is, if any: the most specific one names its operation."""
        matching = [e for e in self.live if e.matches(key)]
        matching.sort(key=lambda e: (e.operation == ANY_OPERATION, e.status is None))
        return matching[0] if matching else None

    def unmatched(self, keys: Iterable[FindingKey]) -> list[BaselineEntry]:
        """Live entries that no finding of the run matches: fixed, or not exercised at all."""
        found = list(keys)
        return [e for e in self.live if not any(e.matches(key) for key in found)]


def _validator() -> Draft202012Validator:
    return Draft202012Validator(SCHEMA)


def baseline_from_findings(findings: Iterable[RecordedFinding], ticket: str) -> dict[str, Any]:
    """A baseline accepting every root cause of a run: one entry per rule, for its operation,
    or for all operations when the rule was broken on several (a constant traceId breaks E4
    on every answer: one known issue, not fifty)."""
    return {"entries": [e.to_dict() for e in root_cause_entries(findings, ticket)]}


def root_cause_entries(findings: Iterable[RecordedFinding], ticket: str) -> list[BaselineEntry]:
    """The entries `baseline_from_findings` writes, in rule order."""
    by_rule: dict[str, list[RecordedFinding]] = {}
    for entry in findings:
        by_rule.setdefault(entry.key[0], []).append(entry)
    entries = []
    for rule, found in sorted(by_rule.items()):
        operations = {entry.key[1] for entry in found}
        operation = operations.pop() if len(operations) == 1 else ANY_OPERATION
        entries.append(_entry(rule, operation, found, ticket))
    return entries


def _entry(
    rule: str, operation: str, found: Sequence[RecordedFinding], ticket: str
) -> BaselineEntry:
    """One entry for findings of one root cause: a status only when they all share it."""
    statuses = {entry.key[2] for entry in found}
    status = statuses.pop() if len(statuses) == 1 else None
    tests = tuple(sorted({test for entry in found for test in entry.tests}))
    return BaselineEntry(rule, operation, ticket, status, tests)
