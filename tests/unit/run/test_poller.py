"""The poller: a job's whole lifecycle scripted with respx, judged on the way.

Every poll is answered by a respx side effect and every wait goes to a fake clock, so a
30-second deadline, a Retry-After of 3 s and a stuck job all run in milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx
from job_envelopes import job

from prospecting_conformance.checks.lifecycle import JobTracker
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.rails.gate import RateLimitOutlasted
from prospecting_conformance.run.poller import wait_for_terminal_status

BASE_URL = "https://api.test"
JOB_PATH = "/v1/accounts/ag-1/prospecting/job-1"


_traces = iter(range(10**6))


def reply(status: int, body: Any, **headers: str) -> httpx.Response:
    """A scripted answer; each gets its own traceId, as a real server's would."""
    if isinstance(body, dict):
        body = {**body, "traceId": f"t-{next(_traces)}"}
        return httpx.Response(status, json=body, headers=headers)
    return httpx.Response(status, text=body, headers=headers)


def running(processed: int = 0, **changes: Any) -> httpx.Response:
    return reply(200, job("running", processed, **changes))


def done(status: str = "completed", processed: int = 10) -> httpx.Response:
    return reply(200, job(status, processed))


def error(status: int, code: str, **headers: str) -> httpx.Response:
    body = {
        "success": False,
        "data": None,
        "error": {"code": code, "message": "No.", "details": ""},
        "traceId": "t",
    }
    return reply(status, body, **headers)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        yield router


def test_a_job_is_polled_from_queued_through_running_to_completed(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    # Given a job that runs for two polls
    api.get(JOB_PATH).mock(side_effect=[reply(200, job("queued")), running(5), done("completed")])

    # When it is polled every second
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, poll_interval_s=1)

    # Then it ends completed, clean, after two fake seconds
    assert outcome.status == "completed"
    assert outcome.terminal
    assert outcome.findings == []
    assert [o.json["data"]["status"] for o in outcome.observations] == [
        "queued",
        "running",
        "completed",
    ]
    assert clock.sleeps == [1, 1]
    assert outcome.elapsed_s == 2


def test_a_failed_job_ends_the_poll_cleanly(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    api.get(JOB_PATH).mock(side_effect=[running(2), done("failed", 2)])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, poll_interval_s=1)

    assert (outcome.status, outcome.findings) == ("failed", [])


def test_a_job_cancelled_mid_way_stays_cancelled(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # Given a running job, cancelled between two polls
    api.get(JOB_PATH).mock(side_effect=[running(4), done("cancelled", 4), done("cancelled", 4)])
    api.post(f"{JOB_PATH}/cancel").mock(side_effect=[done("cancelled", 4)])
    tracker = JobTracker("job-1")
    tracker.follow(client.get_job("job-1"))

    # When it is cancelled, then polled
    assert tracker.follow(client.cancel_job("job-1")) == []
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, tracker=tracker)
    again = wait_for_terminal_status(client, "job-1", deadline_s=30, tracker=tracker)

    # Then the poll ends at once on cancelled, with nothing to report
    assert (outcome.status, outcome.findings, len(outcome.observations)) == ("cancelled", [], 1)
    assert (again.status, again.findings) == ("cancelled", [])


def test_a_cancelled_job_that_runs_again_is_caught(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # Given a job the API says it cancelled
    api.post(f"{JOB_PATH}/cancel").mock(side_effect=[done("cancelled", 4)])
    api.get(JOB_PATH).mock(side_effect=[running(4), done("completed", 4)])
    tracker = JobTracker("job-1")
    tracker.follow(client.cancel_job("job-1"))

    # When a later poll shows it running
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, tracker=tracker)

    # Then the illegal transition is reported once, and the poll goes on to the end
    assert [f.rule for f in outcome.findings] == ["L2"]
    assert outcome.findings[0].message == (
        "Received status 'running' after 'cancelled'; expected 'cancelled' to stay: a terminal "
        "status never changes."
    )


