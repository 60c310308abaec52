"""The schemathesis layer: generated cases from the spec, judged by the suite's own rules.

Schemathesis generates the cases (examples, coverage, fuzzing in positive and negative modes,
and the stateful phase that follows the spec's links) and sends them. Every response is then
judged by checks registered here, each named for the rule it enforces:

- `prospecting_contract`: E1-E6, S1, S2 through the library's validators, the same functions
  the contract tests use;
- the rest adapt schemathesis' own checks, which need its knowledge of how a case was
  generated (a negative case must be rejected, a positive one accepted), and re-raise their
  failures as findings that name our rule ids.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import engine
from schemathesis.core.failures import Failure
from schemathesis.engine import events
from schemathesis.engine.run import PhaseName
from schemathesis.specs.openapi import checks as builtin

from prospecting_conformance.core.findings import ConformanceError, Finding
from prospecting_conformance.core.http import READ_METHODS
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails, RequestBudgetExceeded
from prospecting_conformance.rails.wire import railed_engine_sessions, railed_schema
from prospecting_conformance.run.context import RunContext, current
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.spec.model import OperationSpec, Spec
from prospecting_conformance.target.config import WRITE_SCOPE, TargetConfig
from prospecting_conformance.target.profiles import PROFILE_SETTINGS
from prospecting_conformance.target.settings import shrink

__all__ = [
    "FUZZ_CHECKS",
    "StatefulRun",
    "fuzz_schema",
    "fuzzed_operations",
    "reachability_problems",
    "run_stateful",
    "spec_links",
    "writing_operations",
]

# Statuses that say a case bounced off the API's guards instead of reaching its logic.
GUARD_STATUSES = frozenset({401, 403, 404})

CheckFunction = Callable[[Any, Any, Any], bool | None]


def _observed(response: Any, case: Any) -> Observed:
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
        redactor=current().redactor,
    )


def _fail(context: RunContext, findings: list[Finding]) -> None:
    if findings:
        context.record(findings)
        raise ConformanceError(findings)


def prospecting_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    """E1-E6, S1, S2: the envelope and the spec's schema for the status, by the library."""
    context = current()
    observed = _observed(response, case)
    findings = context.observe(observed, generated=True)
    if findings:
        raise ConformanceError(findings)
    return True


def _adapt(rule: str, check: CheckFunction, doc: str) -> CheckFunction:
    """A check that runs a schemathesis check and reports its failure under `rule`."""

    def adapted(ctx: Any, response: Any, case: Any) -> bool | None:
        try:
            return check(ctx, response, case)
        except Failure as failure:
            observed = _observed(response, case)
            _fail(current(), [observed.finding(rule, f"{failure.title}: {failure.message}")])
            raise AssertionError("unreachable") from failure

    adapted.__name__ = f"prospecting_{rule.lower()}_{check.__name__}"
    adapted.__doc__ = doc
    return adapted


def prospecting_s3_no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """S3: no 500 for any input."""
    if response.status_code == 500:
        observed = _observed(response, case)
        _fail(current(), [observed.finding("S3", "Received 500; expected no server error.")])
    return None


FUZZ_CHECKS: dict[str, CheckFunction] = {
    check.__name__: schemathesis.check(check)
    for check in (
        prospecting_contract,
        prospecting_s3_no_server_error,
        _adapt("S4", builtin.negative_data_rejection, "S4: invalid input is rejected with a 4xx."),
        _adapt("S4", builtin.positive_data_acceptance, "S4: valid input is accepted."),
        _adapt("S4", builtin.unsupported_method, "S4: an undeclared method gets 405 with Allow."),
        _adapt("S4", builtin.missing_required_header, "S4: a missing required header is a 4xx."),
        _adapt("A1", builtin.ignored_auth, "A1: the API does not ignore missing or bad keys."),
        _adapt("L1", builtin.ensure_resource_availability, "L1: an accepted job is reachable."),
        _adapt("L6", builtin.use_after_free, "L6: a job that is gone stays gone."),
    )
}


