"""P1: the look-up of a known provider id answers 200."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.lookup import check_prospect
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LOOKUP = "getProspectByProviderId"
PROVIDER_ID = "li-42"
NOT_FOUND = {
    "success": False,
    "data": None,
    "error": {"code": "not_found", "message": "No such prospect."},
    "traceId": "t-404",
}


def prospect(data: Any) -> dict[str, Any]:
    return {"success": True, "data": data, "error": None, "traceId": "t-1"}


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        pytest.param(200, prospect({"providerId": PROVIDER_ID}), None, id="that-prospect"),
        # Another prospect, or none, in a 200: S5's and S2's, judged on every answer.
        pytest.param(200, prospect({"providerId": "li-7"}), None, id="another-prospect-is-S5s"),
        pytest.param(
            404,
            NOT_FOUND,
            "Looked up known provider id 'li-42': received 404; expected 200.",
            id="not-found",
        ),
    ],
)
def test_check_prospect(
    observe: Observe, status: int, body: dict[str, Any], message: str | None
) -> None:
    findings = check_prospect(observe(LOOKUP, status, body), PROVIDER_ID)

    assert [(f.rule, f.message) for f in findings] == ([("P1", message)] if message else [])
