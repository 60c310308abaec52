"""The reference server's state: jobs on a clock the store owns, prospects, and request quotas.

A job's state is derived lazily from the time elapsed since it started (no background
threads): each read computes where the job stands now, so its progress is a pure function of
the clock and `progress.processed` cannot go backwards. Cancellation freezes that function at
the moment of the cancel. One lock guards every read-modify-write, so concurrent requests (or
test threads poking the store directly) never see a half-made change.

Fault switches that concern the job machine, the look-up or the quota live here, next to the
behaviour they corrupt; the HTTP layer (app.py) never needs to know how a job is computed.
"""

from __future__ import annotations

import itertools
import math
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.seed import Prospect, SavedSearch, SearchKind

__all__ = [
    "CancelOutcome",
    "JobStatus",
    "JobView",
    "Prospect",
    "ReferenceSettings",
    "Store",
]

JobStatus = Literal["queued", "running", "completed", "failed", "cancelled"]
CancelOutcome = Literal["cancelled", "conflict", "missing"]
TERMINAL: frozenset[str] = frozenset({"completed", "failed", "cancelled"})

# Blindspot faults that bend what a poll shows, each a later-poll or second-job regression.
POLL_FAULTS = frozenset(
    {
        "job_answer_cached_per_search",
        "progress_lost_after_completion",
        "job_forgotten_after_completion",
        "cancel_reverts_later",
    }
)
# How long after a job ends (or is cancelled) the later-poll faults set in, and how young a job
# is answered from the per-search cache.
LATER_POLL_SECONDS = 1.0
CACHE_SECONDS = 0.4
# job_ids_recycled: the pool the ids come from.
RECYCLED_ID_POOL = 4

UPSTREAM_ERROR: dict[str, str] = {
    "code": "upstream_error",
    "message": "Upstream service error.",
    "details": "Sales Navigator did not answer for this saved search.",
}

FIRST_NAMES = ("Avery", "Jordan", "Riley", "Morgan", "Sasha", "Quinn", "Taylor", "Casey")
LAST_NAMES = ("Stone", "Blake", "Chen", "Weber", "Novak", "Okafor", "Silva", "Larsen")
HEADLINES = ("Head of Growth", "VP Sales", None, "Director of Operations", "CFO")


def hex_id(number: int) -> str:
    """The reference server's own id format: 24 hex digits, like the docs' examples."""
    return f"{number:024x}"


@dataclass(frozen=True)
class ReferenceSettings:
    """Job timings and quotas; the defaults keep a quick conformance run quick."""

    queued_seconds: float = 0.05
    running_seconds: float = 0.3
    fast_total: int = 5
    slow_running_seconds: float = 30.0
    slow_total: int = 300
    failing_after_seconds: float = 0.2
    failing_total: int = 20
    low_quota_requests: int = 3
    low_quota_window_seconds: float = 1.0
    # How much longer than advertised the key stays blocked under retry_after_not_honoured.
    retry_after_overrun_seconds: float = 3.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    # How job and prospect ids are written (a conformant variation makes them UUIDs).
    id_format: Callable[[int], str] = field(default=hex_id, compare=False, repr=False)


@dataclass(frozen=True)
class _Plan:
    """How a job will go: seconds queued, seconds to process `total` items, when it fails."""

    queued: float
    running: float
    total: int
    fail_after: float | None = None


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
class _Job:
    id: str
    account_group_id: str
    saved_search_id: str
    plan: _Plan
    started: float
    cancelled_at: float | None = None
    settled: bool = False
    # Only the faults read these two.
    completed_reported: bool = False
    running_reads: int = 0


@dataclass
class _Quota:
    window_start: float
    used: int = 0
    blocked_until: float = 0.0


