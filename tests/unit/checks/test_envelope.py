"""The envelope rules E1-E6: each malformed response raises exactly the rules it breaks.

The table is the specification of `check_envelope`: every row is one way a response can get
the envelope wrong, and names the rule ids it must raise (no more, no fewer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.envelope import (
    ENVELOPE_CHECKS,
    TraceIds,
    check_envelope,
    expected_error_code,
)
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.rules import RULES
from prospecting_conformance.spec.model import Spec

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LIST = "listSalesNavigatorSavedSearches"
START = "startProspectingJob"
CANCEL = "cancelProspectingJob"


def ok(data: Any = None, **changes: Any) -> dict[str, Any]:
    body = {
        "success": True,
        "data": {"items": []} if data is None else data,
        "error": None,
        "traceId": "t-ok",
    }
    return {**body, **changes}


def err(code: str = "internal_error", **changes: Any) -> dict[str, Any]:
    body = {
        "success": False,
        "data": None,
        "error": {"code": code, "message": "Something went wrong.", "details": ""},
        "traceId": "t-err",
    }
    return {**body, **changes}


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


def error_with(code: Any = "not_found", **error: Any) -> dict[str, Any]:
    return {"code": code, "message": "No such job.", **error}


JOB = {"id": "job-1", "status": "queued"}
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>"

# (operation, status, body, content type, rules check_envelope must raise)
VIOLATIONS = [
    # E1: the body is not a JSON object envelope
    pytest.param(LIST, 502, PROXY_PAGE, "text/html", {"E1", "E5"}, id="E1-502-proxy-html-page"),
    pytest.param(
        LIST, 500, "Internal Server Error", "text/plain", {"E1", "E5"}, id="E1-500-text-plain-body"
    ),
    pytest.param(LIST, 500, "", "application/json", {"E1"}, id="E1-empty-body"),
    pytest.param(LIST, 200, "[]", "application/json", {"E1"}, id="E1-json-array-body"),
    pytest.param(LIST, 200, "null", "application/json", {"E1"}, id="E1-json-null-body"),
    pytest.param(LIST, 200, '"ok"', "application/json", {"E1"}, id="E1-json-string-body"),
    pytest.param(
        LIST, 200, '{"success": true,', "application/json", {"E1"}, id="E1-truncated-json"
    ),
    pytest.param(
        LIST, 200, without(ok(), "traceId"), "application/json", {"E1"}, id="E1-missing-traceId-key"
    ),
    pytest.param(
        LIST, 200, without(ok(), "error"), "application/json", {"E1"}, id="E1-missing-error-key"
    ),
    pytest.param(
        LIST,
        401,
        without(err("unauthorized"), "data"),
        "application/json",
        {"E1"},
        id="E1-missing-data-key",
    ),
    pytest.param(
        LIST, 200, without(ok(), "success"), "application/json", {"E1"}, id="E1-missing-success-key"
    ),
    pytest.param(
        LIST, 200, ok(message="ok"), "application/json", {"E1"}, id="E1-extra-key-message"
    ),
    pytest.param(
        LIST,
        404,
        {**err("not_found"), "statusCode": 404},
        "application/json",
        {"E1"},
        id="E1-extra-key-statusCode",
    ),
    pytest.param(
        LIST,
        200,
        ok(success="true"),
        "application/json",
        {"E1"},
        id="E1-success-is-the-string-true",
    ),
    pytest.param(LIST, 200, ok(success=1), "application/json", {"E1"}, id="E1-success-is-1"),
    pytest.param(
        LIST,
        401,
        err("unauthorized", success=None),
        "application/json",
        {"E1"},
        id="E1-success-is-null",
    ),
    # E2: a 2xx must say success true, with data and without error
    pytest.param(
        LIST, 200, ok(success=False), "application/json", {"E2"}, id="E2-200-with-success-false"
    ),
    pytest.param(
        LIST,
        200,
        ok(error=error_with()),
        "application/json",
        {"E2"},
        id="E2-200-with-data-and-error-both-set",
    ),
    pytest.param(
        LIST,
        200,
        ok(data=None) | {"data": None},
        "application/json",
        {"E2"},
        id="E2-200-with-data-null",
    ),
    pytest.param(
        LIST,
        200,
        {**ok(), "data": None, "error": None},
        "application/json",
        {"E2"},
        id="E2-200-with-data-and-error-both-null",
    ),
    pytest.param(
        START,
        202,
        ok(JOB, success=False),
        "application/json",
        {"E2"},
        id="E2-202-with-success-false",
    ),
    # E3: a 4xx/5xx must say success false, with an error and without data
    pytest.param(
        LIST,
        401,
        err("unauthorized", success=True),
        "application/json",
        {"E3"},
        id="E3-401-with-success-true",
    ),
    pytest.param(
        LIST, 500, err(data={"items": []}), "application/json", {"E3"}, id="E3-500-with-data-set"
    ),
    pytest.param(
        LIST,
        403,
        err(error=None),
        "application/json",
        {"E3"},
        id="E3-403-with-data-and-error-both-null",
    ),
    pytest.param(
        LIST,
        404,
        err(error={"message": "No such job."}),
        "application/json",
        {"E3"},
        id="E3-error-without-code",
    ),
    pytest.param(
        LIST, 400, err(error=error_with("")), "application/json", {"E3"}, id="E3-error-code-empty"
    ),
    pytest.param(
        LIST,
        429,
        err(error={"code": "rate_limited"}),
        "application/json",
        {"E3"},
        id="E3-error-without-message",
    ),
    pytest.param(
        LIST,
        409,
        err(error=error_with(409)),
        "application/json",
        {"E3"},
        id="E3-error-code-is-a-number",
    ),
    pytest.param(
        LIST,
        502,
        err(error="upstream failed"),
        "application/json",
        {"E3"},
        id="E3-error-is-a-string",
    ),
    pytest.param(
        LIST,
        500,
        err(error=error_with("internal_error", details={"x": 1})),
        "application/json",
        {"E3"},
        id="E3-details-not-a-string",
    ),
    pytest.param(
        LIST,
        404,
        err("not_found", data={"items": []}, success=False),
        "application/json",
        {"E3"},
        id="E3-404-with-data-and-error-both-set",
    ),
    # E4: every response carries a non-empty traceId
    pytest.param(LIST, 200, ok(traceId=""), "application/json", {"E4"}, id="E4-traceId-empty"),
    pytest.param(LIST, 200, ok(traceId=None), "application/json", {"E4"}, id="E4-traceId-null"),
    pytest.param(
        LIST,
        401,
        err("unauthorized", traceId=12345),
        "application/json",
        {"E4"},
        id="E4-traceId-numeric",
    ),
    # E5: the content type is JSON
    pytest.param(LIST, 200, ok(), "text/plain", {"E5"}, id="E5-valid-envelope-as-text-plain"),
    pytest.param(LIST, 200, ok(), None, {"E5"}, id="E5-no-content-type"),
    pytest.param(
        LIST, 200, ok(), "application/json; charset=iso-8859-1", {"E5"}, id="E5-charset-latin1"
    ),
    pytest.param(
        LIST, 404, err("not_found"), "application/problem+json", {"E5"}, id="E5-problem-json"
    ),
    # E6: the error code is the one the spec declares for the status
    pytest.param(
        LIST, 401, err("forbidden"), "application/json", {"E6"}, id="E6-401-with-code-forbidden"
    ),
    pytest.param(
        LIST,
        403,
        err("unauthorized"),
        "application/json",
        {"E6"},
        id="E6-403-with-code-unauthorized",
    ),
    pytest.param(
        LIST,
        429,
        err("too_many_requests"),
        "application/json",
        {"E6"},
        id="E6-429-with-code-too_many_requests",
    ),
    pytest.param(
        LIST,
        502,
        err("internal_error"),
        "application/json",
        {"E6"},
        id="E6-502-with-code-internal_error",
    ),
    pytest.param(
        CANCEL,
        404,
        err("NOT_FOUND"),
        "application/json",
        {"E6"},
        id="E6-404-code-in-the-wrong-case",
    ),
    pytest.param(
        LIST, 401, err("string"), "application/json", {"E6"}, id="E6-docs-placeholder-code-string"
    ),
    pytest.param(
        LIST,
        409,
        err("conflict_error"),
        "application/json",
        {"E6"},
        id="E6-undocumented-409-uses-the-conflict-code-declared-elsewhere",
    ),
]


@pytest.mark.parametrize(("operation", "status", "body", "content_type", "rules"), VIOLATIONS)
def test_each_malformed_envelope_raises_exactly_its_rules(
    observe: Observe,
    spec: Spec,
    operation: str,
    status: int,
    body: Any,
    content_type: str | None,
    rules: set[str],
) -> None:
    observed = observe(operation, status, body, content_type=content_type)

    findings = check_envelope(observed, spec)

    assert {f.rule for f in findings} == rules, [f.describe() for f in findings]
    for finding in findings:
        assert finding.operation == operation
        assert finding.status == status
        assert "Received" in finding.message
        assert "expected" in finding.message


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json;charset=UTF-8",
        'application/json; charset="utf-8"',
        "Application/JSON",
    ],
)
def test_json_content_types_are_accepted(observe: Observe, spec: Spec, content_type: str) -> None:
    assert check_envelope(observe(LIST, 200, ok(), content_type=content_type), spec) == []


def test_a_finding_names_its_rule_operation_status_and_trace_id(
    observe: Observe, spec: Spec
) -> None:
    observed = observe(LIST, 403, err("unauthorized", traceId="t-403"))

    [finding] = check_envelope(observed, spec)

    assert (finding.rule, finding.operation, finding.status, finding.trace_id) == (
        "E6",
        LIST,
        403,
        "t-403",
    )
    assert finding.message == "Received error.code 'unauthorized' on 403; expected 'forbidden'."


def test_a_proxy_page_is_reported_with_an_excerpt_and_does_not_crash_the_other_rules(
    observe: Observe, spec: Spec
) -> None:
    observed = observe(LIST, 502, PROXY_PAGE, content_type="text/html")

    findings = {f.rule: f for f in check_envelope(observed, spec, TraceIds())}

    assert set(findings) == {"E1", "E5"}
    assert "<html><body><h1>502 Bad Gateway" in findings["E1"].message
    assert findings["E1"].trace_id is None


@pytest.mark.parametrize(
    ("operation", "status", "code"),
    [
        (LIST, 401, "unauthorized"),
        (LIST, 403, "forbidden"),
        (LIST, 429, "rate_limited"),
        (LIST, 500, "internal_error"),
        (LIST, 502, "upstream_error"),
        (START, 400, "validation_error"),
        (START, 404, "not_found"),
        (CANCEL, 409, "conflict"),
        # Not documented for the operation: the code another operation declares applies.
        (LIST, 404, "not_found"),
        (LIST, 400, "validation_error"),
        # No operation declares a 405, so there is no stable code to demand.
        (LIST, 405, None),
    ],
)
def test_the_stable_error_code_comes_from_the_spec(
    spec: Spec, operation: str, status: int, code: str | None
) -> None:
    assert expected_error_code(spec, operation, status) == code


def test_a_405_with_any_code_passes_e6(observe: Observe, spec: Spec) -> None:
    findings = check_envelope(observe(LIST, 405, err("method_not_allowed")), spec)

    assert findings == []


def test_trace_ids_repeated_across_the_run_are_flagged_once_per_repeat(
    observe: Observe, spec: Spec
) -> None:
    # Given a run that has already seen one response
    trace_ids = TraceIds()
    first = observe(LIST, 200, ok(traceId="t-1"))
    assert check_envelope(first, spec, trace_ids) == []

    # When another response reuses its traceId, and a third has a fresh one
    repeat = check_envelope(
        observe(START, 401, err("unauthorized", traceId="t-1")), spec, trace_ids
    )
    fresh = check_envelope(observe(LIST, 200, ok(traceId="t-2")), spec, trace_ids)

    # Then only the repeat is an E4, naming where the traceId was first seen
    assert [f.rule for f in repeat] == ["E4"]
    assert f"already returned by {LIST} -> 200" in repeat[0].message
    assert fresh == []
    assert len(trace_ids) == 2


def test_an_empty_trace_id_is_one_e4_with_or_without_run_state(
    observe: Observe, spec: Spec
) -> None:
    observed = observe(LIST, 200, ok(traceId=""))

    assert [f.rule for f in check_envelope(observed, spec)] == ["E4"]
    assert [f.rule for f in check_envelope(observed, spec, TraceIds())] == ["E4"]


def test_the_run_wide_e4_is_reported_in_e4s_place(observe: Observe, spec: Spec) -> None:
    # Given a run that has seen traceId t-1
    trace_ids = TraceIds()
    assert check_envelope(observe(LIST, 200, ok(traceId="t-1")), spec, trace_ids) == []

    # When a response repeats it and breaks the rules around E4 too
    observed = observe(
        LIST,
        200,
        ok(success=False, traceId="t-1", extra=1),
        content_type="application/json; charset=latin-1",
    )
    findings = check_envelope(observed, spec, trace_ids)

    # Then the repeat is E4's finding, between the ones before it and after it
    assert [f.rule for f in findings] == ["E1", "E2", "E4", "E5"]
    assert "already returned by" in findings[2].message


def test_trace_ids_is_safe_to_share_between_threads(observe: Observe, spec: Spec) -> None:
    # Given 8 threads that each check the same 50 trace ids
    trace_ids = TraceIds()
    responses = [observe(LIST, 200, ok(traceId=f"t-{i}")) for i in range(50)]
    repeats: list[int] = []

    def run() -> None:
        repeats.append(sum(len(trace_ids.check(r, spec)) for r in responses))

    threads = [threading.Thread(target=run) for _ in range(8)]

    # When they run at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then each id was new exactly once and a repeat the 7 other times
    assert sum(repeats) == 50 * 7
    assert len(trace_ids) == 50


def test_each_envelope_rule_is_checked_once_in_order_with_a_one_line_docstring() -> None:
    # A check's rule is the id its docstring starts with, and the rule names that function.
    rule_ids = [(check.__doc__ or "")[:2] for check in ENVELOPE_CHECKS]

    assert rule_ids == ["E1", "E2", "E3", "E4", "E5", "E6"]
    for rule_id, check in zip(rule_ids, ENVELOPE_CHECKS, strict=True):
        assert f"checks.envelope:{check.__name__}" in RULES[rule_id].checks
        assert "\n" not in (check.__doc__ or "").strip()
