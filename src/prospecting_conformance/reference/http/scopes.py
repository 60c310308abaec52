"""The scopes each operation requires, read from the spec's `x-required-scopes`.

The server takes them from the document the suite tests against, so the two cannot drift:
change a scope in the spec and the reference server enforces the new one.
"""

from __future__ import annotations

from collections.abc import Mapping

from prospecting_conformance.spec.model import Spec

__all__ = ["scope_table"]


def scope_table(spec: Spec) -> Mapping[str, frozenset[str]]:
    """Operation id → the scopes a key must hold for it; a ValueError names an operation
    that declares none (the guard would let any valid key through)."""
    table = {op_id: op.required_scopes for op_id, op in spec.operations.items()}
    unguarded = sorted(op_id for op_id, scopes in table.items() if not scopes)
    if unguarded:
        raise ValueError(f"operations without x-required-scopes: {', '.join(unguarded)}")
    return table
