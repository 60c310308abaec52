"""L1-L9: the 202 job lifecycle, from start through polling to cancellation.

The state machine (I7): queued -> running -> completed | failed; queued | running ->
cancelled; terminal statuses never change and progress never goes back.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.checks.jobs import check_job_ids_unique, check_job_status
from prospecting_conformance.checks.lifecycle import JobTracker
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import RequireSetting
from prospecting_conformance.run.jobs import StartJob, follow_location, job_id, run_to_end
from prospecting_conformance.target.config import TargetConfig

pytestmark = pytest.mark.usefixtures("writes")

# How often a cancelled job is looked at again to see that it stays cancelled (L3).
CANCELLED_LOOKS = 3


def test_start_answers_202_with_a_job_whose_location_resolves(
    api: ProspectingClient, start_job: StartJob, saved_search_id: str
) -> None:
    started = start_job(saved_search_id)

    followed = follow_location(api, started)

    why = f"Followed Location {started.header('location')}"
    raise_for_findings(check_status(followed, "L1", 200, why))
    tracker = JobTracker(
        job_id(started), expected_source="sales_navigator", expected_saved_search_id=saved_search_id
    )
    raise_for_findings(tracker.follow(started) + tracker.follow(followed))


ENDINGS = [
    pytest.param("saved_search_id", "completed", id="completed-with-a-result"),
    pytest.param("failing_saved_search_id", "failed", id="failed-with-an-error"),
]


@pytest.mark.parametrize(("setting", "ending"), ENDINGS)
def test_a_job_runs_to_its_end(
    api: ProspectingClient,
    start_job: StartJob,
    require_setting: RequireSetting,
    setting: str,
    ending: str,
) -> None:
    saved_search = require_setting(setting)
    tracker = run_to_end(api, start_job(saved_search), saved_search)
    ended = api.get_job(str(tracker.job_id))
    raise_for_findings(check_job_status(ended, "L2", ending, "Ran the job to its end"))


def _start_tracked(start_job: StartJob, saved_search_id: str) -> tuple[str, JobTracker]:
    """Start a job and a tracker that has judged its first observation (the 202)."""
    started = start_job(saved_search_id)
    tracker = JobTracker(job_id(started), expected_saved_search_id=saved_search_id)
    raise_for_findings(tracker.follow(started))
    return job_id(started), tracker


# How often a queued job is looked at while waiting for it to run.
QUEUED_POLL_S = 0.05


def _until_running(
    api: ProspectingClient, job: str, tracker: JobTracker, deadline_s: float
) -> None:
    """Poll a queued job until it runs (or the deadline passes): a target that queues jobs
    longer than the reference server must still meet a *running* job with its cancel, or the
    no-more-progress half of L3 is never tested there."""
    waited = 0.0
    while tracker.status == "queued" and waited < deadline_s:
        api.sleep(QUEUED_POLL_S)
        waited += QUEUED_POLL_S
        raise_for_findings(tracker.follow(api.get_job(job)))


def test_cancel_a_running_job_then_again(
    api: ProspectingClient, start_job: StartJob, slow_saved_search_id: str, target: TargetConfig
) -> None:
    # Given a job that runs long enough to be cancelled, and runs
    job, tracker = _start_tracked(start_job, slow_saved_search_id)
    _until_running(api, job, tracker, target.job_timeout)

    # When it is cancelled
    cancelled = api.cancel_job(job)

    # Then it says cancelled, stays cancelled and makes no more progress (L3)
    raise_for_findings(check_status(cancelled, "L3", 200, "Cancelled a running job"))
    raise_for_findings(tracker.follow(cancelled))
    raise_for_findings(check_job_status(cancelled, "L3", "cancelled", "Cancelled a running job"))
    for _ in range(CANCELLED_LOOKS):
        api.sleep(0.2)
        looked = api.get_job(job)
        raise_for_findings(tracker.follow(looked))
        raise_for_findings(check_job_status(looked, "L3", "cancelled", "Looked at a cancelled job"))

    # And cancelling again is idempotent (L4)
    again = api.cancel_job(job)
    raise_for_findings(check_status(again, "L4", 200, "Cancelled a cancelled job again"))
    raise_for_findings(
        check_job_status(again, "L4", "cancelled", "Cancelled a cancelled job again")
    )


# Looks at a running job, to see that its progress only ever grows (L2).
RUNNING_LOOKS = 4


def test_progress_of_a_running_job_never_goes_back(
    api: ProspectingClient, start_job: StartJob, slow_saved_search_id: str
) -> None:
    job, tracker = _start_tracked(start_job, slow_saved_search_id)
    for _ in range(RUNNING_LOOKS):
        api.sleep(0.2)
        raise_for_findings(tracker.follow(api.get_job(job)))
    raise_for_findings(check_status(api.cancel_job(job), "L3", 200, "Cancelled a running job"))


@pytest.mark.parametrize(("setting", "ending"), ENDINGS)
def test_cancel_a_finished_job_is_409_and_changes_nothing(
    api: ProspectingClient,
    start_job: StartJob,
    require_setting: RequireSetting,
    setting: str,
    ending: str,
) -> None:
    saved_search = require_setting(setting)
    tracker = run_to_end(api, start_job(saved_search), saved_search)
    if tracker.status != ending:
        pytest.fail(f"the job ended {tracker.status}, not {ending}: see the L2 tests")
    job = str(tracker.job_id)

    refused = api.cancel_job(job)
    after = api.get_job(job)

    raise_for_findings(check_status(refused, "L5", 409, f"Cancelled a {ending} job"))
    raise_for_findings(tracker.follow(after))
    raise_for_findings(check_job_status(after, "L5", ending, f"Cancelled a {ending} job"))


@pytest.mark.parametrize("operation_id", ["getProspectingJob", "cancelProspectingJob"])
def test_unknown_job_id_is_404(api: ProspectingClient, operation_id: str) -> None:
    observed = api.request(operation_id, path_params={"jobId": "no-such-job-000000000000"})
    raise_for_findings(check_status(observed, "L6", 404, "Asked for a job that does not exist"))


def test_unknown_saved_search_is_404(api: ProspectingClient) -> None:
    observed = api.start_job({"source": "sales_navigator", "savedSearchId": "no-such-search-0000"})
    raise_for_findings(check_status(observed, "L7", 404, "Started a job from an unknown search"))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b"[]", id="array-body"),
        pytest.param(b'"sales_navigator"', id="string-body"),
        pytest.param(b"{}", id="empty-object"),
        pytest.param(b'{"source": "sales_navigator"}', id="missing-saved-search-id"),
        pytest.param(b'{"savedSearchId": "5f0c"}', id="missing-source"),
        pytest.param(b'{"source": "csv", "savedSearchId": "5f0c"}', id="unknown-source"),
        pytest.param(b'{"source": "sales_navigator", "savedSearchId": 42}', id="numeric-id"),
        pytest.param(b'{"source": "sales_navigator", "savedSearchId": ""}', id="empty-id"),
        pytest.param(b'{"source": null, "savedSearchId": "5f0c"}', id="null-source"),
    ],
)
def test_malformed_body_is_400(api: ProspectingClient, content: bytes) -> None:
    observed = api.request(
        "startProspectingJob", content=content, headers={"Content-Type": "application/json"}
    )
    raise_for_findings(check_status(observed, "L7", 400, f"Started a job with body {content!r}"))


def test_job_ids_are_unique(start_job: StartJob, saved_search_id: str) -> None:
    started = [start_job(saved_search_id) for _ in range(3)]
    raise_for_findings(check_job_ids_unique(started))
