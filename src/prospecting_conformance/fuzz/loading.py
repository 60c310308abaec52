"""The spec as schemathesis loads it, set up for the run's target.

The target's settings go into schemathesis' configuration: the pinned account group, the
all-scopes key in the target's auth header, the security scheme rewritten to match it, the
profile's budgets, the undeclared methods the target may be sent, and only our checks. Every
request the schema sends passes the rails of the run bound to it (transport.sending_for).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from typing import Any

import schemathesis
from hypothesis import strategies as st

from prospecting_conformance.core.http import READ_METHODS
from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.transport import railed_schema
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig
from prospecting_conformance.target.profiles import PROFILE_SETTINGS
from prospecting_conformance.target.settings import shrink

__all__ = [
    "UNEXPECTED_METHODS_READ_ONLY",
    "UNEXPECTED_METHODS_WITH_WRITES",
    "fuzz_config",
    "fuzz_schema",
    "fuzzed_operations",
    "security_scheme",
    "unexpected_methods",
]

# The undeclared methods the coverage phase sends to every path (405 with Allow, S4). Without
# permission to write, only those that cannot change anything: the check still runs.
UNEXPECTED_METHODS_WITH_WRITES = ("PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE")
UNEXPECTED_METHODS_READ_ONLY = tuple(m for m in UNEXPECTED_METHODS_WITH_WRITES if m in READ_METHODS)


@schemathesis.deserializer("text/plain")
def _json_labelled_as_text(ctx: Any, response: Any) -> Any:
    """A JSON body labelled text/plain is read as JSON, so that the stateful phase still
    follows its links: E5 judges the label, and one finding must not hide the rest of the run
    (a target whose known issue is its Content-Type could never pass the link gate)."""
    try:
        return json.loads(response.content)
    except ValueError:
        return response.content.decode(response.encoding or "utf-8", "replace")


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


def fuzzed_operations(spec: Spec, target: TargetConfig) -> list[str]:
    """The operations the generated tests exercise on this target."""
    excluded = frozenset() if target.allow_writes else spec.write_operations
    return [op for op in spec.operations if op not in excluded]


def fuzz_config(
    target: TargetConfig, seed: int, *, stateful_examples: int | None = None
) -> dict[str, Any]:
    """schemathesis' configuration for the run: the target's pins, the profile's budgets
    (`stateful_examples`: one walk's share of the profile's stateful scenarios)."""
    profile = PROFILE_SETTINGS[target.profile]
    if stateful_examples is None:
        stateful_examples = profile.stateful_max_examples
    credential = target.credential("all")
    return {
        "seed": seed,
        "base-url": target.base_url,
        "headers": {target.auth_header: credential.reveal() if credential else ""},
        # A random account group is a 403 for every case (docs/contract.md §7): pin it so that
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
                    "max-examples": stateful_examples,
                    "mode": "positive",
                },
            },
        },
        "checks": {"enabled": False, **{name: {"enabled": True} for name in FUZZ_CHECKS}},
        "request-timeout": 10,
    }


def fuzz_schema(
    target: TargetConfig,
    spec: Spec,
    seed: int,
    *,
    stateful_examples: int | None = None,
    known_job_ids: Sequence[str] = (),
) -> Any:
    """The spec as schemathesis loads it, pointed at the run's target, sending through the
    rails of the run bound to it, and nothing while none is.

    `known_job_ids`: jobs the cases may name, read when a case is drawn (the caller may fill
    the list after the schema is built)."""
    document = copy.deepcopy(spec.document)
    for name in document["components"]["securitySchemes"]:
        document["components"]["securitySchemes"][name] = security_scheme(target)
    config = schemathesis.Config.from_dict(
        fuzz_config(target, seed, stateful_examples=stateful_examples)
    )
    schema: schemathesis.BaseSchema = railed_schema(
        schemathesis.openapi.from_dict(document, config=config)
    )
    if not target.allow_writes:
        # Starting and cancelling jobs are writes: without permission only reads are fuzzed.
        schema = schema.exclude(operation_id=sorted(spec.write_operations))
    known = {
        "providerId": [target.provider_id] if target.provider_id else [],
        "jobId": known_job_ids,
    }
    _draw_known_ids(schema, known)
    return schema


def _draw_known_ids(schema: schemathesis.BaseSchema, known: Mapping[str, Sequence[str]]) -> None:
    """Draw a known id for a path parameter half of the time, so that the cases of an
    operation reached by id get past its 404: links cannot carry a provider id (no response
    holds one), and outside the stateful walk no link carries a job's."""

    @schema.hook
    def before_generate_path_parameters(hook_context: Any, strategy: Any) -> Any:
        operation = hook_context.operation
        names = [] if operation is None else [n for n in known if f"{{{n}}}" in operation.path]
        if not names:
            return strategy
        return st.one_of(strategy, strategy.flatmap(lambda params: _with_known(params, names)))

    def _with_known(params: Any, names: list[str]) -> Any:
        drawn = {name: st.sampled_from(tuple(known[name])) for name in names if known[name]}
        if not drawn:
            # None known (yet): the parameters as generated, whatever schemathesis wraps
            # them in (the stateful phase's are not a dict).
            return st.just(params)
        return st.fixed_dictionaries(drawn).map(lambda ids: {**params, **ids})
