"""U1's tables and checks: unknown paths, and methods a declared path does not support."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.undeclared import (
    UndeclaredMethod,
    check_head,
    check_method_not_allowed,
    check_unknown_path,
    undeclared_methods,
)
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

Observe = Callable[..., Observed]


LIST = "/v1/accounts/{accountGroupId}/sales-navigator/saved-searches"
START = "/v1/accounts/{accountGroupId}/prospecting"


def envelope(code: str | None) -> dict[str, Any]:
    error = {"code": code, "message": "No.", "details": ""} if code else None
    return {"success": False, "data": None, "error": error, "traceId": "t"}


def test_every_declared_path_gets_every_method_it_does_not_declare(spec: Spec) -> None:
    rows = {(case.method, case.path) for case in undeclared_methods(spec)}
    assert {("HEAD", LIST), ("OPTIONS", LIST), ("POST", LIST), ("GET", START)} <= rows
    assert ("GET", LIST) not in rows
    assert ("POST", START) not in rows


PUT_ON_LIST = UndeclaredMethod(LIST, "PUT", frozenset({"GET"}), "listSalesNavigatorSavedSearches")
HEAD_ON_LIST = UndeclaredMethod(LIST, "HEAD", frozenset({"GET"}), "listSalesNavigatorSavedSearches")


@pytest.mark.parametrize(
    ("case", "status", "headers", "body", "found"),
    [
        pytest.param(
            PUT_ON_LIST,
            405,
            {"Allow": "GET"},
            envelope("method_not_allowed"),
            False,
            id="405-right",
        ),
        pytest.param(
            PUT_ON_LIST,
            405,
            {"Allow": "GET, HEAD"},
            envelope("method_not_allowed"),
            False,
            id="allow-may-list-more",
        ),
        pytest.param(PUT_ON_LIST, 200, {}, {"success": True}, True, id="a-default-200"),
        pytest.param(PUT_ON_LIST, 405, {}, envelope("method_not_allowed"), True, id="no-allow"),
        pytest.param(
            PUT_ON_LIST,
            405,
            {"Allow": "GET, PUT"},
            envelope("method_not_allowed"),
            True,
            id="allow-lists-the-method",
        ),
        pytest.param(
            PUT_ON_LIST, 405, {"Allow": "GET"}, envelope("forbidden"), True, id="another-code"
        ),
        pytest.param(HEAD_ON_LIST, 405, {"Allow": "GET"}, "", False, id="head-405-has-no-body"),
        # Without the GET to compare with, a HEAD is held to 405 (check_head compares)
        pytest.param(HEAD_ON_LIST, 200, {}, "", True, id="head-200-with-nothing-to-compare"),
    ],
)
def test_an_undeclared_method_must_be_405_with_allow_and_its_code(
    observe: Observe,
    case: UndeclaredMethod,
    status: int,
    headers: dict[str, str],
    body: Any,
    found: bool,
) -> None:
    observed = observe(case.label, status, body, headers=headers)
    findings = check_method_not_allowed(observed, case)
    assert [f.rule for f in findings] == (["U1"] if found else [])


@pytest.mark.parametrize(
    ("head_status", "head_headers", "head_body", "get_status", "found"),
    [
        pytest.param(200, {}, "", 200, False, id="as-get-200-without-a-body"),
        pytest.param(404, {}, "", 404, False, id="as-get-404-without-a-body"),
        pytest.param(405, {"Allow": "GET"}, "", 200, False, id="405-with-allow"),
        pytest.param(405, {}, "", 200, True, id="405-without-allow"),
        pytest.param(200, {}, "", 404, True, id="200-where-get-answers-404"),
        pytest.param(401, {}, "", 200, True, id="401-where-get-answers-200"),
        pytest.param(200, {}, '{"success": true}', 200, True, id="as-get-with-a-body"),
    ],
)
def test_head_is_the_get_without_its_body_or_405(
    observe: Observe,
    head_status: int,
    head_headers: dict[str, str],
    head_body: str,
    get_status: int,
    found: bool,
) -> None:
    head = observe(HEAD_ON_LIST.label, head_status, head_body, headers=head_headers)
    get = observe("listSalesNavigatorSavedSearches", get_status, envelope(None))

    findings = check_head(head, get, HEAD_ON_LIST)

    assert [f.rule for f in findings] == (["U1"] if found else [])


def test_only_head_on_a_get_path_may_answer_as_get() -> None:
    assert HEAD_ON_LIST.may_answer_as_get
    assert not PUT_ON_LIST.may_answer_as_get
    assert not UndeclaredMethod(
        START, "HEAD", frozenset({"POST"}), "startProspectingJob"
    ).may_answer_as_get


@pytest.mark.parametrize(
    ("status", "with_key", "found"),
    [
        pytest.param(404, True, False, id="404-with-key"),
        pytest.param(401, False, False, id="401-without-key"),
        pytest.param(404, False, False, id="404-without-key"),
        pytest.param(401, True, True, id="401-with-a-valid-key"),
        pytest.param(200, True, True, id="a-default-200"),
    ],
)
def test_an_unknown_path_is_404_or_401_without_a_key(
    observe: Observe, status: int, with_key: bool, found: bool
) -> None:
    observed = observe("GET /no-such-resource", status, envelope("not_found"))
    assert bool(check_unknown_path(observed, with_key=with_key)) is found
