"""Updating a baseline from a new run, without losing what a release manager decided.

A release manager writes a baseline once, then keeps it: each release adds the run's new known
issues under that release's ticket. Re-ticketing an old entry would lose the ticket that tracks
it; dropping one because this run did not see it would hide a fix nobody confirmed. So a merge
keeps every old entry as it is, adds the new run's entries that no old one covers, and says
which old entries the run did not find (a fix, or not exercised: `--baseline` tells which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from prospecting_conformance.reporting.baseline import Baseline, BaselineEntry, root_cause_entries
from prospecting_conformance.run.record import RecordedFinding

__all__ = ["BaselineMerge", "merge_into"]


@dataclass(frozen=True)
class BaselineMerge:
    """The merged entries, and what the merge did to each."""

    entries: tuple[BaselineEntry, ...]
    added: tuple[BaselineEntry, ...]
    # Old entries this run found again (kept with their ticket) and did not find (kept too).
    found_again: tuple[BaselineEntry, ...]
    not_found: tuple[BaselineEntry, ...]
    # Old entries past their `expires`: kept, but what they accepted is added anew.
    expired: tuple[BaselineEntry, ...] = ()

    def report(self) -> list[str]:
        """What a release manager reads before committing the file: one line per entry."""
        lines = [f"added {_describe(e)}" for e in self.added]
        lines += [f"kept {_describe(e)} (found again)" for e in self.found_again]
        lines += [
            f"kept {_describe(e)} (not found by this run: fixed or not exercised; remove it "
            "by hand once a run with --baseline lists it as fixed)"
            for e in self.not_found
        ]
        lines += [
            f"kept {_describe(e)} (expired: it accepts nothing; remove it by hand)"
            for e in self.expired
        ]
        return lines


def merge_into(
    existing: Baseline, findings: Sequence[RecordedFinding], ticket: str
) -> BaselineMerge:
    """`existing` kept whole, then the root causes of the findings none of its live entries
    accepts, under `ticket` (written as the baseline writer writes them)."""
    uncovered = [f for f in findings if existing.entry_for(f.key) is None]
    added = tuple(root_cause_entries(uncovered, ticket))
    keys = [f.key for f in findings]
    found_again = tuple(e for e in existing.live if any(e.matches(key) for key in keys))
    not_found = tuple(e for e in existing.live if e not in found_again)
    return BaselineMerge(
        (*existing.entries, *added), added, found_again, not_found, existing.expired
    )


def _describe(entry: BaselineEntry) -> str:
    status = "" if entry.status is None else f" {entry.status}"
    return f"{entry.rule} {entry.operation}{status} [{entry.ticket}]"