class Store:
    """All mutable state of one reference server."""

    def __init__(
        self, settings: ReferenceSettings | None = None, faults: Iterable[str] = ()
    ) -> None:
        self.settings = settings or ReferenceSettings()
        self.faults = frozenset(faults)
        self._clock = self.settings.clock
        self._lock = threading.Lock()
        self._epoch = self._clock()
        self._epoch_wall = datetime.now(UTC)
        self._ids = itertools.count(secrets.randbits(88))
        self._jobs: dict[str, _Job] = {}
        self._active: set[str] = set()
        self._recycled: list[str] = []  # job_ids_recycled's pool
        self._prospects: dict[str, list[Prospect]] = {g: [] for g in seed.ACCOUNT_GROUPS}
        self._by_provider: dict[tuple[str, str], Prospect] = {}
        self._quotas: dict[str, _Quota] = {}
        self._saved: dict[tuple[str, str], SavedSearch] = {
            (group, s.id): s for group, searches in seed.SAVED_SEARCHES.items() for s in searches
        }
        self._seed()

    # -- saved searches (immutable seed data: no lock needed) ---------------------------------

    def saved_searches(self, account_group_id: str) -> tuple[SavedSearch, ...]:
        return seed.SAVED_SEARCHES.get(account_group_id, ())

    def find_saved_search(self, account_group_id: str, saved_search_id: str) -> SavedSearch | None:
        return self._saved.get((account_group_id, saved_search_id))

    # -- jobs ----------------------------------------------------------------------------------

    def start_job(self, account_group_id: str, saved_search_id: str, kind: SearchKind) -> JobView:
        with self._lock:
            now = self._clock()
            # The fault derives the id from the saved search, so a second job reuses it.
            reuse = "job_ids_reused" in self.faults
            job_id = saved_search_id if reuse else self._new_id()
            if "job_ids_recycled" in self.faults:
                job_id = self._recycled_id()
            job = _Job(job_id, account_group_id, saved_search_id, self._plan(kind), now)
            self._jobs[job_id] = job
            self._active.add(job_id)
            return self._view(job, now)

    def get_job(self, account_group_id: str | None, job_id: str) -> JobView | None:
        """The job now; `account_group_id=None` searches every group (only faults do that)."""
        with self._lock:
            job = self._find(account_group_id, job_id)
            if job is None:
                return None
            now = self._clock()
            view = self._as_polled(job, self._view(job, now))
            if self.faults & POLL_FAULTS:
                return self._later_poll(job, view, now)
            return view

    def has_job(self, account_group_id: str, job_id: str) -> bool:
        """Whether the group has this job (no side effects: precedence faults ask it)."""
        with self._lock:
            return self._find(account_group_id, job_id) is not None

    def cancel_job(
        self, account_group_id: str | None, job_id: str
    ) -> tuple[CancelOutcome, JobView | None]:
        """Cancel (I7, I8): queued/running → cancelled; cancelled again is fine; else conflict."""
        with self._lock:
            job = self._find(account_group_id, job_id)
            if job is None:
                return "missing", None
            now = self._clock()
            if "job_forgotten_after_completion" in self.faults and self._ended_long_ago(job, now):
                return "missing", None
            view = self._view(job, now)
            if view.status == "cancelled":
                if "cancel_not_idempotent" in self.faults:
                    return "conflict", view
                return "cancelled", view
            if view.status in TERMINAL and "cancel_completed_job_allowed" not in self.faults:
                return "conflict", view
            if "cancel_ignored" in self.faults:
                # The answer claims success, but nothing records the cancellation.
                return "cancelled", self._cancelled_view(job, view, now)
            job.cancelled_at = now - job.started
            self._active.discard(job.id)
            return "cancelled", self._view(job, now)

    def jobs(self) -> list[JobView]:
        """Every job as it stands now (for tests and diagnostics)."""
        with self._lock:
            now = self._clock()
            return [self._view(job, now) for job in self._jobs.values()]

    # -- prospects -----------------------------------------------------------------------------

    def find_prospect(self, account_group_id: str, provider_id: str) -> Prospect | None:
        with self._lock:
            self._settle_active()
            found = self._by_provider.get((account_group_id, provider_id))
            if found is None and "cross_tenant_prospect_lookup" in self.faults:
                found = next(
                    (p for (_, pid), p in self._by_provider.items() if pid == provider_id), None
                )
            group = self._prospects.get(account_group_id, [])
            if found is None and "unknown_provider_id_found" in self.faults and group:
                return group[0]
            if found is not None and "provider_lookup_returns_other_prospect" in self.faults:
                # An off-by-one in the index: the neighbour answers instead.
                siblings = self._prospects[found.account_group_id]
                return siblings[(siblings.index(found) + 1) % len(siblings)]
            return found

    # -- quota ---------------------------------------------------------------------------------

    def retry_after(self, key: str) -> int | None:
        """Count a request of a low-quota key: None when allowed, else whole seconds to wait."""
        if "rate_limit_not_enforced" in self.faults:
            return None
        settings = self.settings
        with self._lock:
            now = self._clock()
            quota = self._quotas.get(key)
            if quota is None:
                quota = self._quotas[key] = _Quota(window_start=now)
            window_end = quota.window_start + settings.low_quota_window_seconds
            if now >= window_end and now >= quota.blocked_until:
                quota.window_start, quota.used = now, 0
                window_end = now + settings.low_quota_window_seconds
            if quota.used < settings.low_quota_requests and now >= quota.blocked_until:
                quota.used += 1
                return None
            if "retry_after_not_honoured" in self.faults:
                quota.blocked_until = max(
                    quota.blocked_until, window_end + settings.retry_after_overrun_seconds
                )
                return 1
            # Whole seconds, rounded up, so that waiting exactly that long always suffices.
            return max(1, math.ceil(window_end - now))

    # -- internals -----------------------------------------------------------------------------

    def _new_id(self) -> str:
        return self.settings.id_format(next(self._ids))

    def _plan(self, kind: SearchKind) -> _Plan:
        s = self.settings
        if kind == "slow":
            return _Plan(s.queued_seconds, s.slow_running_seconds, s.slow_total)
        if kind == "failing":
            # It processes at a pace that would finish at twice the failure time, so the
            # failed job shows partial progress.
            fail_after = max(s.failing_after_seconds, s.queued_seconds)
            running = max(2 * (fail_after - s.queued_seconds), 1e-6)
            return _Plan(s.queued_seconds, running, s.failing_total, fail_after)
        return _Plan(s.queued_seconds, s.running_seconds, s.fast_total)

    def _find(self, account_group_id: str | None, job_id: str) -> _Job | None:
        job = self._jobs.get(job_id)
        if job is None:
            return None
        if account_group_id is not None and job.account_group_id != account_group_id:
            return None
        return job

    def _wall(self, job: _Job, elapsed: float) -> datetime:
        return self._epoch_wall + timedelta(seconds=job.started - self._epoch + elapsed)

    def _view(self, job: _Job, now: float) -> JobView:
        if job.cancelled_at is not None:
            at = job.cancelled_at
            if "cancelled_job_keeps_progressing" in self.faults:
                at = now - job.started
            derived = self._derive(job, at)
            return self._cancelled_view(job, derived, job.started + job.cancelled_at)
        view = self._derive(job, now - job.started)
        if view.status == "completed" and not job.settled:
            self._settle(job, view)
        return view

    def _derive(self, job: _Job, elapsed: float) -> JobView:
        plan = job.plan
        never = "job_never_completes" in self.faults
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
            created_at=self._wall(job, 0.0),
            updated_at=self._wall(job, changed),
        )

    def _cancelled_view(self, job: _Job, derived: JobView, at: float) -> JobView:
        return replace(
            derived,
            status="cancelled",
            prospect_count=None,
            error=None,
            total=derived.total if derived.total is not None else job.plan.total,
            updated_at=self._wall(job, at - job.started),
        )

    def _as_polled(self, job: _Job, view: JobView) -> JobView:
        """What a poll shows: the truth, unless a lifecycle fault bends it."""
        if view.status == "completed" and "status_regresses_after_completion" in self.faults:
            if job.completed_reported:
                return replace(view, status="running", prospect_count=None)
            job.completed_reported = True
        if view.status == "running" and "progress_decreases" in self.faults:
            job.running_reads += 1
            if job.running_reads % 2 == 0:
                return replace(view, processed=0)
            return replace(view, processed=max(view.processed, 1))
        return view

    def _later_poll(self, job: _Job, view: JobView, now: float) -> JobView | None:
        """Blindspot faults of a poll: a cache, an archive, an expiry, a resumed worker."""
        faults = self.faults
        if "job_forgotten_after_completion" in faults and self._ended_long_ago(job, now):
            return None
        ended_long_ago = self._ended_long_ago(job, now)
        completed_long_ago = ended_long_ago and view.status == "completed"
        if "progress_lost_after_completion" in faults and completed_long_ago:
            return replace(view, processed=0)
        if "cancel_reverts_later" in faults and ended_long_ago and job.cancelled_at is not None:
            return replace(self._derive(job, now - job.started), status="running")
        if "job_answer_cached_per_search" in faults and now - job.started < CACHE_SECONDS:
            previous = self._previous_completed(job, now)
            if previous is not None:
                return replace(previous, id=job.id)
        return view

    def _ended_long_ago(self, job: _Job, now: float) -> bool:
        plan = job.plan
        if job.cancelled_at is not None:
            ended = job.cancelled_at
        elif plan.fail_after is not None:
            ended = plan.fail_after
        else:
            ended = plan.queued + plan.running
        return now - job.started - ended > LATER_POLL_SECONDS and (
            job.cancelled_at is not None or self._view(job, now).status in TERMINAL
        )

    def _previous_completed(self, job: _Job, now: float) -> JobView | None:
        """The latest other job of the same search that has completed (the cache's entry)."""
        for other in reversed(list(self._jobs.values())):
            same = (other.account_group_id, other.saved_search_id)
            if other is job or same != (job.account_group_id, job.saved_search_id):
                continue
            view = self._view(other, now)
            if view.status == "completed":
                return view
        return None

    def _recycled_id(self) -> str:
        """job_ids_recycled: the nth job gets the id of job n - RECYCLED_ID_POOL."""
        if len(self._recycled) < RECYCLED_ID_POOL:
            self._recycled.append(self._new_id())
            return self._recycled[-1]
        self._recycled.append(self._recycled.pop(0))
        return self._recycled[-1]

    def _settle(self, job: _Job, view: JobView) -> None:
        """A completed job adds its prospects, so that the look-up then finds them."""
        job.settled = True
        self._active.discard(job.id)
        for i in range(view.prospect_count or 0):
            provider_id = f"ACw{job.id[-10:]}{i:03d}"
            self._add_prospect(
                Prospect(
                    id=self._new_id(),
                    account_group_id=job.account_group_id,
                    provider_id=provider_id,
                    full_name=f"{FIRST_NAMES[i % 8]} {LAST_NAMES[(i // 8 + i) % 8]}",
                    headline=HEADLINES[i % len(HEADLINES)],
                    source_job_id=job.id,
                )
            )

    def _settle_active(self) -> None:
        now = self._clock()
        for job_id in list(self._active):
            job = self._jobs.get(job_id)
            if job is None:
                self._active.discard(job_id)
                continue
            if self._view(job, now).status in TERMINAL:
                self._active.discard(job_id)

    def _add_prospect(self, prospect: Prospect) -> None:
        key = (prospect.account_group_id, prospect.provider_id)
        if key in self._by_provider:
            return
        self._by_provider[key] = prospect
        self._prospects.setdefault(prospect.account_group_id, []).append(prospect)

    def _seed(self) -> None:
        # Seeded jobs finished an hour before the server started.
        long_ago = self._epoch - 3600.0
        for seeded in seed.SEED_JOBS:
            plan = _Plan(0.0, 1.0, seeded.prospect_count)
            self._jobs[seeded.id] = _Job(
                seeded.id,
                seeded.account_group_id,
                seeded.saved_search_id,
                plan,
                long_ago,
                settled=True,
            )
        for prospect in seed.SEED_PROSPECTS:
            self._add_prospect(prospect)


def _processed(plan: _Plan, elapsed: float) -> int:
    fraction = (elapsed - plan.queued) / plan.running if plan.running > 0 else 1.0
    return max(0, min(plan.total, math.floor(plan.total * fraction)))