# The undeclared methods the coverage phase sends to every path (405 with Allow, S4). Without
# permission to write, only those that cannot change anything: the check still runs.
UNEXPECTED_METHODS_WITH_WRITES = ("PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE")
UNEXPECTED_METHODS_READ_ONLY = tuple(m for m in UNEXPECTED_METHODS_WITH_WRITES if m in READ_METHODS)


def unexpected_methods(target: TargetConfig) -> tuple[str, ...]:
    """The undeclared methods the run may send, given whether the target allows writes."""
    return UNEXPECTED_METHODS_WITH_WRITES if target.allow_writes else UNEXPECTED_METHODS_READ_ONLY


def security_scheme(target: TargetConfig) -> dict[str, Any]:
    """The spec's security scheme as the target really takes its key (I3).

    schemathesis strips and spoils the credentials a scheme declares (`ignored_auth`): with the
    spec's `X-API-Key` declared while the key travels in `Authorization`, its "no key" probe
    would still carry the key, and a correct API would look like one that ignores auth.
    """
    if target.auth_header.lower() == "authorization" and target.auth_prefix.strip() == "Bearer":
        return {"type": "http", "scheme": "bearer"}
    return {"type": "apiKey", "in": "header", "name": target.auth_header}


def fuzz_schema(target: TargetConfig, spec: Spec, seed: int, rails: Rails) -> Any:
    """The spec as schemathesis loads it, pointed at the run's target, sending through `rails`."""
    profile = PROFILE_SETTINGS[target.profile]
    credential = target.credential("all")
    document = copy.deepcopy(spec.document)
    for name in document["components"]["securitySchemes"]:
        document["components"]["securitySchemes"][name] = security_scheme(target)
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "base-url": target.base_url,
            "headers": {target.auth_header: credential.reveal() if credential else ""},
            # A random account group is a 403 for every case (DESIGN.md §7): pin it so that
            # generated cases reach the handlers.
            "parameters": {"path.accountGroupId": target.account_group_id},
            "generation": {
                "max-examples": profile.max_examples,
                "database": "none",
                "no-shrink": not shrink(),
            },
            "phases": {
                "coverage": {"unexpected-methods": list(unexpected_methods(target))},
                "stateful": {
                    "max-steps": profile.stateful_max_steps,
                    # The spec declares every link; inferred ones would dilute the walk.
                    "inference": {"algorithms": []},
                    # Negative steps break the chains the links build (a rejected start has
                    # no job to poll); the fuzzing phase covers negative cases per operation.
                    "generation": {
                        "max-examples": profile.stateful_max_examples,
                        "mode": "positive",
                    },
                },
            },
            "checks": {
                "enabled": False,
                **{name: {"enabled": True} for name in FUZZ_CHECKS},
            },
            "request-timeout": 10,
        }
    )
    schema: schemathesis.BaseSchema = railed_schema(
        schemathesis.openapi.from_dict(document, config=config), rails
    )
    if not target.allow_writes:
        # Starting and cancelling jobs are writes: without permission only reads are fuzzed.
        schema = schema.exclude(operation_id=sorted(writing_operations(spec)))
    known_provider = target.provider_id

    if known_provider:
        # Links cannot carry a provider id (no response holds one), so draw the known one
        # half of the time: otherwise the look-up only ever answers 404.
        @schema.hook
        def before_generate_path_parameters(hook_context: Any, strategy: Any) -> Any:
            operation = hook_context.operation
            if operation is None or "providerId" not in operation.path:
                return strategy
            return st.one_of(
                strategy, strategy.map(lambda params: {**params, "providerId": known_provider})
            )

    return schema


def _declared_links(spec: Spec) -> Iterator[tuple[OperationSpec, str, str, OperationSpec]]:
    """(source operation, status, link name, target operation) for every link of the spec."""
    for source in spec.operations.values():
        for status, response in spec.raw_operation(source)["responses"].items():
            for name, link in response.get("links", {}).items():
                yield source, status, name, spec.operation(link["operationId"])


def spec_links(spec: Spec) -> set[str]:
    """Every link the spec declares, named as schemathesis names a followed transition."""
    return {
        f"{source.method.upper()} {source.path} -> [{status}] {name} -> "
        f"{target.method.upper()} {target.path}"
        for source, status, name, target in _declared_links(spec)
    }


