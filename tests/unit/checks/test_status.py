"""`check_status`: the status a test expected, for whichever rule it checks."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from prospecting_conformance.checks.status import check_status
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LIST = "listSalesNavigatorSavedSearches"
ERROR = {"success": False, "data": None, "error": {"code": "x", "message": "y"}, "traceId": "t-9"}


@pytest.mark.parametrize(
    ("status", "expected", "message"),
    [
        pytest.param(401, 401, None, id="the-expected-status"),
        pytest.param(404, {401, 404}, None, id="one-of-the-expected-statuses"),
        pytest.param(403, 401, "Sent no API key: received 403; expected 401.", id="another-status"),
        pytest.param(
            500,
            {404, 401},
            "Sent no API key: received 500; expected 401 or 404.",
            id="none-of-the-expected-statuses",
        ),
    ],
)
def test_check_status(
    observe: Observe, status: int, expected: int | Collection[int], message: str | None
) -> None:
    observed = observe(LIST, status, ERROR)

    findings = check_status(observed, "A1", expected, "Sent no API key")

    assert [f.message for f in findings] == ([message] if message else [])
    for finding in findings:
        assert (finding.rule, finding.operation, finding.status, finding.trace_id) == (
            "A1",
            LIST,
            status,
            "t-9",
        )
