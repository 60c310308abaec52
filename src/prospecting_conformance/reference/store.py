"""The reference server's state: jobs on a clock the store owns, prospects, and request quotas.

Each read computes where a job stands now (jobs.py); one lock guards every read-modify-write,
so concurrent requests (or test threads poking the store directly) never see a half-made
change.

Fault switches that concern the job machine or what a poll shows live here, next to the
behaviour they corrupt; the HTTP layer never needs to know how a job is computed.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from dataclasses import replace
from datetime import UTC, datetime
from typing import Literal

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import ActiveFaults, FaultName
from prospecting_conformance.reference.jobs import TERMINAL, Job, JobView, Plan, Timeline, plan_for
from prospecting_conformance.reference.prospects import ProspectDirectory
from prospecting_conformance.reference.quota import Quotas
from prospecting_conformance.reference.seed import Prospect, SavedSearch, SearchKind
from prospecting_conformance.reference.settings import ReferenceSettings

__all__ = ["CancelOutcome", "Store"]

CancelOutcome = Literal["cancelled", "conflict", "missing"]

# Blindspot faults that bend what a poll shows, each a later-poll or second-job regression.
POLL_FAULTS: tuple[FaultName, ...] = (
    "job_answer_cached_per_search",
    "progress_lost_after_completion",
    "job_forgotten_after_completion",
    "cancel_reverts_later",
)
# How long after a job ends (or is cancelled) the later-poll faults set in, and how young a job
# is answered from the per-search cache.
LATER_POLL_SECONDS = 1.0
CACHE_SECONDS = 0.4
# job_ids_recycled: the pool the ids come from.
RECYCLED_ID_POOL = 4


class Store:
    """All mutable state of one reference server."""

    def __init__(self, settings: ReferenceSettings, faults: ActiveFaults) -> None:
        self.settings = settings
        self.faults = faults
        self._clock = settings.clock
        self._lock = threading.Lock()
        epoch = self._clock()
        never_completes = "job_never_completes" in faults
        self._timeline = Timeline(epoch, datetime.now(UTC), never_completes=never_completes)
        self._ids = itertools.count(secrets.randbits(88))
        self._jobs: dict[str, Job] = {}
        self._active: set[str] = set()
        self._recycled: list[str] = []  # job_ids_recycled's pool
        self._prospects = ProspectDirectory(faults, self._new_id)
        self.quotas = Quotas(settings, faults)
        self._saved: dict[tuple[str, str], SavedSearch] = {
            (group, s.id): s for group, searches in seed.SAVED_SEARCHES.items() for s in searches
        }
        # Seeded jobs finished an hour before the server started.
        for seeded in seed.SEED_JOBS:
            plan = Plan(0.0, 1.0, seeded.prospect_count)
            job = Job(
                seeded.id, seeded.account_group_id, seeded.saved_search_id, plan, epoch - 3600
            )
            job.settled = True
            self._jobs[seeded.id] = job

    # -- saved searches (immutable seed data: no lock needed) ---------------------------------

    def saved_searches(self, account_group_id: str) -> tuple[SavedSearch, ...]:
        return seed.SAVED_SEARCHES.get(account_group_id, ())

    def find_saved_search(
        self, account_group_id: str | None, saved_search_id: str
    ) -> SavedSearch | None:
        """The group's saved search; `account_group_id=None` searches every group (only
        faults do that)."""
        if account_group_id is None:
            return next((s for (_, i), s in self._saved.items() if i == saved_search_id), None)
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
            plan = plan_for(kind, self.settings)
            job = Job(job_id, account_group_id, saved_search_id, plan, now)
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
            if self.faults.any_of(POLL_FAULTS):
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
                return "cancelled", self._timeline.cancelled(job, view, now)
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
            return self._prospects.find(account_group_id, provider_id)

    # -- internals -----------------------------------------------------------------------------

    def _new_id(self) -> str:
        return self.settings.id_format(next(self._ids))

    def _find(self, account_group_id: str | None, job_id: str) -> Job | None:
        job = self._jobs.get(job_id)
        if job is None and "job_lookup_case_insensitive" in self.faults:
            job = next(
                (j for i, j in self._jobs.items() if i.casefold() == job_id.casefold()), None
            )
        if job is None:
            return None
        if account_group_id is not None and job.account_group_id != account_group_id:
            return None
        return job

    def _view(self, job: Job, now: float) -> JobView:
        """The job now; a job seen completed for the first time adds its prospects."""
        if job.cancelled_at is not None:
            at = job.cancelled_at
            if "cancelled_job_keeps_progressing" in self.faults:
                at = now - job.started
            derived = self._timeline.derive(job, at)
            return self._timeline.cancelled(job, derived, job.started + job.cancelled_at)
        view = self._timeline.derive(job, now - job.started)
        if view.status == "completed" and not job.settled:
            job.settled = True
            self._active.discard(job.id)
            self._prospects.add_found_by(job.id, job.account_group_id, view.prospect_count or 0)
        return view

    def _as_polled(self, job: Job, view: JobView) -> JobView:
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

    def _later_poll(self, job: Job, view: JobView, now: float) -> JobView | None:
        """Blindspot faults of a poll: a cache, an archive, an expiry, a resumed worker."""
        faults = self.faults
        if "job_forgotten_after_completion" in faults and self._ended_long_ago(job, now):
            return None
        ended_long_ago = self._ended_long_ago(job, now)
        completed_long_ago = ended_long_ago and view.status == "completed"
        if "progress_lost_after_completion" in faults and completed_long_ago:
            return replace(view, processed=0)
        if "cancel_reverts_later" in faults and ended_long_ago and job.cancelled_at is not None:
            return replace(self._timeline.derive(job, now - job.started), status="running")
        if "job_answer_cached_per_search" in faults and now - job.started < CACHE_SECONDS:
            previous = self._previous_completed(job, now)
            if previous is not None:
                return replace(previous, id=job.id)
        return view

    def _ended_long_ago(self, job: Job, now: float) -> bool:
        ended = job.cancelled_at if job.cancelled_at is not None else job.plan.ends
        return now - job.started - ended > LATER_POLL_SECONDS and (
            job.cancelled_at is not None or self._view(job, now).status in TERMINAL
        )

    def _previous_completed(self, job: Job, now: float) -> JobView | None:
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

    def _settle_active(self) -> None:
        now = self._clock()
        for job_id in list(self._active):
            job = self._jobs.get(job_id)
            if job is None:
                self._active.discard(job_id)
                continue
            if self._view(job, now).status in TERMINAL:
                self._active.discard(job_id)
