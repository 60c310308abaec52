"""schemathesis sends through the rails: its schema and clones, and its engine's sessions.

Here the wire under requests' adapter is a fake that answers 200 and keeps every request it
was handed: a request the rails refuse must never reach it, and one they admit is counted in
the rails, whichever schemathesis object sent it.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import requests
import schemathesis
import urllib3
from requests.adapters import HTTPAdapter
from schemathesis.engine import context as engine_context

from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.fuzz.transport import (
    railed_engine_sessions,
    railed_schema,
    run_of,
    sending_for,
)
from prospecting_conformance.rails.gate import (
    BudgetRefusal,
    Rails,
    RequestBudgetExceeded,
    WritesNotAllowed,
)
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
LIST = "listSalesNavigatorSavedSearches"
START = "startProspectingJob"
GET_JOB = "getProspectingJob"
LIST_URL = f"{BASE_URL}/v1/accounts/ag-1/sales-navigator/saved-searches"
START_URL = f"{BASE_URL}/v1/accounts/ag-1/prospecting"


# schemathesis sends with the run's session, or with none of its own (generated cases).
SESSIONS = pytest.mark.parametrize(
    "session",
    [
        pytest.param(lambda: None, id="without-a-session"),
        pytest.param(requests.Session, id="with-a-plain-session"),
    ],
)


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> list[requests.PreparedRequest]:
    """What reached the wire: requests' adapter answers 200 without opening a connection."""
    reached: list[requests.PreparedRequest] = []

    def send(
        adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        reached.append(request)
        answer = urllib3.HTTPResponse(body=io.BytesIO(b"{}"), status=200, preload_content=False)
        return adapter.build_response(request, answer)

    monkeypatch.setattr(HTTPAdapter, "send", send)
    return reached


@pytest.fixture
def read_only_rails(config: TargetConfig, spec: Spec, clock: FakeClock) -> Rails:
    target = dataclasses.replace(config, allow_writes=False)
    return Rails(target, spec=spec, clock=clock.now, sleep=clock.sleep)


@pytest.fixture(scope="module")
def engine_config(spec: Spec) -> Any:
    """The project configuration schemathesis' engine builds its sessions from."""
    return schemathesis.openapi.from_dict(spec.document).config


def run_on(rails: Rails) -> RunContext:
    return RunContext(target=rails.config, spec=rails.spec, seed=1, rails=rails)


def sending_on(schema: Any, rails: Rails) -> AbstractContextManager[None]:
    """`schema` sends for a run on `rails`, as the generated tests bind theirs."""
    return sending_for(schema, run_on(rails))


def case_for(schema: Any, operation_id: str) -> Any:
    operation = schema.find_operation_by_id(operation_id)
    if operation_id == START:
        return operation.Case(
            path_parameters={"accountGroupId": "ag-1"},
            body={"source": "sales_navigator", "savedSearchId": "s-1"},
            media_type="application/json",
        )
    return operation.Case(path_parameters={"accountGroupId": "ag-1"})


@pytest.mark.parametrize(
    "clone",
    [
        pytest.param(lambda schema: schema, id="the-schema-itself"),
        pytest.param(lambda schema: schema.include(operation_id=[LIST, START]), id="include"),
        pytest.param(lambda schema: schema.exclude(operation_id=[GET_JOB]), id="exclude"),
    ],
)
@SESSIONS
def test_the_railed_schema_and_its_clones_send_through_the_rails(
    spec: Spec,
    read_only_rails: Rails,
    wire: list[requests.PreparedRequest],
    clone: Callable[[Any], Any],
    session: Callable[[], requests.Session | None],
) -> None:
    railed = railed_schema(schemathesis.openapi.from_dict(spec.document))
    schema = clone(railed)

    with sending_on(railed, read_only_rails):
        # A read is admitted, counted, and reaches the wire
        case_for(schema, LIST).call(base_url=BASE_URL, session=session())
        # A write, with writes off, is refused before it leaves
        with pytest.raises(WritesNotAllowed):
            case_for(schema, START).call(base_url=BASE_URL, session=session())

    assert [request.url for request in wire] == [LIST_URL]
    assert read_only_rails.requests_sent == 1


@SESSIONS
def test_a_schema_bound_to_no_run_sends_nothing(
    spec: Spec, wire: list[requests.PreparedRequest], session: Callable[[], requests.Session | None]
) -> None:
    # A schema is built before its run exists: until one is bound, no rails would stop it
    schema = railed_schema(schemathesis.openapi.from_dict(spec.document))

    with pytest.raises(RuntimeError, match="sends for no run"):
        case_for(schema, LIST).call(base_url=BASE_URL, session=session())

    assert wire == []


def test_a_run_bound_inside_another_gives_the_outer_one_back(
    spec: Spec, rails: Rails, read_only_rails: Rails
) -> None:
    # A pytest session run inside another (a test of the plugin) binds its own run and must
    # not leave the outer run's schema without its run
    schema = railed_schema(schemathesis.openapi.from_dict(spec.document))
    outer, inner = run_on(rails), run_on(read_only_rails)
    case = case_for(schema, LIST)

    with sending_for(schema, outer):
        with sending_for(schema, inner):
            assert run_of(case) is inner
        assert run_of(case) is outer


def test_while_open_the_engines_sessions_send_through_the_rails(
    engine_config: Any, read_only_rails: Rails, wire: list[requests.PreparedRequest]
) -> None:
    with railed_engine_sessions(read_only_rails):
        session = engine_context.make_session(engine_config)
        session.get(LIST_URL)
        with pytest.raises(WritesNotAllowed):
            session.post(START_URL, json={})

    assert [request.url for request in wire] == [LIST_URL]
    assert read_only_rails.requests_sent == 1


def test_once_closed_the_engines_sessions_are_schemathesis_own_again(
    engine_config: Any, read_only_rails: Rails, wire: list[requests.PreparedRequest]
) -> None:
    with railed_engine_sessions(read_only_rails):
        pass

    engine_context.make_session(engine_config).post(START_URL, json={})

    assert [request.url for request in wire] == [START_URL]
    assert read_only_rails.requests_sent == 0


def test_a_spent_budget_is_an_ordinary_error_in_the_engines_thread(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    engine_config: Any,
    wire: list[requests.PreparedRequest],
) -> None:
    # schemathesis' engine runs the stateful phase in its own thread, where a BaseException
    # would end the thread silently instead of failing the step.
    target = dataclasses.replace(config, max_requests=1, allow_writes=False)
    rails = Rails(target, spec=spec, clock=clock.now, sleep=clock.sleep)

    with railed_engine_sessions(rails):
        session = engine_context.make_session(engine_config)
        session.get(LIST_URL)
        with pytest.raises(BudgetRefusal, match="request budget spent"):
            session.get(LIST_URL)

    assert len(wire) == 1


@pytest.mark.parametrize(
    ("in_worker_thread", "error"),
    [
        pytest.param(False, RequestBudgetExceeded, id="a-generated-test-stops-the-run"),
        pytest.param(True, BudgetRefusal, id="an-engine-thread-gets-an-ordinary-error"),
    ],
)
def test_a_spent_budget_on_a_send_without_a_session(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    wire: list[requests.PreparedRequest],
    in_worker_thread: bool,
    error: type[BaseException],
) -> None:
    # The engine's auth probes drop the run's session on purpose: the bound session stands in,
    # and from the stateful phase's threads a BaseException would kill the engine's thread.
    target = dataclasses.replace(config, max_requests=1, allow_writes=False)
    rails = Rails(target, spec=spec, clock=clock.now, sleep=clock.sleep)
    schema = railed_schema(schemathesis.openapi.from_dict(spec.document))
    case = case_for(schema, LIST)

    with sending_for(schema, run_on(rails), in_worker_thread=in_worker_thread):
        case.call(base_url=BASE_URL)
        with pytest.raises(error, match="request budget spent"):
            case.call(base_url=BASE_URL)

    assert len(wire) == 1


@SESSIONS
def test_a_redirect_is_the_answer_not_followed(
    spec: Spec,
    rails: Rails,
    monkeypatch: pytest.MonkeyPatch,
    session: Callable[[], requests.Session | None],
) -> None:
    # Given a target that redirects every request (H3: a 3xx is a finding, never followed)
    reached: list[str] = []

    def redirect(
        adapter: HTTPAdapter, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        reached.append(str(request.url))
        answer = urllib3.HTTPResponse(
            body=io.BytesIO(b""),
            status=307,
            headers={"Location": LIST_URL + "/elsewhere"},
            preload_content=False,
        )
        return adapter.build_response(request, answer)

    monkeypatch.setattr(HTTPAdapter, "send", redirect)
    schema = railed_schema(schemathesis.openapi.from_dict(spec.document))

    # When schemathesis sends a case
    with sending_on(schema, rails):
        response = case_for(schema, LIST).call(base_url=BASE_URL, session=session())

    # Then the checks see the 307 and nothing went to where it pointed
    assert response.status_code == 307
    assert reached == [LIST_URL]
