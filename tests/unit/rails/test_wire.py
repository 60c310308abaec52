"""Where the rails meet the wire: an httpx transport and a requests adapter, both gated.

Whatever the rails refuse never reaches the transport underneath; weather is sent again and
counted. Here the transport underneath is a fake that answers from a script and keeps every
request it was handed, so "never reached the wire" is something a test can see. A dropped
connection, which only a real socket shows, is tests/selftest/test_dropped_connections.py.
"""

from __future__ import annotations

import dataclasses
import io
import time
from typing import Any

import httpx
import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.rails.gate import (
    BudgetRefusal,
    Rails,
    RailsRefusal,
    RequestBudgetExceeded,
    WritesNotAllowed,
)
from prospecting_conformance.rails.wire import (
    RETRY_ON,
    RailsAdapter,
    RailsTransport,
    elapsed_s,
    mount_rails,
)
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
LIST_URL = f"{BASE_URL}/v1/accounts/ag-1/sales-navigator/saved-searches"
START_URL = f"{BASE_URL}/v1/accounts/ag-1/prospecting"
LIST = "listSalesNavigatorSavedSearches"


class ScriptedTransport(httpx.BaseTransport):
    """The wire under the rails: answers the scripted statuses in turn, keeps every request."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[httpx.Request] = []
        self.closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.statuses.pop(0), json={})

    def close(self) -> None:
        self.closed = True


class ScriptedAdapterWire:
    """`HTTPAdapter.send`, the wire under the adapter: answers a script, keeps every request."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.requests: list[requests.PreparedRequest] = []

        def send(
            adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
        ) -> requests.Response:
            self.requests.append(request)
            answer = urllib3.HTTPResponse(
                body=io.BytesIO(b"{}"),
                status=self.statuses.pop(0),
                headers={"Content-Type": "application/json"},
                preload_content=False,
            )
            return adapter.build_response(request, answer)

        monkeypatch.setattr(HTTPAdapter, "send", send)


def rails_for(config: TargetConfig, spec: Spec, clock: FakeClock, **changes: Any) -> Rails:
    return Rails(
        dataclasses.replace(config, **changes), spec=spec, clock=clock.now, sleep=clock.sleep
    )


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> ScriptedAdapterWire:
    return ScriptedAdapterWire(monkeypatch, 200, 200)


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A request the rails refuse: the target's settings, what the run already sent, the error."""

    changes: dict[str, Any]
    sent_before: int
    method: str
    url: str
    error: type[BaseException]

    def rails(self, config: TargetConfig, spec: Spec, clock: FakeClock) -> Rails:
        rails = rails_for(config, spec, clock, **self.changes)
        for _ in range(self.sent_before):
            rails.admit("GET", LIST_URL)
        return rails


REFUSALS = [
    pytest.param(
        Refusal({"allow_writes": False}, 0, "POST", START_URL, WritesNotAllowed),
        id="a-write-with-writes-off",
    ),
    pytest.param(
        Refusal(
            {"allow_writes": False, "max_requests": 1}, 1, "GET", LIST_URL, RequestBudgetExceeded
        ),
        id="a-read-once-the-budget-is-spent",
    ),
]


@pytest.mark.parametrize("refusal", REFUSALS)
def test_the_transport_never_hands_a_refused_request_to_the_wire(
    config: TargetConfig, spec: Spec, clock: FakeClock, refusal: Refusal
) -> None:
    inner = ScriptedTransport(200)
    transport = RailsTransport(refusal.rails(config, spec, clock), inner)

    with httpx.Client(transport=transport) as client, pytest.raises(refusal.error):
        client.request(refusal.method, refusal.url)

    assert inner.requests == []


@pytest.mark.parametrize(
    ("statuses", "retry_on", "answered", "sent", "retried", "persisted"),
    [
        pytest.param([200], None, 200, 1, {}, {}, id="an-answer-is-sent-once"),
        pytest.param([502, 200], None, 200, 2, {(LIST, 502): 1}, {}, id="a-502-is-sent-again"),
        pytest.param(
            [502, 500, 502],
            None,
            502,
            3,
            {(LIST, 502): 1, (LIST, 500): 1},
            {(LIST, 502): 1},
            id="the-third-5xx-is-the-answer",
        ),
        pytest.param(
            [429], frozenset({500, 502}), 429, 1, {}, {}, id="a-429-left-out-by-the-request-is-kept"
        ),
        pytest.param([502], frozenset(), 502, 1, {}, {}, id="a-request-that-asks-for-no-retries"),
    ],
)
def test_the_transport_sends_weather_again_and_counts_it(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    statuses: list[int],
    retry_on: frozenset[int] | None,
    answered: int,
    sent: int,
    retried: dict[tuple[str, int], int],
    persisted: dict[tuple[str, int], int],
) -> None:
    rails = rails_for(config, spec, clock)
    inner = ScriptedTransport(*statuses)
    extensions = {} if retry_on is None else {RETRY_ON: retry_on}

    with httpx.Client(transport=RailsTransport(rails, inner)) as client:
        response = client.get(LIST_URL, extensions=extensions)

    assert response.status_code == answered
    assert len(inner.requests) == rails.requests_sent == sent
    assert (rails.weather.retried, rails.weather.persisted) == (retried, persisted)


