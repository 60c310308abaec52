"""A prospecting job as a function of the clock: its plan, and where it stands after so long.

A job's state is derived from the time elapsed since it started (no background threads), so
its progress is a pure function of the clock and `progress.processed` cannot go backwards.
Cancellation freezes that function at the moment of the cancel. The store (store.py) keeps
the jobs and the lock; this module only computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Literal

from prospecting_conformance.reference.seed import SearchKind
from prospecting_conformance.reference.settings import ReferenceSettings

__all__ = ["TERMINAL", "Job", "JobStatus", "JobView", "Plan", "Timeline", "plan_for"]

JobStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})

UPSTREAM_ERROR: dict[str, str] = {
    "code": "upstream_error",
    "message": "Upstream service error.",
    "details": "Sales Navigator did not answer for this saved search.",
}


@dataclass(frozen=True)
class Plan:
    """How a job will go: seconds queued, seconds to process `total` items, when it fails."""

    queued: float
    running: float
    total: int
    fail_after: float | None = None

    @property
    def ends(self) -> float:
        """Seconds after the start at which the job reaches its terminal status."""
        return self.fail_after if self.fail_after is not None else self.queued + self.running


@dataclass(frozen=True)
class JobView:
    """A job as one response shows it."""

    id: str
    account_group_id: str
    saved_search_id: str
    status: JobStatus
    processed: int
    total: int | None
    prospect_count: int | None
    error: dict[str, str] | None
    created_at: datetime
    updated_at: datetime


@dataclass
class Job:
    id: str
    account_group_id: str
    saved_search_id: str
    plan: Plan
    started: float
    cancelled_at: float | None = None
    settled: bool = False
    # Only the faults read these two.
    completed_reported: bool = False
    running_reads: int = 0


def plan_for(kind: SearchKind, s: ReferenceSettings) -> Plan:
    if kind == "slow":
        return Plan(s.queued_seconds, s.slow_running_seconds, s.slow_total)
    if kind == "failing":
        # It processes at a pace that would finish at twice the failure time, so the
        # failed job shows partial progress.
        fail_after = max(s.failing_after_seconds, s.queued_seconds)
        running = max(2 * (fail_after - s.queued_seconds), 1e-6)
        return Plan(s.queued_seconds, running, s.failing_total, fail_after)
    return Plan(s.queued_seconds, s.running_seconds, s.fast_total)


class Timeline:
    """Turns a job and a moment into what a response shows; `never_completes` is the fault
    that keeps every job running."""

    def __init__(self, epoch: float, epoch_wall: datetime, *, never_completes: bool) -> None:
        self.epoch = epoch
        self.epoch_wall = epoch_wall
        self.never_completes = never_completes

    def wall(self, job: Job, elapsed: float) -> datetime:
        return self.epoch_wall + timedelta(seconds=job.started - self.epoch + elapsed)

    def derive(self, job: Job, elapsed: float) -> JobView:
        plan, never = job.plan, self.never_completes
        status: JobStatus
        prospect_count: int | None = None
        error: dict[str, str] | None = None
        total: int | None = plan.total
        if elapsed < plan.queued:
            status, processed, total, changed = "queued", 0, None, 0.0
        elif plan.fail_after is not None and elapsed >= plan.fail_after and not never:
            status, error, changed = "failed", dict(UPSTREAM_ERROR), plan.fail_after
            processed = _processed(plan, plan.fail_after)
        elif elapsed >= plan.queued + plan.running and not never:
            status, processed, changed = "completed", plan.total, plan.queued + plan.running
            prospect_count = plan.total
        else:
            status = "running"
            processed = min(_processed(plan, elapsed), max(plan.total - 1, 0))
            # updatedAt moves when the processed count does, not on every read.
            changed = plan.queued + plan.running * processed / max(plan.total, 1)
        return JobView(
            id=job.id,
            account_group_id=job.account_group_id,
            saved_search_id=job.saved_search_id,
            status=status,
            processed=processed,
            total=total,
            prospect_count=prospect_count,
            error=error,
            created_at=self.wall(job, 0.0),
            updated_at=self.wall(job, changed),
        )

    def cancelled(self, job: Job, derived: JobView, at: float) -> JobView:
        """`derived` as cancelled at the moment `at` (the clock's, not elapsed seconds)."""
        return replace(
            derived,
            status="cancelled",
            prospect_count=None,
            error=None,
            total=derived.total if derived.total is not None else job.plan.total,
            updated_at=self.wall(job, at - job.started),
        )


def _processed(plan: Plan, elapsed: float) -> int:
    fraction = (elapsed - plan.queued) / plan.running if plan.running > 0 else 1.0
    return max(0, min(plan.total, math.floor(plan.total * fraction)))
