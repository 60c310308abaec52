"""The checks schemathesis runs on every generated response, each named for the rule it enforces.

- `prospecting_contract`: E1-E6, S1, S2 through the library's validators, the same functions
  the contract tests use;
- `prospecting_s3_no_server_error`: S3, no 500 for any input;
- the rest adapt schemathesis' own checks, which need its knowledge of how a case was
  generated (a negative case must be rejected, a positive one accepted), and re-raise their
  failures as findings that name our rule ids.

They are registered with schemathesis in one place, `FUZZ_CHECKS`.

The contract check records and never fails a case: every response is judged by every
invariant, and a known issue on every answer must not stop Hypothesis from finding the next
one (the pytest layer fails the test on what it recorded, if any of it is new). The others
are what a generated case exists to check: they fail it on a new finding only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import schemathesis
from schemathesis.core.failures import Failure
from schemathesis.openapi.checks import AuthScenario, IgnoredAuth
from schemathesis.specs.openapi import checks as builtin

from prospecting_conformance.core.findings import ConformanceError, Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.fuzz.transport import last_response, run_of
from prospecting_conformance.rails.wire import elapsed_s
from prospecting_conformance.run.context import RunContext

__all__ = ["FUZZ_CHECKS", "CheckFunction"]

CheckFunction = Callable[[Any, Any, Any], bool | None]


def _observed(response: Any, case: Any) -> Observed:
    """The response as the validators see it, named for the operation the case targeted."""
    request = response.request
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    operation_id = case.operation.definition.raw["operationId"]
    if request.method.lower() != case.operation.method.lower():
        operation_id = f"{request.method.upper()} {case.operation.path}"
    return Observed.build(
        operation_id=operation_id,
        method=request.method,
        url=request.url,
        status=response.status_code,
        headers={name: ", ".join(values) for name, values in response.headers.items()},
        text=response.content.decode(response.encoding or "utf-8", "replace"),
        request_headers=dict(request.headers),
        request_body=body,
        redactor=run_of(case).redactor,
        elapsed_s=elapsed_s(request),
    )


def _fail(context: RunContext, findings: list[Finding]) -> None:
    """Record the findings; fail the case on the new ones (a known issue lets it go on)."""
    new = [f for f in context.record(findings) if context.is_new(f.key)]
    if new:
        raise ConformanceError(new)


def prospecting_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    """E1-E6, S1, S2: the envelope and the spec's schema for the status, by the library."""
    run_of(case).judge_and_record(_observed(response, case), generated=True)
    return True


def prospecting_s3_no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """S3: no 500 for any input."""
    if response.status_code == 500:
        observed = _observed(response, case)
        _fail(run_of(case), [observed.finding("S3", "Received 500; expected no server error.")])
    return None


def unsupported_method(ctx: Any, response: Any, case: Any) -> bool | None:
    """schemathesis' check, except for HEAD on a path that serves GET: I14 lets the API answer
    it as the GET, and U1's own test compares the two."""
    request = response.request
    if request.method == "HEAD" and run_of(case).spec.match("GET", urlsplit(request.url).path):
        return None
    return builtin.unsupported_method(ctx, response, case)


def _adapt(rule: str, check: CheckFunction, doc: str) -> CheckFunction:
    """A check that runs a schemathesis check and reports its failure under `rule`."""

    def adapted(ctx: Any, response: Any, case: Any) -> bool | None:
        try:
            return check(ctx, response, case)
        except Failure as failure:
            observed = _observed(response, case)
            _fail(run_of(case), [observed.finding(rule, f"{failure.title}: {failure.message}")])
            return None

    adapted.__name__ = f"prospecting_{rule.lower()}_{check.__name__}"
    adapted.__doc__ = doc
    return adapted


def prospecting_a1_a2_ignored_auth(ctx: Any, response: Any, case: Any) -> bool | None:
    """A1, A2: a request without a key, or with an invalid one, is refused."""
    try:
        return builtin.ignored_auth(ctx, response, case)
    except IgnoredAuth as failure:
        # The failing answer is the last one the transport received: schemathesis' own probe
        # (no key, or a spoiled one) when it sent one, else the case's. That is the evidence.
        rule = "A1" if failure.scenario == AuthScenario.NO_AUTH else "A2"
        evidence = last_response()
        observed = _observed(evidence if evidence is not None else response, case)
        _fail(run_of(case), [observed.finding(rule, f"{failure.title}: {failure.message}")])
        return None


FUZZ_CHECKS: dict[str, CheckFunction] = {
    check.__name__: schemathesis.check(check)
    for check in (
        prospecting_contract,
        prospecting_s3_no_server_error,
        _adapt("S4", builtin.negative_data_rejection, "S4: invalid input is rejected with a 4xx."),
        _adapt("S4", builtin.positive_data_acceptance, "S4: valid input is accepted."),
        _adapt("S4", unsupported_method, "S4: an undeclared method gets 405 with Allow."),
        _adapt("S4", builtin.missing_required_header, "S4: a missing required header is a 4xx."),
        prospecting_a1_a2_ignored_auth,
        _adapt("L1", builtin.ensure_resource_availability, "L1: an accepted job is reachable."),
        _adapt("L6", builtin.use_after_free, "L6: a job that is gone stays gone."),
    )
}
