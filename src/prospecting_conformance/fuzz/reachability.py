"""The reachability gate: a fuzz run whose cases only ever met the API's guards proved nothing.

For each operation the generated tests exercised, how many of its cases got past
authentication, permission and existence (401, 403, 404) to the API's logic. An operation
none of whose cases got there fails the gate; one that only a job's id reaches is not judged
when writes are off, since no job exists to reach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prospecting_conformance.fuzz.loading import fuzzed_operations
from prospecting_conformance.spec.links import fed_only_by_writes
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

__all__ = ["GUARD_STATUSES", "Reach", "reachability"]

# Statuses that say a case bounced off the API's guards instead of reaching its logic.
GUARD_STATUSES = frozenset({401, 403, 404})


@dataclass(frozen=True)
class Reach:
    """How far one operation's generated cases got: the statuses they were answered."""

    operation_id: str
    statuses: Mapping[int, int]
    judged: bool = True

    @property
    def past_guards(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in GUARD_STATUSES)

    @property
    def summary(self) -> str:
        """One line for the run's output."""
        if not self.judged:
            return f"{self.operation_id}: not judged: without writes no job exists to reach"
        total = sum(self.statuses.values())
        return (
            f"{self.operation_id}: {self.past_guards}/{total} generated cases got past the guards"
        )

    @property
    def problem(self) -> str | None:
        """Why the gate fails on this operation, or None."""
        if not self.judged or self.past_guards:
            return None
        total = sum(self.statuses.values())
        if not total:
            return f"{self.operation_id}: no generated case was answered: the fuzz run never ran"
        statuses = ", ".join(f"{n}x {s}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.operation_id}: none of its {total} generated case(s) got past "
            f"401/403/404 (answered {statuses}): the fuzz run never reached the API's logic"
        )


def reachability(
    spec: Spec, target: TargetConfig, generated_statuses: Mapping[str, Mapping[int, int]]
) -> list[Reach]:
    """How far the generated cases of every fuzzed operation got, from what the run recorded."""
    unjudged = frozenset() if target.allow_writes else fed_only_by_writes(spec)
    return [
        Reach(op, generated_statuses.get(op, {}), judged=op not in unjudged)
        for op in fuzzed_operations(spec, target)
    ]