def test_progress_going_down_while_polling_is_reported(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    api.get(JOB_PATH).mock(side_effect=[running(5), running(3), done()])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, poll_interval_s=1)

    assert [f.rule for f in outcome.findings] == ["L2"]
    assert outcome.findings[0].message == (
        "Received progress.processed 3 after 5; expected it never to decrease."
    )


def test_a_job_stuck_past_the_deadline_ends_in_a_timeout_finding(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    # Given a job that never finishes
    api.get(JOB_PATH).mock(side_effect=lambda request: running(1))

    # When it is polled every 2 s with a 5 s deadline
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=5, poll_interval_s=2)

    # Then polls at 0, 2, 4 and 5 s, and one L2 timeout, without any real waiting
    assert client.sent_at == [0, 2, 4, 5]
    assert clock.sleeps == [2, 2, 1]
    [finding] = outcome.findings
    assert finding.rule == "L2"
    assert finding.message == (
        "Received status 'running' for job 'job-1' after 5 s and 4 polls; expected a terminal "
        "status (cancelled, completed, failed) within the deadline."
    )
    assert not outcome.terminal


def test_a_429_while_polling_waits_exactly_its_retry_after(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    # Given a poll that is rate-limited with Retry-After: 3
    api.get(JOB_PATH).mock(
        side_effect=[running(1), error(429, "rate_limited", **{"Retry-After": "3"}), done()]
    )

    # When the job is polled every second
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, poll_interval_s=1)

    # Then the request after the 429 waited exactly 3 fake seconds, and nothing is wrong
    assert client.sent_at == [0, 1, 4]
    assert clock.sleeps == [1, 3]
    assert (outcome.status, outcome.findings) == ("completed", [])


def test_a_rate_limit_longer_than_the_deadline_is_waited_out_and_the_job_judged_after(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    # Given a job whose polls the target refuses 429 for 20 s, four times its deadline
    limited = [error(429, "rate_limited", **{"Retry-After": "1"}) for _ in range(20)]
    api.get(JOB_PATH).mock(side_effect=[running(1), *limited, done()])

    # When it is polled with a 5 s deadline
    outcome = wait_for_terminal_status(client, "job-1", deadline_s=5, poll_interval_s=1)

    # Then the run waited the 429s out and judged the job on what it saw next: it had ended
    assert (outcome.status, outcome.findings) == ("completed", [])
    assert clock.now() == pytest.approx(21.0)


def test_a_job_seen_running_after_a_rate_limit_past_the_deadline_is_late(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    limited = [error(429, "rate_limited", **{"Retry-After": "1"}) for _ in range(20)]
    api.get(JOB_PATH).mock(side_effect=[running(1), *limited, running(2)])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=5, poll_interval_s=1)

    assert [f.rule for f in outcome.findings] == ["L2"]


def test_a_retry_after_beyond_the_rails_patience_stops_the_run_without_waiting(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    api.get(JOB_PATH).mock(side_effect=[error(429, "rate_limited", **{"Retry-After": "3600"})])

    with pytest.raises(RateLimitOutlasted, match="getProspectingJob kept answering 429"):
        wait_for_terminal_status(client, "job-1", deadline_s=30, poll_interval_s=1)

    assert clock.sleeps == []


@pytest.mark.parametrize(
    "transient",
    [
        pytest.param(lambda: error(500, "internal_error"), id="500-now-and-then"),
        pytest.param(lambda: error(502, "upstream_error"), id="502-upstream-error"),
        pytest.param(lambda: error(503, "unavailable"), id="503-from-a-gateway"),
        pytest.param(lambda: httpx.ConnectError("refused"), id="connection-refused"),
        pytest.param(lambda: httpx.ReadTimeout("timed out"), id="read-timeout"),
    ],
)
def test_a_transient_failure_is_retried(
    api: respx.MockRouter, client: ProspectingClient, transient: Callable[[], Any]
) -> None:
    api.get(JOB_PATH).mock(side_effect=[transient(), transient(), done()])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, max_transient_retries=2)

    assert outcome.status == "completed"
    # A 503 is not in the spec: S1 says so, but the poll still goes on.
    assert {f.rule for f in outcome.findings} <= {"S1", "E6"}


@pytest.mark.parametrize(
    ("status", "code", "rule"),
    [
        pytest.param(
            502, "upstream_error", "T1", id="a-persistent-502-is-a-target-that-cannot-answer"
        ),
        pytest.param(500, "internal_error", "S3", id="a-persistent-500-is-a-server-error"),
    ],
)
def test_a_persistent_server_error_is_reported_after_the_retries(
    api: respx.MockRouter, client: ProspectingClient, status: int, code: str, rule: str
) -> None:
    route = api.get(JOB_PATH).mock(side_effect=lambda request: error(status, code))

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, max_transient_retries=3)

    # The poller's own retries only: the rails do not multiply them.
    assert route.call_count == 4
    [finding] = outcome.findings
    assert (finding.rule, finding.status) == (rule, status)
    assert finding.message == (
        f"Received {status} on 4 consecutive polls; expected the job after at most 3 retries."
    )