@dataclass
class StatefulRun:
    """What the stateful phase did: scenarios run, links followed, failures met."""

    scenarios: int = 0
    links_covered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)


PROGRESS_EVERY_S = 5.0


def run_stateful(
    target: TargetConfig,
    spec: Spec,
    seed: int,
    recorder: Recorder,
    rails: Rails,
    progress: Callable[[str], None] | None = None,
) -> StatefulRun:
    """Run the stateful phase through schemathesis' engine, the one behind `st run`.

    The engine steers scenarios towards links not yet followed and pins configured parameters
    on every step; a plain Hypothesis state machine covers the deeper links only by chance.
    A long phase reports its progress every few seconds through `progress`.
    """
    schema = fuzz_schema(target, spec, seed, rails)
    schema.config.phases.update(phases=["stateful"])
    run = StatefulRun()
    declared = len(spec_links(spec))
    next_report = time.monotonic() + PROGRESS_EVERY_S
    with railed_engine_sessions(rails):
        for event in engine.from_schema(schema).execute():
            if rails.spent is not None:
                # The engine reports what a step raised as an error and goes on; the run stops.
                raise RequestBudgetExceeded(rails.spent)
            if progress is not None and time.monotonic() >= next_report:
                progress(
                    f"stateful phase: {run.scenarios} scenarios, "
                    f"{len(run.links_covered)}/{declared} links followed"
                )
                next_report = time.monotonic() + PROGRESS_EVERY_S
            _follow(event, run, recorder)
    return run


def _follow(event: Any, run: StatefulRun, recorder: Recorder) -> None:
    """Take what one engine event says about scenarios, links and failures into `run`."""
    if isinstance(event, events.ScenarioFinished) and event.phase == PhaseName.STATEFUL_TESTING:
        run.scenarios += 1
        for node in event.recorder.cases.values():
            if node.transition is not None and node.is_transition_applied:
                run.links_covered.add(node.transition.id)
                recorder.cover_link(node.transition.id)
        for checks in event.recorder.checks.values():
            run.failures += [
                f"{check.name}: {check.failure_info.failure.title}"
                for check in checks
                if check.failure_info is not None
            ]
    elif isinstance(event, events.NonFatalError | events.FatalError):
        run.failures.append(f"engine error: {getattr(event, 'value', None) or event}")


def writing_operations(spec: Spec) -> set[str]:
    """The operations that need prospecting:write: they start or cancel jobs."""
    return {op.operation_id for op in spec.operations.values() if WRITE_SCOPE in op.required_scopes}


def fuzzed_operations(spec: Spec, target: TargetConfig) -> list[str]:
    """The operations the generated tests exercise on this target."""
    excluded = set() if target.allow_writes else writing_operations(spec)
    return [op for op in spec.operations if op not in excluded]


def fed_only_by_writes(spec: Spec) -> set[str]:
    """Operations whose ids only ever come from a writing operation's links (a job's id)."""
    writers = writing_operations(spec)
    feeders: dict[str, set[str]] = {}
    for source, _, _, target in _declared_links(spec):
        feeders.setdefault(target.operation_id, set()).add(source.operation_id)
    return {op for op, sources in feeders.items() if sources <= writers and op not in writers}


def reachability_problems(spec: Spec, target: TargetConfig, recorder: Recorder) -> list[str]:
    """Operations whose generated cases never got past authentication, permission, existence."""
    problems = []
    unjudged = set() if target.allow_writes else fed_only_by_writes(spec)
    for operation_id in fuzzed_operations(spec, target):
        if operation_id in unjudged:
            print(f"{operation_id}: not judged: without writes no job exists to reach")
            continue
        seen: Mapping[int, int] = recorder.generated_statuses.get(operation_id, {})
        past_guards = sum(n for status, n in seen.items() if status not in GUARD_STATUSES)
        total = sum(seen.values())
        print(f"{operation_id}: {past_guards}/{total} generated cases got past the guards")
        if past_guards == 0:
            statuses = ", ".join(str(s) for s in sorted(seen)) or "no response"
            problems.append(
                f"{operation_id}: no generated case got past 401/403/404 (saw {statuses}): "
                "the fuzz run never reached the API's logic"
            )
    return problems
