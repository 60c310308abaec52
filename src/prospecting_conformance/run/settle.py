"""Settle the jobs a run started: nothing the suite began may be left running on the target.

At the end of a run every job the run saw and never saw terminal is looked up, cancelled if
it is still going, and looked up again; whatever is still not terminal is listed so that an
operator can deal with it. Settle sends through the client, on the run's rails, with the
reserve the budget kept for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

from prospecting_conformance.checks.lifecycle import TERMINAL
from prospecting_conformance.client.api import OperationOptions, ProspectingClient
from prospecting_conformance.client.errors import ProspectingClientError
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails, RailsRefusal, RequestBudgetExceeded
from prospecting_conformance.run.record import TrackedJob
from prospecting_conformance.target.config import TargetConfig

__all__ = ["UnsettledJob", "settle_jobs"]


@dataclass(frozen=True)
class UnsettledJob:
    """A job settle could not end, and the status the target last gave it.

    `status` is None when settle could not reach the job at all (no answer, the budget's
    reserve spent); otherwise the target answered settle's cancel and the job runs on.
    """

    job_id: str
    account_group_id: str
    status: str | None

    @property
    def cancel_ignored(self) -> bool:
        return self.status is not None

    def __str__(self) -> str:
        return f"{self.job_id} ({self.account_group_id}: {self.status or 'unknown'})"


def settle_jobs(
    target: TargetConfig, jobs: Mapping[str, TrackedJob], rails: Rails
) -> list[UnsettledJob]:
    """Cancel every unfinished job; return those still not terminal.

    Sends through the run's rails with the reserve the budget kept for this.
    """
    unfinished = {
        job_id: job.account_group_id or target.account_group_id
        for job_id, job in jobs.items()
        if job.status not in TERMINAL
    }
    jobs_in_order = sorted(unfinished.items())
    with ProspectingClient(target, rails=rails, settling=True) as client:
        # The first job alone: how fast its answer came says how many to settle at once
        # (target.concurrency_for); the run's answers were the workers', not this process's.
        settled = [_settle(client, *job) for job in jobs_in_order[:1]]
        at_once = target.concurrency_for(settled[0].answer_s if settled else None)
        with ThreadPoolExecutor(at_once) as pool:
            settled += pool.map(lambda job: _settle(client, *job), jobs_in_order[1:])
    return [
        UnsettledJob(job_id, group, outcome.status)
        for (job_id, group), outcome in zip(jobs_in_order, settled, strict=True)
        if outcome.status not in TERMINAL
    ]


class _Settled(NamedTuple):
    """A job's last status known (None: not reached), and how long its first look-up took."""

    status: str | None
    answer_s: float | None = None


def _settle(client: ProspectingClient, job_id: str, group: str) -> _Settled:
    """Look the job up, cancel it if it is still going, look again."""
    target = client.config
    # A job of the foreign group (tenancy tests): only that group's key reaches it.
    foreign = group != target.account_group_id and target.foreign_key_all is not None
    options: OperationOptions = {
        "key": "foreign_all" if foreign else "all",
        "account_group_id": group,
    }
    try:
        first = client.get_job(job_id, **options)
        status = _status(first)
        if status not in TERMINAL:
            client.cancel_job(job_id, **options)
            status = _status(client.get_job(job_id, **options))
    except (ProspectingClientError, RailsRefusal, RequestBudgetExceeded):
        return _Settled(None)
    return _Settled(status, first.elapsed_s)


def _status(observed: Observed) -> str | None:
    job = observed.data
    status = job.get("status") if job is not None else None
    return status if isinstance(status, str) else None
