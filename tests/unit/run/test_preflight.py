"""The preflight: one request through the client, and one clear message and exit status per failure.

CI tells "the secret is wrong" (78) from "staging is down" (69) from a regression by the exit
status alone; each case below is what a misconfigured or unhealthy target looks like.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.run.preflight import PreflightError, preflight
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED, EXIT_TARGET_DOWN
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
LIST_PATH = "/v1/accounts/ag-1/sales-navigator/saved-searches"
KEY_ALL = "sk_live_all_0123456789abcdef"
OK = {"success": True, "data": {"items": []}, "error": None, "traceId": "t-1"}


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def test_a_target_that_lists_saved_searches_passes_with_one_request(
    api: respx.MockRouter, config: TargetConfig, rails: Rails
) -> None:
    route = api.get(LIST_PATH).respond(200, json=OK)

    preflight(config, rails)

    assert route.call_count == 1
    assert route.calls.last.request.headers["X-API-Key"] == KEY_ALL
    # It counts in the run's budget like any other request.
    assert rails.requests_sent == 1


@pytest.mark.parametrize(
    ("answer", "exit_status", "message"),
    [
        pytest.param(
            httpx.Response(401),
            EXIT_MISCONFIGURED,
            "rejected PROSPECTING_KEY_ALL for account group 'ag-1' with 401",
            id="401-the-key-is-wrong",
        ),
        pytest.param(
            httpx.Response(403),
            EXIT_MISCONFIGURED,
            "rejected PROSPECTING_KEY_ALL for account group 'ag-1' with 403",
            id="403-the-key-is-for-another-group",
        ),
        pytest.param(
            httpx.Response(404),
            EXIT_MISCONFIGURED,
            "has no saved-searches endpoint (404): check that PROSPECTING_BASE_URL",
            id="404-the-base-url-is-not-the-api-root",
        ),
        pytest.param(
            httpx.Response(503),
            EXIT_TARGET_DOWN,
            "is unhealthy: the preflight request got 503",
            id="503-the-target-is-unhealthy",
        ),
        pytest.param(
            httpx.ConnectError("refused"),
            EXIT_TARGET_DOWN,
            "is down or unreachable (ConnectError): check PROSPECTING_BASE_URL",
            id="connection-refused",
        ),
        pytest.param(
            httpx.ReadTimeout("timed out"),
            EXIT_TARGET_DOWN,
            "did not answer (ReadTimeout): check PROSPECTING_BASE_URL",
            id="no-answer-in-time",
        ),
    ],
)
def test_each_failure_says_what_to_check_with_its_exit_status(
    api: respx.MockRouter,
    config: TargetConfig,
    rails: Rails,
    answer: Any,
    exit_status: int,
    message: str,
) -> None:
    api.get(LIST_PATH).mock(side_effect=[answer])

    with pytest.raises(PreflightError) as failed:
        preflight(config, rails)

    assert failed.value.exit_status == exit_status
    assert message in str(failed.value)
    assert KEY_ALL not in str(failed.value)


def test_without_the_all_scopes_key_nothing_is_sent(
    api: respx.MockRouter, config: TargetConfig, rails: Rails
) -> None:
    keyless = dataclasses.replace(config, key_all=None)

    with pytest.raises(PreflightError, match="PROSPECTING_KEY_ALL is not set") as failed:
        preflight(keyless, rails)

    assert failed.value.exit_status == EXIT_MISCONFIGURED
    assert api.calls.call_count == 0


@pytest.fixture
def unpaced(config: TargetConfig, spec: Spec, clock: FakeClock) -> Rails:
    """Rails whose pacing (a request every 1.1 ms) never makes the preflight wait."""
    fast = dataclasses.replace(config, max_rate=1000.0)
    return Rails(fast, spec=spec, clock=clock.now, sleep=clock.sleep)


def test_a_server_still_starting_is_waited_for_on_the_rails_clock(
    api: respx.MockRouter, unpaced: Rails, clock: FakeClock
) -> None:
    # Given a server that refuses two connections before it is up
    refused = httpx.ConnectError("refused")
    route = api.get(LIST_PATH).mock(side_effect=[refused, refused, httpx.Response(200, json=OK)])

    # When the preflight may wait a second for it
    preflight(unpaced.config, unpaced, wait_s=1.0)

    # Then it tried again every 50 ms of the fake clock, and passed
    assert route.call_count == 3
    assert clock.sleeps == [0.05, 0.05]


def test_a_refused_connection_is_not_waited_for_past_wait_s(
    api: respx.MockRouter, unpaced: Rails, clock: FakeClock
) -> None:
    route = api.get(LIST_PATH).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(PreflightError, match="down or unreachable") as failed:
        preflight(unpaced.config, unpaced, wait_s=0.12)

    # Tries at 0, 0.05, 0.10 and 0.15 s: the last is past the 0.12 s it may wait.
    assert failed.value.exit_status == EXIT_TARGET_DOWN
    assert (route.call_count, clock.sleeps) == (4, [0.05, 0.05, 0.05])