def test_a_persistent_transport_error_is_reported_as_t1(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    route = api.get(JOB_PATH).mock(side_effect=httpx.ConnectError("refused"))

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30, max_transient_retries=1)

    assert route.call_count == 2
    [finding] = outcome.findings
    assert (finding.rule, finding.status) == ("T1", None)
    assert finding.message.endswith("Gave up after 2 consecutive failed polls.")


def test_a_proxy_html_page_while_polling_is_reported_and_retried(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    api.get(JOB_PATH).mock(side_effect=[reply(502, page, **{"Content-Type": "text/html"}), done()])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30)

    assert outcome.status == "completed"
    assert {f.rule for f in outcome.findings} == {"E1", "E5"}


@pytest.mark.parametrize(
    ("answer", "rule", "message"),
    [
        pytest.param(
            lambda: error(404, "not_found"),
            "L2",
            "Received 404 for job 'job-1' while polling (last status 'running'); expected 200 "
            "with the job until it is terminal.",
            id="404-the-job-vanished",
        ),
        pytest.param(
            lambda: error(403, "forbidden"),
            "L2",
            "Received 403 while polling the job; expected 200 with the job.",
            id="403-while-polling",
        ),
    ],
)
def test_an_error_while_polling_ends_the_poll_with_a_finding(
    api: respx.MockRouter,
    client: ProspectingClient,
    answer: Callable[[], httpx.Response],
    rule: str,
    message: str,
) -> None:
    api.get(JOB_PATH).mock(side_effect=[running(1), answer()])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30)

    [finding] = outcome.findings
    assert (finding.rule, finding.message) == (rule, message)
    assert outcome.status == "running"


def test_every_poll_answer_is_checked_against_the_envelope_and_spec(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    api.get(JOB_PATH).mock(side_effect=[running(1, createdAt="yesterday"), done()])

    outcome = wait_for_terminal_status(client, "job-1", deadline_s=30)

    assert [f.rule for f in outcome.findings] == ["S2"]


def test_the_location_header_is_the_url_polled(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # Given a 202 whose Location is not the spec's get-job URL
    location = f"{JOB_PATH}?view=status"
    api.post("/v1/accounts/ag-1/prospecting").mock(
        side_effect=[reply(202, job("queued"), Location=location)]
    )
    polled = api.get(JOB_PATH, params={"view": "status"}).mock(side_effect=[done()])
    started = client.start_job({"source": "sales_navigator", "savedSearchId": "ss-1"})

    # When the poller follows it
    outcome = wait_for_terminal_status(
        client, started.json["data"]["id"], deadline_s=30, url=started.header("location")
    )

    # Then the Location was polled (respx would refuse any other URL)
    assert polled.call_count == 1
    assert (outcome.status, outcome.findings) == ("completed", [])
