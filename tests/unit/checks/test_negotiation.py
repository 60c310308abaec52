"""H2: the answer to any Accept is the JSON envelope with the canonical request's status."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.negotiation import ACCEPT_VALUES, check_negotiated
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]

NOT_FOUND = {
    "success": False,
    "data": None,
    "error": {"code": "not_found", "message": "No such job."},
    "traceId": "t-1",
}
PAGE = "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>"


@pytest.mark.parametrize(
    ("status", "body", "content_type", "problems"),
    [
        pytest.param(404, NOT_FOUND, "application/json", None, id="the-envelope"),
        pytest.param(404, NOT_FOUND, "application/json; charset=utf-8", None, id="with-a-charset"),
        pytest.param(
            404,
            PAGE,
            "text/html",
            "Content-Type 'text/html'; body '<!DOCTYPE html><html><body><h1>404 Not Found</h1>"
            "</body></html>'",
            id="an-html-page",
        ),
        pytest.param(
            406,
            {**NOT_FOUND, "traceId": "t-2"},
            "application/json",
            "status 406",
            id="not-acceptable",
        ),
    ],
)
def test_check_negotiated(
    observe: Observe, status: int, body: Any, content_type: str, problems: str | None
) -> None:
    canonical = observe("getProspectingJob", 404, NOT_FOUND)
    observed = observe("getProspectingJob", status, body, content_type=content_type)
    browser = ACCEPT_VALUES["browser"]

    findings = check_negotiated(observed, canonical, browser)

    expected = (
        [
            (
                "H2",
                f"Sent Accept {browser!r}: received {problems}; expected 404 with the JSON "
                "envelope, as a JSON client got.",
            )
        ]
        if problems
        else []
    )
    assert [(f.rule, f.message) for f in findings] == expected


def test_no_accept_is_named_so(observe: Observe) -> None:
    canonical = observe("getProspectingJob", 404, NOT_FOUND)
    observed = observe("getProspectingJob", 406, NOT_FOUND)

    (finding,) = check_negotiated(observed, canonical, None)

    assert finding.message.startswith("Sent no Accept header: received status 406;")
