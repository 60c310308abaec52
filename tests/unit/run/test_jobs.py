"""The job verbs: start a job, insist on L1, follow its Location and run it to its end.

The target is respx and every wait goes to the fake clock, so a whole job, from the start to
its last poll, runs in milliseconds and says exactly what it sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from job_envelopes import job

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import ConformanceError
from prospecting_conformance.run.jobs import (
    POLL_INTERVAL_S,
    follow_location,
    job_id,
    run_to_end,
    start_accepted,
    start_body,
)

BASE_URL = "https://api.test"
JOBS_PATH = "/v1/accounts/ag-1/prospecting"
JOB_PATH = f"{JOBS_PATH}/job-1"


_traces = iter(range(10**6))


def reply(status: int, body: dict[str, Any], **headers: str) -> httpx.Response:
    """A scripted answer; each gets its own traceId, as a real server's would."""
    return httpx.Response(status, json={**body, "traceId": f"t-{next(_traces)}"}, headers=headers)


def accepted(**changes: Any) -> httpx.Response:
    return reply(202, job("queued", **changes), Location=JOB_PATH)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        yield router


def test_the_start_body_names_the_source_and_the_saved_search() -> None:
    assert start_body("ss-1") == {"source": "sales_navigator", "savedSearchId": "ss-1"}


def test_a_start_the_target_accepts_is_returned_with_its_job_id(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    start = api.post(JOBS_PATH).mock(return_value=accepted())

    started = start_accepted(client, "ss-1")

    assert json.loads(start.calls.last.request.content) == start_body("ss-1")
    assert (started.status, job_id(started)) == (202, "job-1")


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        pytest.param(
            reply(200, job("queued"), Location=JOB_PATH),
            "Started a job: received 200; expected 202.",
            id="not-202",
        ),
        pytest.param(
            reply(202, job("queued", id=None), Location=JOB_PATH),
            "The 202 carries no job id in data.id.",
            id="no-job-id",
        ),
        pytest.param(
            reply(202, job("queued")), "The 202 has no Location header.", id="no-location"
        ),
    ],
)
def test_a_start_that_breaks_L1_stops_the_step_with_the_finding(
    api: respx.MockRouter, client: ProspectingClient, answer: httpx.Response, message: str
) -> None:
    api.post(JOBS_PATH).mock(return_value=answer)

    with pytest.raises(ConformanceError) as raised:
        start_accepted(client, "ss-1")

    assert [(f.rule, f.operation, f.message) for f in raised.value.findings] == [
        ("L1", "startProspectingJob", message)
    ]


def test_a_start_without_a_job_id_is_refused_naming_operation_and_status(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    api.post(JOBS_PATH).mock(return_value=reply(202, job("queued", id=7), Location=JOB_PATH))
    started = client.start_job(start_body("ss-1"))

    with pytest.raises(AssertionError, match=r"startProspectingJob -> 202: no job id in data.id"):
        job_id(started)


@pytest.mark.parametrize(
    "location",
    [
        pytest.param(JOB_PATH, id="relative-path"),
        pytest.param(f"{BASE_URL}{JOB_PATH}", id="absolute-url-on-the-target"),
    ],
)
def test_the_location_of_a_start_is_the_job(
    api: respx.MockRouter, client: ProspectingClient, location: str
) -> None:
    api.post(JOBS_PATH).mock(return_value=reply(202, job("queued"), Location=location))
    api.get(JOB_PATH).mock(return_value=reply(200, job("running", 1)))

    followed = follow_location(client, client.start_job(start_body("ss-1")))

    assert (followed.operation_id, followed.status, followed.data["status"]) == (
        "getProspectingJob",
        200,
        "running",
    )


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        pytest.param({}, "The 202 has no Location header.", id="no-location"),
        pytest.param(
            {"Location": "https://elsewhere.test/jobs/job-1"},
            "Received Location 'https://elsewhere.test/jobs/job-1'; expected a URL on the target.",
            id="location-off-the-target-is-not-followed",
        ),
    ],
)
def test_a_location_that_cannot_be_followed_is_an_L1_finding(
    api: respx.MockRouter, client: ProspectingClient, headers: dict[str, str], message: str
) -> None:
    api.post(JOBS_PATH).mock(return_value=reply(202, job("queued"), **headers))
    started = client.start_job(start_body("ss-1"))

    with pytest.raises(ConformanceError) as raised:
        follow_location(client, started)

    assert [(f.rule, f.message) for f in raised.value.findings] == [("L1", message)]


def test_a_job_is_started_and_run_to_its_end(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # Given a target that accepts the start and finishes the job on the second poll
    api.post(JOBS_PATH).mock(return_value=accepted())
    polls = api.get(JOB_PATH).mock(
        side_effect=[reply(200, job("running", 4)), reply(200, job("completed", 10))]
    )

    # When the job is started and run to its end
    tracker = run_to_end(client, start_accepted(client, "ss-1"), "ss-1")

    # Then it was polled until completed, a poll interval apart, with nothing to report
    assert polls.call_count == 2
    assert (tracker.status, tracker.terminal) == ("completed", True)
    [_start, first_poll, second_poll] = client.sent_at
    assert second_poll - first_poll == pytest.approx(POLL_INTERVAL_S)


@pytest.mark.parametrize(
    ("polls", "rule"),
    [
        pytest.param(
            [reply(200, job("running", 5)), reply(200, job("running", 3))],
            "L2",
            id="progress-going-down",
        ),
        pytest.param(
            [reply(200, job("completed", 10, savedSearchId="ss-2"))],
            "L8",
            id="job-of-another-saved-search",
        ),
    ],
)
def test_a_job_that_breaks_a_rule_on_the_way_stops_with_the_finding(
    api: respx.MockRouter, client: ProspectingClient, polls: list[httpx.Response], rule: str
) -> None:
    api.post(JOBS_PATH).mock(return_value=accepted())
    api.get(JOB_PATH).mock(side_effect=[*polls, reply(200, job("completed", 10))])

    with pytest.raises(ConformanceError) as raised:
        run_to_end(client, start_accepted(client, "ss-1"), "ss-1")

    assert {f.rule for f in raised.value.findings} == {rule}


def test_a_poll_answer_that_breaks_only_the_envelope_does_not_stop_the_step(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # Given polls labelled text/plain (E5: the run's observer records it on every answer)
    api.post(JOBS_PATH).mock(return_value=accepted())
    done = reply(200, job("completed", 10))
    api.get(JOB_PATH).mock(
        return_value=httpx.Response(
            200, content=done.content, headers={"Content-Type": "text/plain"}
        )
    )

    # When the job is run to its end, Then the step goes on to what its test checks
    tracker = run_to_end(client, start_accepted(client, "ss-1"), "ss-1")

    assert tracker.status == "completed"
