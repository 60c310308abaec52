"""Small verbs for driving jobs on a target: the body that starts one, running one to its end."""

from __future__ import annotations

from collections.abc import Callable

from prospecting_conformance.checks.jobs import check_accepted_job
from prospecting_conformance.checks.lifecycle import JobTracker
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import ForeignURLRefused
from prospecting_conformance.core.findings import ConformanceError, raise_for_findings
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.run.poller import wait_for_terminal_status

__all__ = [
    "POLL_INTERVAL_S",
    "StartJob",
    "follow_location",
    "job_id",
    "run_to_end",
    "start_accepted",
    "start_body",
]

# The contract tests' `start_job` fixture: start a job from a saved search, L1 checked.
StartJob = Callable[[str], Observed]

SOURCE = "sales_navigator"
POLL_INTERVAL_S = 0.25


def start_body(saved_search_id: str) -> dict[str, str]:
    """The request body that starts a sales_navigator job (I4)."""
    return {"source": SOURCE, "savedSearchId": saved_search_id}


def start_accepted(client: ProspectingClient, saved_search_id: str) -> Observed:
    """Start a job and insist on L1: the steps that need the job cannot go on without it."""
    observed = client.start_job(start_body(saved_search_id))
    raise_for_findings(check_accepted_job(observed))
    return observed


def job_id(started: Observed) -> str:
    """The id of the job a start answered with (the caller has checked L1)."""
    job = started.data
    if job is None or not isinstance(job.get("id"), str):
        raise AssertionError(f"{started.operation_id} -> {started.status}: no job id in data.id")
    return str(job["id"])


def follow_location(client: ProspectingClient, started: Observed) -> Observed:
    """GET the job a 202's Location names; a Location off the target is an L1 finding.

    The client refuses to send a key off the target (rightly); the refusal is the API's
    fault here, so it ends as a finding that names the rule, not as a client exception.
    """
    location = started.header("location")
    if not location:
        message = "The 202 has no Location header."
        raise ConformanceError([started.finding("L1", message, provenance="inferred")])
    try:
        return client.get_url(location)
    except ForeignURLRefused:
        message = f"Received Location {location!r}; expected a URL on the target."
        raise ConformanceError([started.finding("L1", message, provenance="inferred")]) from None


def run_to_end(client: ProspectingClient, started: Observed, saved_search_id: str) -> JobTracker:
    """Poll a started job to its end, judging L2, L3 and L8 on the way; raise on what the
    poll found of its job (the per-response rules are the observer's to record)."""
    tracker = JobTracker(
        job_id(started), expected_source=SOURCE, expected_saved_search_id=saved_search_id
    )
    raise_for_findings(tracker.follow(started))
    outcome = wait_for_terminal_status(
        client, job_id(started), tracker=tracker, poll_interval_s=POLL_INTERVAL_S
    )
    raise_for_findings(f for f in outcome.findings if f.rule not in PER_RESPONSE_RULES)
    return tracker


# What the poller judges on every answer as the run's observer does (the envelope, the spec's
# statuses and schemas): recorded there, so the poll stops a test only on its job's own rules
# and a known issue on every answer does not end the test before what it exists to check.
PER_RESPONSE_RULES = frozenset({"E1", "E2", "E3", "E4", "E5", "E6", "S1", "S2"})
