"""The spec's links: which response feeds which operation its ids (list -> start -> get/cancel).

The stateful phase follows them, its gate holds the run to every one of them, and the summary
reports how many were followed: all three read them here. The contract tests that need a
valid request body (H1) or a body naming another group's resource (A7) build it from a link
too (`linked_body`), so the spec says which answer feeds which body.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import OperationSpec, Spec

__all__ = [
    "Link",
    "body_links",
    "declared_links",
    "fed_only_by_writes",
    "linked_body",
    "spec_links",
]

RESPONSE_BODY = "$response.body#"
REQUEST_PATH = "$request.path."


@dataclass(frozen=True)
class Link:
    """One link: a `source` response with this `status` names the ids `target` takes."""

    source: OperationSpec
    status: str
    name: str
    target: OperationSpec
    # The Link Object as the document holds it (its parameters and requestBody).
    declaration: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def id(self) -> str:
        """The link as schemathesis names a followed transition."""
        return (
            f"{self.source.method.upper()} {self.source.path} -> [{self.status}] {self.name} -> "
            f"{self.target.method.upper()} {self.target.path}"
        )


def declared_links(spec: Spec) -> Iterator[Link]:
    """Every link the spec declares, in the document's order."""
    for source in spec.operations.values():
        for status, response in spec.raw_operation(source)["responses"].items():
            for name, link in response.get("links", {}).items():
                yield Link(source, status, name, spec.operation(link["operationId"]), link)


def spec_links(spec: Spec) -> set[str]:
    """The ids of every link the spec declares."""
    return {link.id for link in declared_links(spec)}


def fed_only_by_writes(spec: Spec) -> set[str]:
    """Operations whose ids only ever come from a writing operation's links (a job's id)."""
    writers = spec.write_operations
    feeders: dict[str, set[str]] = {}
    for link in declared_links(spec):
        feeders.setdefault(link.target.operation_id, set()).add(link.source.operation_id)
    return {op for op, sources in feeders.items() if sources <= writers and op not in writers}


def body_links(spec: Spec) -> list[Link]:
    """The links that carry values of their source's answer into the target's request body."""
    return [link for link in declared_links(spec) if "requestBody" in link.declaration]


def linked_body(link: Link, source: Observed) -> Any:
    """The link's requestBody with its runtime expressions (OpenAPI 3.1 §4.8.20.4) read from
    `source`, the answer of the link's source; a value the answer lacks is None."""
    asked = link.source.path_values(source.url) or {}

    def evaluate(value: Any) -> Any:
        if isinstance(value, dict):
            return {name: evaluate(member) for name, member in value.items()}
        if isinstance(value, list):
            return [evaluate(item) for item in value]
        if isinstance(value, str) and value.startswith(RESPONSE_BODY):
            return source.member(value.removeprefix(RESPONSE_BODY))
        if isinstance(value, str) and value.startswith(REQUEST_PATH):
            return asked.get(value.removeprefix(REQUEST_PATH))
        return value

    return evaluate(link.declaration["requestBody"])
