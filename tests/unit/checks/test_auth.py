"""The auth checks that need to know the request: A3's permission matrix, A4's tenancy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.auth import (
    check_groups_disjoint,
    check_not_reachable,
    permission_matrix,
)
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.spec.roles import ROLE_SCOPES

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LIST = "listSalesNavigatorSavedSearches"
GET = "getProspectingJob"


def envelope(status: int, data: Any = None) -> dict[str, Any]:
    if 200 <= status <= 299:
        return {"success": True, "data": data, "error": None, "traceId": "t-1"}
    error = {"code": "forbidden", "message": "No."}
    return {"success": False, "data": None, "error": error, "traceId": "t-1"}


def saved_searches(*ids: str) -> dict[str, Any]:
    return envelope(200, {"items": [{"id": i, "name": i} for i in ids]})


def test_the_permission_matrix_crosses_every_operation_with_every_role(spec: Spec) -> None:
    matrix = {(operation, role): allowed for operation, role, allowed in permission_matrix(spec)}

    assert len(matrix) == len(spec.operations) * len(ROLE_SCOPES)
    assert all(matrix[(operation, "all")] for operation in spec.operations)
    assert matrix[("startProspectingJob", "prospecting_write")] is True
    assert matrix[("startProspectingJob", "prospecting_read")] is False
    assert matrix[(GET, "prospecting_write")] is False
    assert matrix[("getProspectByProviderId", "prospecting_read")] is False


@pytest.mark.parametrize(
    ("status", "message"),
    [
        pytest.param(403, None, id="forbidden"),
        pytest.param(404, None, id="not-found"),
        pytest.param(
            200,
            "Read the foreign group's job: received 200; expected 403 or 404.",
            id="served",
        ),
        pytest.param(
            204,
            "Read the foreign group's job: received 204; expected 403 or 404.",
            id="served-empty",
        ),
    ],
)
def test_check_not_reachable(observe: Observe, status: int, message: str | None) -> None:
    observed = observe(GET, status, envelope(status, {"id": "job-1"}))

    findings = check_not_reachable(observed, "A4", "Read the foreign group's job")

    assert [(f.rule, f.message) for f in findings] == ([("A4", message)] if message else [])


@pytest.mark.parametrize(
    ("ours", "theirs", "message"),
    [
        pytest.param(saved_searches("s-1", "s-2"), saved_searches("s-9"), None, id="disjoint"),
        pytest.param(saved_searches("s-1"), envelope(403), None, id="theirs-refused"),
        pytest.param(
            saved_searches("s-1", "s-2"),
            saved_searches("s-2", "s-9", "s-1"),
            "The foreign group's list holds our saved searches ['s-1', 's-2'].",
            id="shared",
        ),
    ],
)
def test_check_groups_disjoint(
    observe: Observe, ours: dict[str, Any], theirs: dict[str, Any], message: str | None
) -> None:
    status = 200 if theirs["success"] else 403
    findings = check_groups_disjoint(observe(LIST, 200, ours), observe(LIST, status, theirs))

    assert [(f.rule, f.message) for f in findings] == ([("A4", message)] if message else [])
