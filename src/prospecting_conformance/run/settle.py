"""Settle the jobs a run started: nothing the suite began may be left running on the target.

At the end of a run every job the run saw and never saw terminal is looked up, cancelled if
it is still going, and looked up again; whatever is still not terminal is listed so that an
operator can deal with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prospecting_conformance.checks.lifecycle import TERMINAL
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import ProspectingClientError
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails, RailsRefusal, RequestBudgetExceeded
from prospecting_conformance.target.config import TargetConfig

__all__ = ["settle_jobs"]


def settle_jobs(
    target: TargetConfig, jobs: Mapping[str, Mapping[str, Any]], rails: Rails
) -> list[str]:
    """Cancel every unfinished job; return the ids of those still not terminal.

    Sends through the run's rails with the reserve the budget kept for this.
    """
    unfinished = {
        job_id: str(job.get("accountGroupId") or target.account_group_id)
        for job_id, job in jobs.items()
        if job.get("status") not in TERMINAL
    }
    left = []
    with ProspectingClient(target, rails=rails, settling=True) as client:
        for job_id, group in sorted(unfinished.items()):
            try:
                status = _job_status(client, "getProspectingJob", job_id, group)
                if status not in TERMINAL:
                    _job_status(client, "cancelProspectingJob", job_id, group)
                    status = _job_status(client, "getProspectingJob", job_id, group)
            except (ProspectingClientError, RailsRefusal, RequestBudgetExceeded):
                status = None
            if status not in TERMINAL:
                left.append(f"{job_id} ({group}: {status or 'unknown'})")
    return left


def _job_status(client: ProspectingClient, operation_id: str, job_id: str, group: str) -> Any:
    target = client.config
    params = {"accountGroupId": group, "jobId": job_id}
    observed: Observed
    # A job of the foreign group (tenancy tests): only that group's key reaches it.
    foreign = group != target.account_group_id and target.foreign_key_all is not None
    observed = client.request(
        operation_id, path_params=params, key="foreign_all" if foreign else "all"
    )
    data = observed.body.get("data") if observed.body and observed.status == 200 else None
    return data.get("status") if isinstance(data, dict) else None
