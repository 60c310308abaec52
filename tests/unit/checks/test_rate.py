"""The rate checks: R1 judges the API's 429, R2 the suite's own pacing after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prospecting_conformance.checks.rate import check_pacing, check_retry_after
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

LIST = "listSalesNavigatorSavedSearches"
LIMITED = {
    "success": False,
    "data": None,
    "error": {"code": "rate_limited", "message": "Slow down."},
    "traceId": "t-429",
}


@pytest.mark.parametrize(
    ("status", "retry_after", "message"),
    [
        pytest.param(429, "1", None, id="whole-seconds"),
        pytest.param(429, " 30 ", None, id="whole-seconds-with-spaces"),
        pytest.param(200, None, "Expected a 429 here; received 200.", id="not-a-429"),
        pytest.param(
            429,
            None,
            "Received Retry-After None; expected whole seconds (e.g. '1').",
            id="no-retry-after",
        ),
        pytest.param(
            429,
            "1.5",
            "Received Retry-After '1.5'; expected whole seconds (e.g. '1').",
            id="fractional",
        ),
        pytest.param(
            429,
            "Wed, 21 Oct 2026 07:28:00 GMT",
            "Received Retry-After 'Wed, 21 Oct 2026 07:28:00 GMT'; expected whole seconds "
            "(e.g. '1').",
            id="an-http-date",
        ),
    ],
)
def test_check_retry_after(
    observe: Observe, status: int, retry_after: str | None, message: str | None
) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    observed = observe(LIST, status, LIMITED, headers=headers)

    findings = check_retry_after(observed)

    assert [(f.rule, f.message) for f in findings] == ([("R1", message)] if message else [])


@pytest.mark.parametrize(
    ("waited", "retry_after", "message"),
    [
        pytest.param(2.0, 2, None, id="waited-exactly-retry-after"),
        pytest.param(3.5, 2, None, id="waited-longer"),
        pytest.param(
            0.5,
            2,
            "The client sent again 0.500s after a 429 with Retry-After 2.",
            id="sent-too-soon",
        ),
    ],
)
def test_check_pacing(
    observe: Observe, waited: float, retry_after: int, message: str | None
) -> None:
    limited = observe(LIST, 429, LIMITED, headers={"Retry-After": str(retry_after)})

    findings = check_pacing(limited, 100.0, 100.0 + waited, retry_after)

    assert [(f.rule, f.message, f.trace_id) for f in findings] == (
        [("R2", message, "t-429")] if message else []
    )
