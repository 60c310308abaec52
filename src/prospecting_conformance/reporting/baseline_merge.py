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

from prospecting_conformance.reporting.baseline import BaselineEntry

__all__ = ["BaselineMerge", "merge_entries"]


@dataclass(frozen=True)
class BaselineMerge:
    """The merged entries, and what the merge did to each."""

    entries: tuple[BaselineEntry, ...]
    added: tuple[BaselineEntry, ...]
    # Old entries this run found again (kept with their ticket) and did not find (kept too).
    found_again: tuple[BaselineEntry, ...]
    not_found: tuple[BaselineEntry, ...]

    def report(self) -> list[str]:
        """What a release manager reads before committing the file: one line per entry."""
        lines = [f"added {_describe(e)}" for e in self.added]
        lines += [f"kept {_describe(e)} (found again)" for e in self.found_again]
        lines += [
            f"kept {_describe(e)} (not found by this run: fixed or not exercised; remove it "
            "by hand once a run with --baseline lists it as fixed)"
            for e in self.not_found
        ]
        return lines


def merge_entries(existing: Sequence[BaselineEntry], new: Sequence[BaselineEntry]) -> BaselineMerge:
    """`existing` kept whole, then each of `new` that none of them covers."""
    added = tuple(n for n in new if not any(_covers(old, n) for old in existing))
    found_again = tuple(old for old in existing if any(_covers(old, n) for n in new))
    not_found = tuple(old for old in existing if old not in found_again)
    return BaselineMerge((*existing, *added), added, found_again, not_found)


def _covers(old: BaselineEntry, new: BaselineEntry) -> bool:
    """Whether the old entry already accepts what the new one was written for."""
    return old.matches((new.rule, new.operation, new.status))


def _describe(entry: BaselineEntry) -> str:
    status = "" if entry.status is None else f" {entry.status}"
    return f"{entry.rule} {entry.operation}{status} [{entry.ticket}]"