@pytest.mark.parametrize(
    ("settling", "refused"),
    [
        pytest.param(False, True, id="the-run-may-not-spend-the-reserve"),
        pytest.param(True, False, id="settle-may"),
    ],
)
def test_only_the_settling_transport_spends_the_reserve_kept_for_settling(
    config: TargetConfig, spec: Spec, clock: FakeClock, settling: bool, refused: bool
) -> None:
    # Writes on: 3 of the 4 requests are kept to settle a job the next request may start.
    rails = rails_for(config, spec, clock, max_requests=4, allow_writes=True)
    rails.admit("GET", LIST_URL)
    inner = ScriptedTransport(200)

    with httpx.Client(transport=RailsTransport(rails, inner, settling=settling)) as client:
        if refused:
            with pytest.raises(RequestBudgetExceeded):
                client.get(LIST_URL)
        else:
            client.get(LIST_URL)

    assert len(inner.requests) == (0 if refused else 1)


def test_closing_the_transport_closes_the_wire(
    config: TargetConfig, spec: Spec, clock: FakeClock
) -> None:
    inner = ScriptedTransport()

    RailsTransport(rails_for(config, spec, clock), inner).close()

    assert inner.closed


@pytest.mark.parametrize("refusal", REFUSALS)
def test_the_adapter_never_hands_a_refused_request_to_the_wire(
    config: TargetConfig, spec: Spec, clock: FakeClock, wire: ScriptedAdapterWire, refusal: Refusal
) -> None:
    adapter = RailsAdapter(refusal.rails(config, spec, clock))
    session = mount_rails(requests.Session(), adapter)

    with pytest.raises(refusal.error):
        session.request(refusal.method, refusal.url)

    assert wire.requests == []


@pytest.mark.parametrize(
    ("in_worker_thread", "refusal"),
    [
        pytest.param(False, RequestBudgetExceeded, id="the-run-stops"),
        # schemathesis' engine thread would end silently on a BaseException.
        pytest.param(True, BudgetRefusal, id="an-ordinary-error-in-the-engines-thread"),
    ],
)
def test_a_spent_budget_as_the_adapters_senders_can_see_it(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    wire: ScriptedAdapterWire,
    in_worker_thread: bool,
    refusal: type[BaseException],
) -> None:
    rails = rails_for(config, spec, clock, max_requests=1, allow_writes=False)
    adapter = RailsAdapter(rails, in_worker_thread=in_worker_thread)
    session = mount_rails(requests.Session(), adapter)
    session.get(LIST_URL)

    with pytest.raises(refusal) as raised:
        session.get(LIST_URL)

    assert "request budget spent: 1 of 1 requests sent" in str(raised.value)
    assert len(wire.requests) == 1
    assert isinstance(raised.value, RailsRefusal) is in_worker_thread


def test_the_adapter_sends_a_502_on_a_read_again_and_counts_it(
    config: TargetConfig, spec: Spec, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire = ScriptedAdapterWire(monkeypatch, 502, 200)
    rails = rails_for(config, spec, clock)
    session = mount_rails(requests.Session(), RailsAdapter(rails))

    response = session.get(LIST_URL)

    assert response.status_code == 200
    assert len(wire.requests) == rails.requests_sent == 2
    assert rails.weather.retried == {(LIST, 502): 1}


class SlowTransport(ScriptedTransport):
    """The wire, taking `delays` seconds to answer each attempt in turn."""

    def __init__(self, delays: list[float], *statuses: int) -> None:
        super().__init__(*statuses)
        self.delays = delays

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.delays.pop(0))
        return super().handle_request(request)


@pytest.mark.parametrize(
    ("delays", "statuses", "at_least", "below"),
    [
        pytest.param([0.05], [200], 0.05, 0.5, id="one-attempt"),
        pytest.param([0.3, 0.0], [502, 200], 0.0, 0.2, id="the-last-attempt-only"),
    ],
)
def test_the_transport_times_the_targets_answer(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    delays: list[float],
    statuses: list[int],
    at_least: float,
    below: float,
) -> None:
    rails = rails_for(config, spec, clock)

    with httpx.Client(transport=RailsTransport(rails, SlowTransport(delays, *statuses))) as client:
        response = client.get(LIST_URL)

    elapsed = elapsed_s(response.request)
    assert elapsed is not None
    assert at_least <= elapsed < below


def test_the_adapter_times_the_targets_answer(
    config: TargetConfig, spec: Spec, clock: FakeClock, wire: ScriptedAdapterWire
) -> None:
    session = mount_rails(requests.Session(), RailsAdapter(rails_for(config, spec, clock)))

    response = session.get(LIST_URL)

    assert elapsed_s(response.request) is not None
    assert elapsed_s(requests.Request("GET", LIST_URL).prepare()) is None
