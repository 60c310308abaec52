"""The rails: what they admit, refuse, pace, pause and send again, on a fake clock."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.rails.gate import (
    JITTER_ALLOWANCE_S,
    HostNotAllowed,
    Rails,
    RateLimitOutlasted,
    RequestBudgetExceeded,
    Tries,
    WritesNotAllowed,
)
from prospecting_conformance.rails.ledger import FileLedgerStore, MemoryLedgerStore
from prospecting_conformance.rails.weather import RATE_LIMIT_PATIENCE_S, WEATHER_BACKOFF_S
from prospecting_conformance.target.config import PROFILE_REQUEST_BUDGETS, TargetConfig

URL = "https://api.test/v1/accounts/ag-1/sales-navigator/saved-searches"
START_URL = "https://api.test/v1/accounts/ag-1/prospecting"
UNDECLARED_URL = "https://api.test/v1/accounts/ag-1/nowhere"
LIST = "listSalesNavigatorSavedSearches"
START = "startProspectingJob"


def rails_for(config: TargetConfig, clock: FakeClock, **changes: object) -> Rails:
    return Rails(dataclasses.replace(config, **changes), clock=clock.now, sleep=clock.sleep)


@pytest.mark.parametrize(
    ("method", "allow_writes", "admitted"),
    [
        pytest.param("GET", False, True, id="GET-is-a-read"),
        pytest.param("HEAD", False, True, id="HEAD-is-a-read"),
        pytest.param("OPTIONS", False, True, id="OPTIONS-is-a-read"),
        pytest.param("POST", False, False, id="POST-refused-with-writes-off"),
        pytest.param("PUT", False, False, id="PUT-refused-with-writes-off"),
        pytest.param("PATCH", False, False, id="PATCH-refused-with-writes-off"),
        pytest.param("DELETE", False, False, id="DELETE-refused-with-writes-off"),
        pytest.param("TRACE", False, False, id="TRACE-refused-with-writes-off"),
        pytest.param("delete", False, False, id="lower-case-methods-too"),
        pytest.param("DELETE", True, True, id="DELETE-admitted-with-writes-on"),
    ],
)
def test_writes_leave_only_when_allowed(
    config: TargetConfig, clock: FakeClock, method: str, allow_writes: bool, admitted: bool
) -> None:
    rails = rails_for(config, clock, allow_writes=allow_writes)

    if admitted:
        rails.admit(method, URL)
    else:
        with pytest.raises(WritesNotAllowed, match="PROSPECTING_ALLOW_WRITES=1"):
            rails.admit(method, URL)

    assert rails.requests_sent == (1 if admitted else 0)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://evil.test/v1/accounts/ag-1", id="another-host"),
        pytest.param("http://api.test/v1/accounts/ag-1", id="another-scheme"),
        pytest.param("https://api.test:8443/v1/accounts/ag-1", id="another-port"),
    ],
)
def test_no_request_leaves_for_another_origin(
    config: TargetConfig, clock: FakeClock, url: str
) -> None:
    rails = rails_for(config, clock)

    with pytest.raises(HostNotAllowed, match=r"not the target https://api\.test"):
        rails.admit("GET", url)


def test_the_budget_keeps_a_reserve_for_settling_every_open_job(
    config: TargetConfig, clock: FakeClock
) -> None:
    # Given a budget of 10 and one job open (3 requests to settle it, 3 more for a job the
    # next request may start)
    rails = rails_for(config, clock, max_requests=10)
    rails.jobs_open(1)

    # When the run sends what it may
    for _ in range(4):
        rails.admit("GET", URL)

    # Then the fifth is refused, and the run stops with a message that says why
    with pytest.raises(RequestBudgetExceeded, match="4 of 10 requests sent, 6 kept"):
        rails.admit("GET", URL)
    assert rails.spent is not None
    # But settle may still use the reserve, and no more
    for _ in range(6):
        rails.admit("GET", URL, settling=True)
    with pytest.raises(RequestBudgetExceeded):
        rails.admit("GET", URL, settling=True)


def test_the_reserve_has_room_for_a_start_in_flight_from_each_concurrent_sender(
    config: TargetConfig, clock: FakeClock
) -> None:
    # Given a budget of 30, one job open, and four walks that may each be starting a job
    rails = rails_for(config, clock, max_requests=30)
    rails.jobs_open(1)
    rails.concurrent_senders = 4

    # When the run sends what it may
    for _ in range(15):
        rails.admit("GET", URL)

    # Then 3 x (1 open + 4 in flight) = 15 are kept to settle them
    with pytest.raises(RequestBudgetExceeded, match="15 of 30 requests sent, 15 kept"):
        rails.admit("GET", URL)


def test_requests_are_spaced_by_the_rate_with_an_allowance_for_jitter(
    config: TargetConfig, clock: FakeClock
) -> None:
    rails = rails_for(config, clock, max_rate=5.0)

    for _ in range(6):
        rails.admit("GET", URL)

    # Six requests at 5/s span more than a second: no one-second window holds six.
    spacing = (1 + JITTER_ALLOWANCE_S) / 5
    assert rails.sent_at == pytest.approx([n * spacing for n in range(6)])
    assert rails.sent_at[5] - rails.sent_at[0] > 1.0


def test_a_sender_that_wakes_late_keeps_the_spacing_from_the_last_that_left(
    config: TargetConfig, clock: FakeClock
) -> None:
    # Given two senders at 5/s on one ledger (two walks), the first request gone at 0
    store = MemoryLedgerStore()
    slow = dataclasses.replace(config, max_rate=5.0)
    late = Rails(slow, store=store, clock=clock.now, sleep=clock.sleep)
    on_time = Rails(slow, store=store, clock=clock.now, sleep=clock.sleep)
    spacing = (1 + JITTER_ALLOWANCE_S) / 5
    on_time.admit("GET", URL)

    # When the next one wakes 0.15 s late for its slot (a busy machine)
    late.sleep = lambda seconds: clock.sleep(seconds + 0.15)
    left_late = late.admit("GET", URL)
    left_next = on_time.admit("GET", URL)

    # Then the one after it still leaves a full spacing later, not at its own earlier slot
    assert left_late == pytest.approx(spacing + 0.15)
    assert left_next - left_late == pytest.approx(spacing)


def test_a_429_pauses_every_sender_that_shares_the_ledger(
    config: TargetConfig, clock: FakeClock, tmp_path: Path
) -> None:
    # Given two senders (say, the client and schemathesis in two processes) on one ledger
    store = FileLedgerStore(tmp_path / "ledger.json")
    client = Rails(config, store=store, clock=clock.now, sleep=clock.sleep, process="a")
    fuzzer = Rails(config, store=store, clock=clock.now, sleep=clock.sleep, process="b")
    client.admit("GET", URL)

    # When one of them is answered 429 with Retry-After: 3
    client.answered(429, "3")

    # Then the other waits those 3 seconds too, and both count in one budget
    assert fuzzer.admit("GET", URL) == pytest.approx(3.0)
    assert store.update(lambda ledger: ledger.sent) == 2


@pytest.mark.parametrize(
    ("retry_after", "pause"),
    [
        pytest.param("2", 2.0, id="whole-seconds"),
        pytest.param(None, 1.0, id="missing-waits-a-default"),
        pytest.param("soon", 1.0, id="unreadable-waits-a-default"),
    ],
)
def test_the_pause_after_a_429(
    config: TargetConfig, clock: FakeClock, retry_after: str | None, pause: float
) -> None:
    rails = rails_for(config, clock, max_rate=1000.0)
    rails.admit("GET", URL)

    rails.answered(429, retry_after)

    assert rails.admit("GET", URL) == pytest.approx(pause)


def test_the_budget_is_shared_by_the_processes_of_a_run(
    config: TargetConfig, clock: FakeClock, tmp_path: Path
) -> None:
    small = dataclasses.replace(config, max_requests=5, allow_writes=False)
    store = FileLedgerStore(tmp_path / "ledger.json")
    workers = [
        Rails(small, store=store, clock=clock.now, sleep=clock.sleep, process=name)
        for name in ("gw0", "gw1")
    ]

    for n in range(5):
        workers[n % 2].admit("GET", URL)

    with pytest.raises(RequestBudgetExceeded):
        workers[1].admit("GET", URL)


@pytest.mark.parametrize(
    ("method", "url", "status", "created", "again", "counted"),
    [
        pytest.param("GET", URL, 502, False, True, {"retried": {(LIST, 502): 1}}, id="a-read-502"),
        pytest.param("GET", URL, 500, False, True, {"retried": {(LIST, 500): 1}}, id="a-read-500"),
        pytest.param("GET", URL, 429, False, True, {"retried": {(LIST, 429): 1}}, id="a-read-429"),
        pytest.param(
            "POST",
            START_URL,
            502,
            False,
            True,
            {"retried": {(START, 502): 1}},
            id="a-start-whose-502-named-no-job",
        ),
        pytest.param(
            "POST",
            START_URL,
            502,
            True,
            False,
            {"persisted": {(START, 502): 1}},
            id="a-start-whose-502-named-a-job-is-never-sent-twice",
        ),
        pytest.param(
            "POST",
            START_URL,
            429,
            True,
            True,
            {"retried": {(START, 429): 1}},
            id="a-start-refused-by-a-429-was-not-processed",
        ),
        pytest.param(
            "GET",
            UNDECLARED_URL,
            502,
            False,
            True,
            {"retried": {("GET /v1/accounts/ag-1/nowhere", 502): 1}},
            id="an-undeclared-path-is-counted-by-method-and-path",
        ),
        pytest.param("GET", URL, 404, False, False, {}, id="a-404-is-an-answer-not-weather"),
        pytest.param("GET", URL, 503, False, False, {}, id="a-503-is-an-answer-not-weather"),
    ],
)
def test_weather_is_sent_again_when_that_is_safe(
    config: TargetConfig,
    clock: FakeClock,
    method: str,
    url: str,
    status: int,
    created: bool,
    again: bool,
    counted: dict[str, dict[tuple[str, int], int]],
) -> None:
    rails = rails_for(config, clock)

    assert rails.send_again(method, url, status, Tries(), created=created) is again
    assert rails.weather.retried == counted.get("retried", {})
    assert rails.weather.persisted == counted.get("persisted", {})


def test_a_5xx_is_sent_again_twice_with_a_doubling_backoff_then_kept(
    config: TargetConfig, clock: FakeClock
) -> None:
    rails = rails_for(config, clock)
    tries = Tries()

    answers = [rails.send_again("GET", URL, 502, tries) for _ in range(3)]

    # Three attempts in all: the third answer is the API's, and the rules judge it.
    assert answers == [True, True, False]
    assert clock.sleeps == [WEATHER_BACKOFF_S, 2 * WEATHER_BACKOFF_S]
    assert rails.weather.retried == {(LIST, 502): 2}
    assert rails.weather.persisted == {(LIST, 502): 1}


def test_a_429_waits_for_its_pause_not_a_backoff(config: TargetConfig, clock: FakeClock) -> None:
    rails = rails_for(config, clock)

    assert rails.send_again("GET", URL, 429, Tries())

    # The wait a 429 asks for is the pause `admit` keeps (test_the_pause_after_a_429).
    assert clock.sleeps == []


def _answer_429s(rails: Rails, tries: Tries, retry_after: str, count: int) -> list[bool]:
    """`count` answers 429 to one request, each waited out as the transport does."""
    again = []
    for _ in range(count):
        rails.admit("GET", URL)
        rails.answered(429, retry_after)
        again.append(rails.send_again("GET", URL, 429, tries))
    return again


def test_a_429_burst_is_waited_out_by_time_not_by_count(
    config: TargetConfig, clock: FakeClock
) -> None:
    # Given a target that answers one request 429 with Retry-After: 1, sixty times in a row
    rails = rails_for(config, clock, max_rate=1000.0)
    tries = Tries()

    # When the rails are asked each time whether to send it again
    again = _answer_429s(rails, tries, "1", 60)

    # Then every 429 is waited out (a minute is well within the patience), a later 502 still
    # gets its own retries, and a budget spent now would name the operation waited on
    assert all(again)
    assert clock.now() == pytest.approx(59.0, abs=0.1)
    assert rails.send_again("GET", URL, 502, tries)
    assert rails.weather.retried == {(LIST, 429): 60, (LIST, 502): 1}


@pytest.mark.parametrize(
    ("retry_after", "answered"),
    [
        pytest.param("1", int(RATE_LIMIT_PATIENCE_S) + 2, id="a-burst-longer-than-the-patience"),
        pytest.param("3600", 1, id="one-retry-after-longer-than-the-patience"),
    ],
)
def test_a_429_that_outlasts_the_patience_stops_the_run_naming_the_operation(
    config: TargetConfig, clock: FakeClock, retry_after: str, answered: int
) -> None:
    rails = rails_for(config, clock, max_rate=1000.0)
    tries = Tries()

    with pytest.raises(RateLimitOutlasted, match=f"{LIST} kept answering 429") as stopped:
        _answer_429s(rails, tries, retry_after, answered)

    # A spent budget of time: the run stops INCOMPLETE, as for requests, never waiting past it
    assert isinstance(stopped.value, RequestBudgetExceeded)
    assert rails.spent == str(stopped.value)
    assert clock.now() <= RATE_LIMIT_PATIENCE_S + 1
    assert rails.weather.persisted == {(LIST, 429): 1}


def test_a_budget_spent_on_a_429_burst_names_the_operation(
    config: TargetConfig, clock: FakeClock
) -> None:
    rails = rails_for(config, clock, max_rate=1000.0, max_requests=5, allow_writes=False)

    with pytest.raises(RequestBudgetExceeded, match=f"spent while {LIST} kept answering 429"):
        _answer_429s(rails, Tries(), "1", 6)


def test_every_request_counts_under_the_layer_that_sent_it(
    config: TargetConfig, clock: FakeClock
) -> None:
    rails = rails_for(config, clock, max_requests=100)

    rails.admit("GET", URL)
    rails.layer = "generated"
    rails.admit("GET", URL)
    rails.admit("GET", URL)
    rails.admit("GET", URL, settling=True)

    usage = rails.usage()
    assert (usage.sent, usage.budget) == (4, 100)
    assert usage.by_layer == {"preflight": 1, "generated": 2, "settle": 1}


@pytest.mark.parametrize(
    ("profile", "max_requests", "budget"),
    [
        pytest.param("quick", None, PROFILE_REQUEST_BUDGETS["quick"], id="quick-by-default"),
        pytest.param("release", None, PROFILE_REQUEST_BUDGETS["release"], id="release-by-default"),
        pytest.param("release", 40, 40, id="a-set-budget-wins"),
    ],
)
def test_a_run_without_a_budget_has_its_profiles(
    config: TargetConfig, clock: FakeClock, profile: str, max_requests: int | None, budget: int
) -> None:
    rails = rails_for(config, clock, profile=profile, max_requests=max_requests)

    assert rails.usage().budget == budget
