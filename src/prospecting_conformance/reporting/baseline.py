"""Baselines for release gates: accepted known issues, so that only new regressions block.

A baseline is a JSON file: `{"entries": [{"rule": "L5", "operation": "cancelProspectingJob",
"ticket": "PROSP-123"}]}` (an entry may also pin a `status`). A finding that an entry matches
is known: reported, not failing. An entry that no finding matches is fixed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Baseline", "BaselineEntry", "BaselineError", "baseline_from_findings", "main"]


class BaselineError(ValueError):
    """The baseline file is unreadable; the message says where."""


@dataclass(frozen=True)
class BaselineEntry:
    rule: str
    operation: str
    ticket: str
    status: int | None = None

    def matches(self, finding: Mapping[str, Any]) -> bool:
        return (
            finding["rule"] == self.rule
            and finding["operation"] == self.operation
            and (self.status is None or finding["status"] == self.status)
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "operation": self.operation}
        if self.status is not None:
            data["status"] = self.status
        data["ticket"] = self.ticket
        return data


@dataclass(frozen=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            entries = tuple(
                BaselineEntry(
                    rule=str(item["rule"]),
                    operation=str(item["operation"]),
                    ticket=str(item.get("ticket") or ""),
                    status=int(item["status"]) if item.get("status") is not None else None,
                )
                for item in raw["entries"]
            )
        except FileNotFoundError:
            raise BaselineError(f"baseline {path}: no such file") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise BaselineError(
                f'baseline {path}: expected {{"entries": [{{"rule", "operation", '
                f'"ticket"}}]}} ({type(exc).__name__}: {exc})'
            ) from None
        return cls(entries)

    def entry_for(self, finding: Mapping[str, Any]) -> BaselineEntry | None:
        return next((e for e in self.entries if e.matches(finding)), None)

    def fixed(self, findings: Iterable[Mapping[str, Any]]) -> list[BaselineEntry]:
        """Entries that no finding of the run matches any more."""
        found = list(findings)
        return [e for e in self.entries if not any(e.matches(f) for f in found)]


def baseline_from_findings(findings: Iterable[Mapping[str, Any]], ticket: str) -> dict[str, Any]:
    """A baseline accepting every distinct (rule, operation, status) of a run's findings."""
    seen: dict[tuple[str, str, int | None], BaselineEntry] = {}
    for finding in findings:
        key = (finding["rule"], finding["operation"], finding["status"])
        seen.setdefault(key, BaselineEntry(key[0], key[1], ticket, key[2]))
    return {
        "entries": [
            e.to_dict()
            for e in sorted(seen.values(), key=lambda e: e.to_dict()["rule"] + e.operation)
        ]
    }


def main(argv: list[str] | None = None) -> int:
    """`python -m prospecting_conformance.reporting.baseline SUMMARY --ticket T`: print one."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(
        prog="python -m prospecting_conformance.reporting.baseline",
        description="Write a baseline accepting every finding of a run (to stdout).",
    )
    parser.add_argument("summary", type=Path, help="a run's reports/summary.json")
    parser.add_argument("--ticket", required=True, help="the ticket that tracks these issues")
    args = parser.parse_args(argv)
    try:
        summary = json.loads(args.summary.read_text(encoding="utf-8"))
        findings = summary["findings"]
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {args.summary} is not a run summary ({exc})", file=sys.stderr)
        return 2
    json.dump(baseline_from_findings(findings, args.ticket), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
