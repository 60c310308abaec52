"""The job rules a test judges on the responses it holds (L1, L9; a status for L2-L5).

The state machine across successive observations of one job is `lifecycle.py`'s, and what
the whole run has seen of each job is `job_history.py`'s; these are the checks a test makes
on the start it sent, the job it holds, or the jobs it started.
"""

from __future__ import annotations

from collections.abc import Iterable

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["ACCEPTED_STATUSES", "check_accepted_job", "check_job_ids_unique", "check_job_status"]

# What a freshly started job may say (L1).
ACCEPTED_STATUSES = frozenset({"queued", "running"})


def check_accepted_job(observed: Observed) -> list[Finding]:
    """L1: a start answers 202 with the job (id, queued or running) and a Location header."""
    if observed.status != 202:
        return [observed.finding("L1", f"Started a job: received {observed.status}; expected 202.")]
    # The 202 with a job id is documented (D6); its status and Location are our inference.
    findings = []
    job = observed.data
    if job is None or not isinstance(job.get("id"), str) or not job["id"]:
        findings.append(observed.finding("L1", "The 202 carries no job id in data.id."))
    elif job.get("status") not in ACCEPTED_STATUSES:
        findings.append(
            observed.finding(
                "L1",
                f"A new job says status {job.get('status')!r}; expected queued or running.",
                provenance="inferred",
            )
        )
    if not observed.header("location"):
        message = "The 202 has no Location header."
        findings.append(observed.finding("L1", message, provenance="inferred"))
    return findings


def check_job_status(observed: Observed, rule: str, expected: str, why: str) -> list[Finding]:
    """`rule` holds when the job this response carries says status `expected`."""
    job = observed.data or {}
    if job.get("status") == expected:
        return []
    return [
        observed.finding(rule, f"{why}: job says {job.get('status')!r}; expected {expected!r}.")
    ]


def check_job_ids_unique(started: Iterable[Observed]) -> list[Finding]:
    """L9: every start gives a new job id."""
    seen: dict[str, Observed] = {}
    findings = []
    for observed in started:
        job = observed.data
        job_id = job.get("id") if job else None
        if not isinstance(job_id, str):
            continue
        if job_id in seen:
            findings.append(observed.finding("L9", f"Job id {job_id!r} was given to two jobs."))
        seen[job_id] = observed
    return findings
