"""The auth rules that need to know the request: which key, which account group (A3, A4).

A1, A2 and A5 are a status per request (`status.check_status`); A6's table is
`precedence.py`'s. Here: which role may call which operation (A3, from the spec's
`x-required-scopes`), and that one account group never reaches another's resources (A4).
"""

from __future__ import annotations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.spec.roles import ROLE_SCOPES, Role

__all__ = ["check_groups_disjoint", "check_not_reachable", "permission_matrix"]


def permission_matrix(spec: Spec) -> list[tuple[str, Role, bool]]:
    """A3: every operation x every role, and whether the role's scopes allow the operation."""
    return [
        (operation_id, role, operation.required_scopes <= scopes)
        for operation_id, operation in spec.operations.items()
        for role, scopes in ROLE_SCOPES.items()
    ]


def check_not_reachable(observed: Observed, rule: str, why: str) -> list[Finding]:
    """A4: another tenant's resource is never served: no 2xx, whatever the error chosen."""
    if 200 <= observed.status <= 299:
        return [observed.finding(rule, f"{why}: received {observed.status}; expected 403 or 404.")]
    return []


def check_groups_disjoint(ours: Observed, theirs: Observed) -> list[Finding]:
    """A4: another account group's saved-search list holds none of ours."""
    our_ids = {item.get("id") for item in (ours.data or {}).get("items") or []}
    their_ids = {item.get("id") for item in (theirs.data or {}).get("items") or []}
    shared = sorted(str(i) for i in our_ids & their_ids)
    if not shared:
        return []
    return [theirs.finding("A4", f"The foreign group's list holds our saved searches {shared}.")]
