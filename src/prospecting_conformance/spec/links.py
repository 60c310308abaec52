"""The spec's links: which response feeds which operation its ids (list -> start -> get/cancel).

The stateful phase follows them, its gate holds the run to every one of them, and the summary
reports how many were followed: all three read them here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prospecting_conformance.spec.model import OperationSpec, Spec

__all__ = ["Link", "declared_links", "fed_only_by_writes", "spec_links"]


@dataclass(frozen=True)
class Link:
    """One link: a `source` response with this `status` names the ids `target` takes."""

    source: OperationSpec
    status: str
    name: str
    target: OperationSpec

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
                yield Link(source, status, name, spec.operation(link["operationId"]))


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
