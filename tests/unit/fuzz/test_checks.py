"""The checks schemathesis runs on each generated response, each named for the rule it enforces.

The contract check records what a response broke and lets the case go on: a known issue on
every answer must not stop generation. The others fail the case with a `ConformanceError`
whose findings name our rule ids, for a new finding only. The run context records each
finding once: the failed case's report, which hands the same findings on again, does not
count them twice. schemathesis' own checks are adapted: their failure becomes a finding named
for our rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response
from schemathesis.generation import GenerationMode
from schemathesis.generation.meta import (
    CaseMetadata,
    CoverageScenario,
    GenerationInfo,
    PhaseInfo,
)

from prospecting_conformance.core.findings import ConformanceError
from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.transport import railed_schema, sending_for
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

LIST = "listSalesNavigatorSavedSearches"
LIST_PATH = "/v1/accounts/{accountGroupId}/sales-navigator/saved-searches"
OK = {"success": True, "data": {"items": []}, "error": None, "traceId": "t-ok"}
INTERNAL_ERROR = {
    "success": False,
    "data": None,
    "error": {"code": "internal_error", "message": "Oops."},
    "traceId": "t-500",
}

# A coverage-phase case that sends a method the spec does not declare for the path.
UNDECLARED_METHOD = CaseMetadata(
    generation=GenerationInfo(time=0.0, mode=GenerationMode.NEGATIVE),
    components={},
    phase=PhaseInfo.coverage(
        CoverageScenario.UNSPECIFIED_HTTP_METHOD, "Unspecified HTTP method: TRACE"
    ),
)


@pytest.fixture(scope="module")
def list_case(spec: Spec) -> Any:
    """A generated case for the saved-search list, from the coverage phase's undeclared methods."""
    schema = railed_schema(schemathesis.openapi.from_dict(spec.document))
    operation = schema.find_operation_by_id(LIST)
    return operation.Case(path_parameters={"accountGroupId": "ag-1"}, _meta=UNDECLARED_METHOD)


@pytest.fixture
def run_context(
    config: TargetConfig, spec: Spec, rails: Rails, list_case: Any
) -> Iterator[RunContext]:
    """The run the checks report to, bound to the case's schema as the generated tests bind it."""
    context = RunContext(target=config, spec=spec, seed=7, rails=rails)
    with sending_for(list_case.operation.schema, context):
        yield context


def answer(
    config: TargetConfig,
    case: Any,
    status: int,
    body: Any,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
) -> Response:
    """The response schemathesis hands a check: `body` is JSON-encoded unless it is a str."""
    key = config.credential("all")
    assert key is not None
    request = requests.Request(
        method,
        f"{config.base_url}{case.formatted_path}",
        headers={config.auth_header: key.reveal()},
    ).prepare()
    text = body if isinstance(body, str) else json.dumps(body)
    sent = {"Content-Type": "application/json", **(headers or {})}
    return Response(
        status_code=status,
        headers={name: [value] for name, value in sent.items()},
        content=text.encode(),
        request=request,
        elapsed=0.0,
        verify=True,
    )


def recorded(context: RunContext) -> dict[tuple[str, str, int | None], int]:
    return {key: entry.count for key, entry in context.recorder.findings.items()}


def test_each_check_is_named_for_the_rule_it_enforces() -> None:
    assert list(FUZZ_CHECKS) == [
        "prospecting_contract",
        "prospecting_s3_no_server_error",
        "prospecting_s4_negative_data_rejection",
        "prospecting_s4_positive_data_acceptance",
        "prospecting_s4_unsupported_method",
        "prospecting_s4_missing_required_header",
        "prospecting_a1_a2_ignored_auth",
        "prospecting_l1_ensure_resource_availability",
        "prospecting_l6_use_after_free",
    ]


@pytest.mark.parametrize(
    ("body", "rules"),
    [
        pytest.param("[]", {"E1", "S2"}, id="a-json-array-is-no-envelope"),
        pytest.param({**OK, "success": False}, {"E2", "S2"}, id="success-false-on-a-200"),
        pytest.param({**OK, "traceId": ""}, {"E4", "S2"}, id="an-empty-trace-id"),
    ],
)
def test_a_broken_envelope_is_recorded_once_and_the_case_goes_on(
    run_context: RunContext,
    config: TargetConfig,
    list_case: Any,
    body: Any,
    rules: set[str],
) -> None:
    response = answer(config, list_case, 200, body)

    assert FUZZ_CHECKS["prospecting_contract"](None, response, list_case) is True

    assert recorded(run_context) == {(rule, LIST, 200): 1 for rule in rules}


