"""H1 and H3: equivalent spellings get the canonical answer; other paths and redirects do not."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prospecting_conformance.checks.spelling import (
    JSON_SPELLINGS,
    check_no_redirect,
    check_same_answer,
    header_name_spellings,
    path_spellings,
)
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]

ACCEPTED = {"success": True, "data": {"id": "j-1"}, "error": None, "traceId": "t-1"}
INVALID = {
    "success": False,
    "data": None,
    "error": {"code": "validation_error", "message": "Invalid."},
    "traceId": "t-2",
}


def test_every_json_spelling_names_application_json_as_rfc_9110_reads_it() -> None:
    for spelled in JSON_SPELLINGS.values():
        named, _, parameters = spelled.partition(";")
        assert named.strip().lower() == "application/json"
        assert parameters.replace(" ", "").replace('"', "").lower() in ("", "charset=utf-8")


@pytest.mark.parametrize(
    ("configured", "spellings"),
    [
        pytest.param(
            "X-API-Key",
            {"lower-case": "x-api-key", "upper-case": "X-API-KEY"},
            id="mixed-case",
        ),
        pytest.param("authorization", {"upper-case": "AUTHORIZATION"}, id="already-lower"),
    ],
)
def test_header_name_spellings_leave_out_the_configured_one(
    configured: str, spellings: dict[str, str]
) -> None:
    assert header_name_spellings(configured) == spellings


def test_path_spellings_vary_the_literal_segments_and_the_slashes() -> None:
    assert path_spellings("/v1/accounts/{accountGroupId}/prospecting/{jobId}") == {
        "trailing-slash": "/v1/accounts/{accountGroupId}/prospecting/{jobId}/",
        "doubled-slash": "/v1/accounts/{accountGroupId}/prospecting//{jobId}",
        "other-case": "/V1/ACCOUNTS/{accountGroupId}/PROSPECTING/{jobId}",
    }


@pytest.mark.parametrize(
    ("status", "body", "found"),
    [
        pytest.param(202, ACCEPTED, False, id="same-status"),
        pytest.param(400, INVALID, True, id="rejected-spelling"),
    ],
)
def test_check_same_answer(observe: Observe, status: int, body: object, found: bool) -> None:
    canonical = observe("startProspectingJob", 202, ACCEPTED)
    observed = observe("startProspectingJob", status, body)

    findings = check_same_answer(observed, canonical, "Content-Type 'Application/JSON'")

    assert [(f.rule, f.status) for f in findings] == ([("H1", status)] if found else [])


@pytest.mark.parametrize(
    ("status", "headers", "message"),
    [
        pytest.param(200, {}, None, id="ok"),
        pytest.param(404, {}, None, id="not-found"),
        pytest.param(
            307,
            {"Location": "/v1/x"},
            "Received a 307 redirect to '/v1/x'; expected no 3xx: nothing in the contract "
            "redirects (I14).",
            id="temporary-redirect",
        ),
        pytest.param(
            301,
            {},
            "Received a 301 redirect; expected no 3xx: nothing in the contract redirects (I14).",
            id="bare-redirect",
        ),
    ],
)
def test_check_no_redirect(
    observe: Observe, status: int, headers: dict[str, str], message: str | None
) -> None:
    observed = observe("listSalesNavigatorSavedSearches", status, "", headers=headers)

    findings = check_no_redirect(observed)

    assert [(f.rule, f.message) for f in findings] == ([("H3", message)] if message else [])
