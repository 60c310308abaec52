"""Links a walk misses for timing alone, followed on purpose from a job of the slow search."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import httpx
import pytest
import respx
from job_envelopes import job

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.fuzz.on_purpose import follow_on_purpose, timed_links
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
GROUP = "/v1/accounts/ag-1"
SLOW_SEARCH = "search-slow"
GET_CANCELLED = (
    "POST /v1/accounts/{accountGroupId}/prospecting/{jobId}/cancel -> [200] GetCancelledJob -> "
    "GET /v1/accounts/{accountGroupId}/prospecting/{jobId}"
)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def slow_client(
    config: TargetConfig, spec: Spec, rails: Rails, slow: str | None
) -> ProspectingClient:
    return ProspectingClient(
        dataclasses.replace(config, slow_saved_search_id=slow), spec=spec, rails=rails
    )


def test_only_a_cancels_200_depends_on_timing(spec: Spec) -> None:
    assert list(timed_links(spec)) == [GET_CANCELLED]


@pytest.mark.parametrize(
    ("slow", "cancel", "followed", "gets"),
    [
        pytest.param(SLOW_SEARCH, 200, True, 1, id="a-running-job-cancelled-then-got"),
        pytest.param(SLOW_SEARCH, 409, False, 0, id="a-cancel-that-is-not-200-follows-nothing"),
        pytest.param(None, 200, False, 0, id="no-slow-search-nothing-sent"),
    ],
)
def test_a_timed_link_is_followed_from_a_job_of_the_slow_search(
    api: respx.MockRouter,
    config: TargetConfig,
    spec: Spec,
    rails: Rails,
    slow: str | None,
    cancel: int,
    followed: bool,
    gets: int,
) -> None:
    # Given a target whose slow search's job is still running when its cancel arrives
    start = api.post(f"{GROUP}/prospecting").mock(
        return_value=httpx.Response(202, json=job("queued"), headers={"Location": "/x"})
    )
    cancelled = job("cancelled") if cancel == 200 else {"success": False}
    api.post(f"{GROUP}/prospecting/job-1/cancel").respond(cancel, json=cancelled)
    get = api.get(f"{GROUP}/prospecting/job-1").respond(200, json=job("cancelled"))

    # When the link is followed on purpose
    with slow_client(config, spec, rails, slow) as client:
        result = follow_on_purpose(client, timed_links(spec)[GET_CANCELLED])

    # Then the job came from the slow search and the link's request took the cancelled id
    assert result is followed
    assert get.call_count == gets
    if slow is None:
        assert not start.called
    else:
        assert SLOW_SEARCH.encode() in start.calls.last.request.content