def test_a_conformant_response_passes_the_contract_and_is_counted_as_generated(
    run_context: RunContext, config: TargetConfig, list_case: Any
) -> None:
    response = answer(config, list_case, 200, OK)

    assert FUZZ_CHECKS["prospecting_contract"](None, response, list_case) is True
    assert recorded(run_context) == {}
    assert run_context.recorder.generated_statuses == {LIST: {200: 1}}


@pytest.mark.parametrize(
    ("status", "body", "rules"),
    [
        pytest.param(500, INTERNAL_ERROR, {"S3"}, id="a-500-is-a-server-error"),
        pytest.param(502, {**INTERNAL_ERROR, "traceId": "t-502"}, set(), id="a-502-is-weather"),
        pytest.param(400, {**INTERNAL_ERROR, "traceId": "t-400"}, set(), id="a-400-is-an-answer"),
    ],
)
def test_s3_no_input_gets_a_500(
    run_context: RunContext,
    config: TargetConfig,
    list_case: Any,
    status: int,
    body: Any,
    rules: set[str],
) -> None:
    check = FUZZ_CHECKS["prospecting_s3_no_server_error"]
    response = answer(config, list_case, status, body)

    if rules:
        with pytest.raises(ConformanceError) as raised:
            check(None, response, list_case)
        assert [finding.rule for finding in raised.value.findings] == sorted(rules)
    else:
        assert check(None, response, list_case) is None
    assert recorded(run_context) == {(rule, LIST, status): 1 for rule in rules}


def test_an_adapted_schemathesis_failure_becomes_a_finding_named_for_our_rule(
    run_context: RunContext, config: TargetConfig, list_case: Any
) -> None:
    # Given an undeclared method answered 405 without the Allow header RFC 9110 requires
    response = answer(config, list_case, 405, {}, method="TRACE")

    # When schemathesis' unsupported_method check, adapted to S4, judges it
    with pytest.raises(ConformanceError) as raised:
        FUZZ_CHECKS["prospecting_s4_unsupported_method"](None, response, list_case)

    # Then the case fails with one S4 finding, named by the method the operation lacks
    [finding] = raised.value.findings
    operation = f"TRACE {LIST_PATH}"
    assert (finding.rule, finding.operation, finding.status) == ("S4", operation, 405)
    # schemathesis' title and message say what was wrong; the key is redacted.
    assert finding.message.startswith("Wrong response to undeclared method: TRACE returned 405")
    assert finding.exchange is not None
    assert finding.exchange.request_headers[config.auth_header] == "$PROSPECTING_KEY_ALL"
    assert recorded(run_context) == {("S4", operation, 405): 1}


def test_an_adapted_check_that_passes_says_nothing(
    run_context: RunContext, config: TargetConfig, list_case: Any
) -> None:
    response = answer(config, list_case, 405, {}, method="TRACE", headers={"Allow": "GET"})

    assert FUZZ_CHECKS["prospecting_s4_unsupported_method"](None, response, list_case) is None
    assert recorded(run_context) == {}


def test_a_known_issue_is_recorded_and_does_not_fail_the_case(
    config: TargetConfig, spec: Spec, rails: Rails, list_case: Any
) -> None:
    # Given a run whose baseline knows S4 on every operation
    context = RunContext(
        target=config, spec=spec, seed=7, rails=rails, known_issue=lambda key: key[0] == "S4"
    )
    response = answer(config, list_case, 405, {}, method="TRACE")

    # When the undeclared-method check meets it again
    with sending_for(list_case.operation.schema, context):
        verdict = FUZZ_CHECKS["prospecting_s4_unsupported_method"](None, response, list_case)

    # Then the case goes on, and the known issue is still in the record
    assert verdict is None
    assert recorded(context) == {("S4", f"TRACE {LIST_PATH}", 405): 1}


@pytest.mark.parametrize(
    ("method", "status", "failed"),
    [
        pytest.param("HEAD", 200, False, id="head-as-get-conforms"),
        pytest.param("TRACE", 200, True, id="any-other-method-must-be-405"),
    ],
)
def test_head_on_a_get_path_may_be_answered_as_get(
    run_context: RunContext,
    config: TargetConfig,
    list_case: Any,
    method: str,
    status: int,
    failed: bool,
) -> None:
    response = answer(config, list_case, status, "", method=method)
    check = FUZZ_CHECKS["prospecting_s4_unsupported_method"]

    if failed:
        with pytest.raises(ConformanceError):
            check(None, response, list_case)
    else:
        assert check(None, response, list_case) is None
