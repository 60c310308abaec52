"""Typed findings: what a broken rule looks like when the suite reports it.

A finding carries everything QA needs to file it and CI needs to group it: the rule id, the
operation, the status, the server's traceId, whether the broken rule is documented or
inferred, and the exchange (request with secrets already redacted, response excerpt).

    ConformanceError (AssertionError)   raised by the tests, carries one or more findings
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from prospecting_conformance.core.rules import Family, Provenance, rule

__all__ = ["ConformanceError", "Exchange", "Finding", "FindingKey", "raise_for_findings"]

BODY_EXCERPT_CHARS = 2000

# (rule, operation, status): findings with the same key are one regression.
FindingKey = tuple[str, str, int | None]


@dataclass(frozen=True)
class Exchange:
    """One request and its response, safe to print: headers and body are already redacted."""

    method: str
    url: str
    request_headers: Mapping[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    response_headers: Mapping[str, str] = field(default_factory=dict)
    response_body: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Not `asdict`: it deep-copies every header value, and this runs on every response
        # the run logs (run/exchanges.py); the fields are strings, numbers and two mappings.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["request_headers"] = dict(self.request_headers)
        data["response_headers"] = dict(self.response_headers)
        if self.response_body is not None:
            data["response_body"] = self.response_body[:BODY_EXCERPT_CHARS]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Exchange:
        return cls(**data)


@dataclass(frozen=True)
class Finding:
    """One broken rule, observed once."""

    rule: str
    operation: str
    message: str
    status: int | None = None
    trace_id: str | None = None
    exchange: Exchange | None = None
    # A finding against an inferred spec element is inferred even when its rule is not.
    provenance_override: Provenance | None = None

    def __post_init__(self) -> None:
        rule(self.rule)  # an unknown rule id is a bug in the suite, not in the target

    @property
    def provenance(self) -> Provenance:
        return self.provenance_override or rule(self.rule).provenance

    @property
    def family(self) -> Family:
        return rule(self.rule).family

    @property
    def key(self) -> FindingKey:
        """Findings with the same key are one regression, however many cases hit it."""
        return (self.rule, self.operation, self.status)

    def describe(self) -> str:
        status = self.status if self.status is not None else "no response"
        trace = self.trace_id or "none"
        return (
            f"[{self.rule} {self.family}, {self.provenance}] {self.operation} -> {status} "
            f"(traceId {trace}): {self.message}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "family": self.family,
            "provenance": self.provenance,
            "statement": rule(self.rule).statement,
            "operation": self.operation,
            "status": self.status,
            "traceId": self.trace_id,
            "message": self.message,
            "exchange": self.exchange.to_dict() if self.exchange else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """The finding `to_dict` wrote (a worker's dump, a summary's entry)."""
        provenance = data["provenance"]
        exchange = data.get("exchange")
        return cls(
            rule=data["rule"],
            operation=data["operation"],
            message=data["message"],
            status=data["status"],
            trace_id=data["traceId"],
            exchange=Exchange.from_dict(exchange) if exchange else None,
            provenance_override=None if provenance == rule(data["rule"]).provenance else provenance,
        )


class ConformanceError(AssertionError):
    """The target broke one or more rules; the message lists every finding."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self.findings = list(findings)
        super().__init__("\n".join(f.describe() for f in self.findings))


def raise_for_findings(findings: Iterable[Finding]) -> None:
    """Raise a ConformanceError if there is anything to report."""
    found = list(findings)
    if found:
        raise ConformanceError(found)
