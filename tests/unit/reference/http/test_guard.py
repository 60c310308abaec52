"""The guard: which answer each key gets for each operation, with and without the faults that
weaken it. Requests are built in memory; nothing listens on a socket."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
from starlette.requests import Request

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import resolve_faults
from prospecting_conformance.reference.http.guard import Guard
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.reference.http.scopes import scope_table
from prospecting_conformance.reference.quota import Quotas
from prospecting_conformance.reference.settings import ReferenceSettings
from prospecting_conformance.spec.model import load_spec

PRIMARY, FOREIGN = seed.PRIMARY_ACCOUNT_GROUP_ID, seed.FOREIGN_ACCOUNT_GROUP_ID
LIST, START = "listSalesNavigatorSavedSearches", "startProspectingJob"
GET, LOOKUP = "getProspectingJob", "getProspectByProviderId"


def _request(key: str | None, group: str = PRIMARY) -> Request:
    headers = [] if key is None else [(b"x-api-key", key.encode())]
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "headers": headers,
            "path_params": {"accountGroupId": group},
        }
    )


def _guard(faults: Iterable[str] = (), clock: list[float] | None = None) -> Guard:
    now = clock if clock is not None else [0.0]
    settings = ReferenceSettings(clock=lambda: now[0])
    active = resolve_faults(faults)
    return Guard(scope_table(load_spec()), Quotas(settings, active), Responder(active), active)


def _answer(guard: Guard, request: Request, operation: str) -> tuple[int, str, str] | None:
    """None when admitted, else the status, the error code and the Retry-After header."""
    response = guard.admit(request, operation)
    if response is None:
        return None
    error = json.loads(response.body)["error"]
    return response.status_code, error["code"], response.headers.get("retry-after", "")


@pytest.mark.parametrize(
    ("key", "group", "operation", "faults", "expected"),
    [
        pytest.param(seed.KEY_ALL, PRIMARY, START, (), None, id="all-scopes-key-admitted"),
        pytest.param(None, PRIMARY, LIST, (), (401, "unauthorized", ""), id="no-key-401"),
        pytest.param("nope", PRIMARY, LIST, (), (401, "unauthorized", ""), id="unknown-key-401"),
        pytest.param("", PRIMARY, LIST, (), (401, "unauthorized", ""), id="empty-key-401"),
        pytest.param(
            seed.KEY_PROSPECTING_READ,
            PRIMARY,
            START,
            (),
            (403, "forbidden", ""),
            id="read-key-cannot-start",
        ),
        pytest.param(
            seed.KEY_PROSPECTING_WRITE,
            PRIMARY,
            GET,
            (),
            (403, "forbidden", ""),
            id="write-key-cannot-read",
        ),
        pytest.param(
            seed.KEY_PROSPECTING_READ,
            PRIMARY,
            LOOKUP,
            (),
            (403, "forbidden", ""),
            id="lookup-needs-prospects-read",
        ),
        pytest.param(seed.KEY_ALL, FOREIGN, LIST, (), (403, "forbidden", ""), id="other-group-403"),
        pytest.param(
            None,
            PRIMARY,
            LIST,
            ("missing_key_returns_403",),
            (403, "forbidden", ""),
            id="fault-missing-key-403",
        ),
        pytest.param(
            "nope",
            PRIMARY,
            START,
            ("invalid_key_accepted",),
            None,
            id="fault-unknown-key-accepted",
        ),
        pytest.param(
            seed.KEY_PROSPECTING_READ,
            PRIMARY,
            START,
            ("read_scope_allows_write",),
            None,
            id="fault-read-allows-write",
        ),
        pytest.param(
            seed.KEY_PROSPECTING_WRITE,
            PRIMARY,
            GET,
            ("write_scope_allows_read",),
            None,
            id="fault-write-allows-read",
        ),
        pytest.param(
            seed.KEY_PROSPECTING_WRITE,
            PRIMARY,
            LOOKUP,
            ("prospects_scope_not_enforced",),
            None,
            id="fault-prospects-scope-not-enforced",
        ),
        pytest.param(
            seed.KEY_PROSPECTS_READ,
            PRIMARY,
            START,
            ("read_scope_allows_write",),
            (403, "forbidden", ""),
            id="fault-read-allows-write-needs-read",
        ),
        pytest.param(
            seed.KEY_ALL,
            FOREIGN,
            LIST,
            ("cross_tenant_saved_searches",),
            None,
            id="fault-cross-tenant-list",
        ),
        pytest.param(
            seed.KEY_ALL,
            FOREIGN,
            GET,
            ("cross_tenant_saved_searches",),
            (403, "forbidden", ""),
            id="fault-cross-tenant-list-only",
        ),
    ],
)
def test_guard_answers(
    key: str | None,
    group: str,
    operation: str,
    faults: tuple[str, ...],
    expected: tuple[int, str, str] | None,
) -> None:
    assert _answer(_guard(faults), _request(key, group), operation) == expected


@pytest.mark.parametrize(
    ("faults", "retry_after"),
    [
        pytest.param((), "1", id="429-with-retry-after"),
        pytest.param(("rate_limit_without_retry_after",), "", id="fault-429-without-retry-after"),
    ],
)
def test_low_quota_key_is_limited_after_its_window_is_spent(
    faults: tuple[str, ...], retry_after: str
) -> None:
    guard = _guard(faults)
    answers = [_answer(guard, _request(seed.KEY_LOW_QUOTA), LIST) for _ in range(4)]
    assert answers == [None, None, None, (429, "rate_limited", retry_after)]


def test_quota_window_reopens_after_the_retry_after() -> None:
    clock = [0.0]
    guard = _guard(clock=clock)
    for _ in range(3):
        guard.admit(_request(seed.KEY_LOW_QUOTA), LIST)
    assert _answer(guard, _request(seed.KEY_LOW_QUOTA), LIST) == (429, "rate_limited", "1")
    clock[0] = 1.0
    assert _answer(guard, _request(seed.KEY_LOW_QUOTA), LIST) is None


def test_scopes_come_from_the_table_not_the_code() -> None:
    active = resolve_faults(())
    settings = ReferenceSettings()
    guard = Guard(
        {LIST: frozenset({seed.WRITE})}, Quotas(settings, active), Responder(active), active
    )
    assert _answer(guard, _request(seed.KEY_PROSPECTING_READ), LIST) == (403, "forbidden", "")
    assert _answer(guard, _request(seed.KEY_PROSPECTING_WRITE), LIST) is None


@pytest.mark.parametrize(
    ("key", "group", "operation", "failing"),
    [
        pytest.param(seed.KEY_ALL, PRIMARY, START, set(), id="none"),
        pytest.param(None, PRIMARY, LIST, {"auth"}, id="no-key"),
        pytest.param("nope", FOREIGN, LIST, {"auth", "group"}, id="unknown-key-other-group"),
        pytest.param(seed.KEY_PROSPECTING_READ, PRIMARY, START, {"scope"}, id="scope"),
        pytest.param(seed.KEY_PROSPECTING_READ, FOREIGN, START, {"scope", "group"}, id="both"),
    ],
)
def test_failing_checks_ignore_faults(
    key: str | None, group: str, operation: str, failing: set[str]
) -> None:
    guard = _guard(("invalid_key_accepted", "read_scope_allows_write"))
    assert guard.failing_checks(_request(key, group), operation) == failing
