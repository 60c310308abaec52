"""Spec conformance S1-S2, and `check_response`: every per-response rule in one call.

S1 and S2 read everything from the spec (documented statuses, response schemas, header
schemas), so a change to the spec changes what is checked without touching this module.
`check_response` is the one entry point the conformance tests, the poller and the unit tests
call on every response.
"""

from __future__ import annotations

import re
from typing import Any

from prospecting_conformance.checks.envelope import Check, TraceIds, check_envelope
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.rules import Provenance
from prospecting_conformance.spec.model import HeaderSpec, Spec

__all__ = ["SPEC_CHECKS", "check_response"]

# Schema errors listed in one finding before "and N more": enough to fix, short to read.
MAX_SCHEMA_ERRORS = 5

_INTEGER = re.compile(r"^-?[0-9]+$")
_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def _inferred(*provenances: str | None) -> Provenance | None:
    """'inferred' when any spec element involved is inferred (a finding is as firm as its rule)."""
    return "inferred" if "inferred" in provenances else None


def _node_provenance(spec: Spec, pointer: str) -> str | None:
    node = spec.resolve(pointer)
    return node.get("x-provenance") if isinstance(node, dict) else None


def check_documented_status(observed: Observed, spec: Spec) -> list[Finding]:
    """S1: the status is one the spec documents for the operation."""
    operation = spec.operation(observed.operation_id)
    if observed.status in operation.responses:
        return []
    documented = ", ".join(str(s) for s in sorted(operation.responses))
    return [
        observed.finding(
            "S1",
            f"Received {observed.status}, which the spec does not document for "
            f"{operation.method.upper()} {operation.path}; expected one of {documented}.",
            provenance=_inferred(operation.provenance),
        )
    ]


def _header_value(raw: str, schema: dict[str, Any]) -> Any:
    """A header string as the JSON value its schema describes (headers are always text)."""
    kind = schema.get("type")
    text = raw.strip()
    if kind == "integer" and _INTEGER.fullmatch(text):
        return int(text)
    if kind == "number" and _NUMBER.fullmatch(text):
        return float(text)
    return raw


def _header_problems(observed: Observed, spec: Spec, header: HeaderSpec) -> list[str]:
    raw = observed.header(header.name)
    if raw is None:
        return [f"no {header.name} header"] if header.required else []
    value = _header_value(raw, spec.resolve(header.pointer))
    return [
        f"{header.name} {raw!r} ({error.split(': ', 1)[1]})"
        for error in spec.validation_errors(header.pointer, value)
    ]


def check_schema(observed: Observed, spec: Spec) -> list[Finding]:
    """S2: the body and the headers match the spec's schema for the operation and status."""
    operation = spec.operation(observed.operation_id)
    response = operation.responses.get(observed.status)
    if response is None:
        return []  # undocumented status: S1's finding
    findings = []
    # A body that is not JSON is E1's finding; there is nothing to validate here.
    if response.schema_pointer is not None and observed.is_json:
        errors = spec.validation_errors(response.schema_pointer, observed.json)
        if errors:
            ref = spec.resolve(response.schema_pointer).get("$ref", "")
            name = ref.rsplit("/", 1)[-1] or "response"
            more = len(errors) - MAX_SCHEMA_ERRORS
            findings.append(
                observed.finding(
                    "S2",
                    f"Received a body that breaks the {observed.status} schema {name}: "
                    + "; ".join(errors[:MAX_SCHEMA_ERRORS])
                    + (f" (and {more} more)" if more > 0 else "")
                    + "; expected a body matching it.",
                    provenance=_inferred(
                        operation.provenance,
                        response.provenance,
                        _node_provenance(spec, ref.removeprefix("#")) if ref else None,
                    ),
                )
            )
    for header in response.headers.values():
        problems = _header_problems(observed, spec, header)
        if problems:
            findings.append(
                observed.finding(
                    "S2",
                    f"Received {'; '.join(problems)}; expected the {header.name} header the "
                    f"spec declares for {observed.status}"
                    + (" (required)" if header.required else "")
                    + ".",
                    provenance=_inferred(
                        _node_provenance(spec, header.pointer.removesuffix("/schema"))
                    ),
                )
            )
    return findings


# In the order their findings are reported, after the envelope's.
SPEC_CHECKS: tuple[Check, ...] = (check_documented_status, check_schema)


def check_response(
    observed: Observed, spec: Spec, trace_ids: TraceIds | None = None
) -> list[Finding]:
    """Every per-response rule: the envelope (E1-E6) and the spec (S1, S2)."""
    return check_envelope(observed, spec, trace_ids) + [
        finding for check in SPEC_CHECKS for finding in check(observed, spec)
    ]
