"""Baselines for release gates: accepted known issues, so that only new regressions block.

A baseline is a JSON file: `{"entries": [{"rule": "L5", "operation": "cancelProspectingJob",
"ticket": "PROSP-123"}]}` (an entry may also pin a `status`, and the baseline writer adds the
`tests` that found it); `SCHEMA` below is its JSON Schema. A finding that an entry
matches is known: reported, not failing.

An entry that no finding matches is fixed only when the run exercised it: every test that
found it ran again and passed, or, for a hand-written entry without tests, its operation was
called at all. Otherwise (writes off, a test deselected or skipped) it is listed as not
exercised: a release manager closes tickets on "fixed", so silence is not enough.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from prospecting_conformance.checks.rules import RULES
from prospecting_conformance.core.findings import FindingKey
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
                "required": ["rule", "operation", "ticket"],
                "additionalProperties": False,
                "properties": {
                    "rule": {"enum": sorted(RULES)},
                    "operation": {"type": "string", "minLength": 1},
                    "status": {"type": ["integer", "null"], "minimum": 100, "maximum": 599},
                    "ticket": {"type": "string"},
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
    "SCHEMA",
    "Baseline",
    "BaselineEntry",
    "BaselineError",
    "baseline_from_findings",
]


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

    def matches(self, key: FindingKey) -> bool:
        rule, operation, status = key
        return (
            rule == self.rule
            and operation == self.operation
            and (self.status is None or status == self.status)
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "operation": self.operation}
        if self.status is not None:
            data["status"] = self.status
        data["ticket"] = self.ticket
        if self.tests:
            data["tests"] = list(self.tests)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BaselineEntry:
        return cls(
            rule=data["rule"],
            operation=data["operation"],
            ticket=data["ticket"],
            status=data.get("status"),
            tests=tuple(data.get("tests", ())),
        )

    def exercised(self, passed: Collection[str], observed_operations: Collection[str]) -> bool:
        """Whether this run put the entry to the test: its tests passed, or its operation ran."""
        if self.tests:
            return all(test in passed for test in self.tests)
        return self.operation in observed_operations


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()
    latency: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Baseline:
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
        entries = tuple(BaselineEntry.from_dict(item) for item in raw["entries"])
        return cls(entries, raw.get("latency", {}))

    def entry_for(self, key: FindingKey) -> BaselineEntry | None:
        return next((e for e in self.entries if e.matches(key)), None)

    def unmatched(self, keys: Iterable[FindingKey]) -> list[BaselineEntry]:
        """Entries that no finding of the run matches: fixed, or not exercised at all."""
        found = list(keys)
        return [e for e in self.entries if not any(e.matches(key) for key in found)]


def _validator() -> Draft202012Validator:
    return Draft202012Validator(SCHEMA)


def baseline_from_findings(findings: Iterable[RecordedFinding], ticket: str) -> dict[str, Any]:
    """A baseline accepting every distinct finding (by its key) of a run."""
    seen: dict[FindingKey, BaselineEntry] = {}
    for entry in findings:
        rule, operation, status = entry.key
        tests = tuple(sorted(entry.tests))
        seen.setdefault(entry.key, BaselineEntry(rule, operation, ticket, status, tests))
    return {
        "entries": [e.to_dict() for e in sorted(seen.values(), key=lambda e: e.rule + e.operation)]
    }
