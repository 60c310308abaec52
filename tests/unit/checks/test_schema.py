"""Spec conformance (S1, S2) and `check_response`, the one per-response entry point.

Documented responses (the spec's examples and the docs page's own example bodies) must pass;
the violation table lists what the spec's schemas and headers catch, with the exact rule set
`check_response` reports for each.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.envelope import ENVELOPE_CHECKS, TraceIds
from prospecting_conformance.checks.schema import SPEC_CHECKS, check_response
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import DEFAULT_SPEC_PATH, Spec, load_spec

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LIST = "listSalesNavigatorSavedSearches"
START = "startProspectingJob"
GET = "getProspectingJob"
CANCEL = "cancelProspectingJob"
PROSPECT = "getProspectByProviderId"

DOCS_PAGE = DEFAULT_SPEC_PATH.parent / "docs" / "list-sales-navigator-saved-searches.txt"
DOCS_PLACEHOLDER_CODE = "string"

# The headers a documented response needs beyond its body (the spec's required headers).
HEADERS_FOR = {202: {"Location": "/v1/accounts/ag-1/prospecting/job-1"}, 429: {"Retry-After": "3"}}

_SPEC = load_spec()
DOCUMENTED = [
    pytest.param(op.operation_id, status, id=f"{op.operation_id}-{status}")
    for op in _SPEC.operations.values()
    for status in sorted(op.responses)
]


def docs_examples() -> dict[int, Any]:
    """The example bodies of the docs page, by status ("401 Example JSONErrorResponse {...}")."""
    text = DOCS_PAGE.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    examples = {}
    for match in re.finditer(r"(\d{3}) Example JSON\w+\s*", text):
        body, _ = decoder.raw_decode(text, match.end())
        examples[int(match.group(1))] = body
    return examples


@pytest.mark.parametrize(("operation", "status"), DOCUMENTED)
def test_every_spec_example_passes_except_e6_on_the_docs_placeholder_code(
    observe: Observe, spec: Spec, operation: str, status: int
) -> None:
    example = spec.operation(operation).responses[status].example
    observed = observe(operation, status, example, headers=HEADERS_FOR.get(status))

    rules = {f.rule for f in check_response(observed, spec)}

    placeholder = (example.get("error") or {}).get("code") == DOCS_PLACEHOLDER_CODE
    assert rules == ({"E6"} if placeholder else set())


@pytest.mark.parametrize(("operation", "status"), DOCUMENTED)
def test_every_documented_status_with_its_real_error_code_passes_every_rule(
    observe: Observe, spec: Spec, operation: str, status: int
) -> None:
    response = spec.operation(operation).responses[status]
    body = copy.deepcopy(response.example)
    if response.error_code is not None:
        body["error"]["code"] = response.error_code

    findings = check_response(
        observe(operation, status, body, headers=HEADERS_FOR.get(status)), spec
    )

    assert findings == []


def test_the_docs_page_gives_an_example_for_each_documented_status(spec: Spec) -> None:
    assert set(docs_examples()) == set(spec.operation(LIST).responses)


@pytest.mark.parametrize("status", sorted(docs_examples()))
def test_the_docs_page_examples_pass_e1_to_e5_s1_and_s2(
    observe: Observe, spec: Spec, status: int
) -> None:
    observed = observe(LIST, status, docs_examples()[status], headers=HEADERS_FOR.get(status))

    findings = check_response(observed, spec)

    # E6 is the one rule the docs' placeholder code "string" breaks; it has its own tests.
    assert [f.describe() for f in findings if f.rule != "E6"] == []


def job(**changes: Any) -> dict[str, Any]:
    data = {
        "id": "job-1",
        "status": "running",
        "source": "sales_navigator",
        "savedSearchId": "ss-1",
        "createdAt": "2026-11-26T10:00:00Z",
        "updatedAt": "2026-11-26T10:00:01Z",
        "progress": {"processed": 3, "total": 10},
        "result": None,
        "error": None,
    }
    return {**data, **changes}


def without(mapping: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k != key}


def envelope(data: Any, **changes: Any) -> dict[str, Any]:
    return {"success": True, "data": data, "error": None, "traceId": "t-1", **changes}


def error(code: str, **changes: Any) -> dict[str, Any]:
    body = {
        "success": False,
        "data": None,
        "error": {"code": code, "message": "Too many requests.", "details": ""},
        "traceId": "t-1",
    }
    return {**body, **changes}


PROSPECT_DATA = {
    "id": "p-1",
    "providerId": "ACwAAA0001",
    "fullName": "Avery Stone",
    "profileUrl": "https://www.linkedin.com/sales/lead/ACwAAA0001",
    "sourceJobId": "job-1",
}
LOCATION = {"Location": "/v1/accounts/ag-1/prospecting/job-1"}
PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1></body></html>"

# (operation, status, body, extra headers, rules check_response must raise)
VIOLATIONS = [
    # S1: a status the spec does not document for the operation
    pytest.param(LIST, 201, envelope({"items": []}), {}, {"S1"}, id="S1-list-answers-201"),
    pytest.param(START, 200, envelope(job()), {}, {"S1"}, id="S1-start-answers-200-not-202"),
    pytest.param(GET, 409, error("conflict"), {}, {"S1"}, id="S1-get-job-answers-409"),
    pytest.param(LIST, 405, error("method_not_allowed"), {}, {"S1"}, id="S1-list-answers-405"),
    pytest.param(PROSPECT, 400, error("validation_error"), {}, {"S1"}, id="S1-lookup-answers-400"),
    # S2, headers: a 429 says when to come back, a 202 where the job is
    pytest.param(LIST, 429, error("rate_limited"), {}, {"S2"}, id="S2-429-without-Retry-After"),
    pytest.param(
        LIST,
        429,
        error("rate_limited"),
        {"Retry-After": "soon"},
        {"S2"},
        id="S2-429-Retry-After-not-numeric",
    ),
    pytest.param(
        LIST,
        429,
        error("rate_limited"),
        {"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"},
        {"S2"},
        id="S2-429-Retry-After-http-date",
    ),
    pytest.param(
        LIST,
        429,
        error("rate_limited"),
        {"Retry-After": "-1"},
        {"S2"},
        id="S2-429-Retry-After-negative",
    ),
    pytest.param(
        GET,
        429,
        error("rate_limited"),
        {"Retry-After": "1.5"},
        {"S2"},
        id="S2-429-Retry-After-fractional",
    ),
    pytest.param(
        START, 202, envelope(job(status="queued")), {}, {"S2"}, id="S2-202-without-Location"
    ),
    pytest.param(
        START,
        202,
        envelope(job(status="queued")),
        {"Location": ""},
        {"S2"},
        id="S2-202-Location-empty",
    ),
    # S2, bodies: the schema of each operation and status
    pytest.param(
        START,
        202,
        envelope(without(job(status="queued"), "id")),
        LOCATION,
        {"S2"},
        id="S2-202-without-job-id",
    ),
    pytest.param(START, 202, envelope(job(id=42)), LOCATION, {"S2"}, id="S2-202-numeric-job-id"),
    pytest.param(GET, 200, envelope(job(status="paused")), {}, {"S2"}, id="S2-unknown-job-status"),
    pytest.param(
        GET,
        200,
        envelope(job(progress={"processed": -1, "total": 10})),
        {},
        {"S2"},
        id="S2-negative-progress",
    ),
    pytest.param(
        GET,
        200,
        envelope(job(createdAt="yesterday")),
        {},
        {"S2"},
        id="S2-createdAt-not-a-date-time",
    ),
    pytest.param(
        GET, 200, envelope(without(job(), "progress")), {}, {"S2"}, id="S2-job-without-progress"
    ),
    pytest.param(
        CANCEL, 200, envelope(job(source="csv_upload")), {}, {"S2"}, id="S2-unknown-job-source"
    ),
    pytest.param(
        GET,
        200,
        envelope(job(status="completed", result={"prospectCount": "3"})),
        {},
        {"S2"},
        id="S2-prospectCount-a-string",
    ),
    pytest.param(
        LIST,
        200,
        envelope({"items": [{"id": 7, "name": "A"}]}),
        {},
        {"S2"},
        id="S2-saved-search-numeric-id",
    ),
    pytest.param(
        LIST,
        200,
        envelope({"items": [{"id": "ss-1"}]}),
        {},
        {"S2"},
        id="S2-saved-search-without-name",
    ),
    pytest.param(LIST, 200, envelope({}), {}, {"S2"}, id="S2-list-without-items"),
    pytest.param(
        PROSPECT,
        200,
        envelope(without(PROSPECT_DATA, "providerId")),
        {},
        {"S2"},
        id="S2-prospect-without-providerId",
    ),
    pytest.param(
        PROSPECT,
        200,
        envelope({**PROSPECT_DATA, "profileUrl": "not a url"}),
        {},
        {"S2"},
        id="S2-prospect-profileUrl-not-a-uri",
    ),
    # One defect, several rules: the envelope rule and the schema both see it
    pytest.param(
        LIST,
        200,
        envelope({"items": []}, success="true"),
        {},
        {"E1", "S2"},
        id="E1+S2-success-is-the-string-true",
    ),
    pytest.param(
        LIST,
        401,
        {**error("unauthorized"), "status": 401},
        {},
        {"E1", "S2"},
        id="E1+S2-error-with-extra-key",
    ),
    pytest.param(
        LIST,
        403,
        error("forbidden", error={"message": "No."}),
        {},
        {"E3", "S2"},
        id="E3+S2-error-without-code",
    ),
    pytest.param(GET, 200, envelope(job(), traceId=""), {}, {"E4", "S2"}, id="E4+S2-empty-traceId"),
    # A non-JSON body is E1's and E5's alone: there is no schema to hold it to
    pytest.param(
        LIST,
        502,
        PROXY_PAGE,
        {"Content-Type": "text/html"},
        {"E1", "E5"},
        id="E1+E5-502-proxy-html-page",
    ),
    pytest.param(
        LIST,
        777,
        PROXY_PAGE,
        {"Content-Type": "text/html"},
        {"E1", "E5", "S1"},
        id="E1+E5+S1-unknown-status-with-html",
    ),
]


@pytest.mark.parametrize(("operation", "status", "body", "headers", "rules"), VIOLATIONS)
def test_each_spec_violation_raises_exactly_its_rules(
    observe: Observe,
    spec: Spec,
    operation: str,
    status: int,
    body: Any,
    headers: dict[str, str],
    rules: set[str],
) -> None:
    observed = observe(operation, status, body, headers=headers)

    findings = check_response(observed, spec)

    assert {f.rule for f in findings} == rules, [f.describe() for f in findings]
    assert all("Received" in f.message and "expected" in f.message for f in findings)


def test_an_s2_finding_shows_the_schema_path_that_broke(observe: Observe, spec: Spec) -> None:
    observed = observe(GET, 200, envelope(job(status="paused")))

    [finding] = check_response(observed, spec)

    assert finding.message.startswith(
        "Received a body that breaks the 200 schema ProspectingJobSuccessResponse: "
        "data/status: 'paused' is not one of"
    )


def test_an_s2_finding_on_an_inferred_element_is_inferred(observe: Observe, spec: Spec) -> None:
    # Retry-After is inferred (I12) although S2 and the 429 itself are documented.
    [finding] = check_response(observe(LIST, 429, error("rate_limited")), spec)

    assert finding.rule == "S2"
    assert finding.message == (
        "Received no Retry-After header; expected the Retry-After header the spec declares "
        "for 429 (required)."
    )
    assert finding.provenance == "inferred"


def test_an_s2_finding_on_a_documented_schema_stays_documented(
    observe: Observe, spec: Spec
) -> None:
    body = envelope({"items": [{"id": "ss-1"}]})

    [finding] = check_response(observe(LIST, 200, body), spec)

    assert finding.provenance == "documented"


def test_a_run_wide_trace_id_repeat_is_reported_by_check_response(
    observe: Observe, spec: Spec
) -> None:
    trace_ids = TraceIds()
    body = envelope({"items": []})

    first = check_response(observe(LIST, 200, body), spec, trace_ids)
    second = check_response(observe(LIST, 200, body), spec, trace_ids)

    assert (first, [f.rule for f in second]) == ([], ["E4"])


def test_every_per_response_rule_is_checked_once_in_order() -> None:
    # A check's rule is the id its docstring starts with.
    rule_ids = [(check.__doc__ or "")[:2] for check in (*ENVELOPE_CHECKS, *SPEC_CHECKS)]

    assert rule_ids == ["E1", "E2", "E3", "E4", "E5", "E6", "S1", "S2"]
