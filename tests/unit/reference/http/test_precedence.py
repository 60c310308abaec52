"""Precedence faults: a check run too early answers only when it and the check it jumps
ahead of both fail; a request failing one of them alone gets the order's own answer.

Each case is a request built in memory and the status the early check answers with (None:
no early answer, the guard's order stands).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.requests import Request

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import resolve_faults
from prospecting_conformance.reference.http.guard import Guard
from prospecting_conformance.reference.http.precedence import Precedence
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.reference.http.scopes import scope_table
from prospecting_conformance.reference.quota import Quotas
from prospecting_conformance.reference.settings import ReferenceSettings
from prospecting_conformance.reference.store import Store
from prospecting_conformance.spec.model import load_spec

PRIMARY, FOREIGN = seed.PRIMARY_ACCOUNT_GROUP_ID, seed.FOREIGN_ACCOUNT_GROUP_ID
LIST, START = "listSalesNavigatorSavedSearches", "startProspectingJob"
GET, LOOKUP = "getProspectingJob", "getProspectByProviderId"
SEEDED_JOB = seed.SEED_JOBS[0].id
VALID = {"source": "sales_navigator", "savedSearchId": seed.FAST_SAVED_SEARCH_ID}
NO_SOURCE = {"savedSearchId": seed.FAST_SAVED_SEARCH_ID}
UNKNOWN_SEARCH_NO_SOURCE = {"savedSearchId": "no-such-search"}


def _request(key: str | None, group: str, body: dict[str, Any] | None, **params: str) -> Request:
    headers = [(b"content-type", b"application/json")]
    if key is not None:
        headers.append((b"x-api-key", key.encode()))
    content = json.dumps(body).encode() if body is not None else b""

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": content, "more_body": False}

    scope = {
        "type": "http",
        "method": "POST" if body is not None else "GET",
        "path": "/",
        "headers": headers,
        "path_params": {"accountGroupId": group, **params},
    }
    return Request(scope, receive)


def _early_status(fault: str | None, request: Request, operation: str) -> int | None:
    active = resolve_faults(() if fault is None else (fault,))
    settings = ReferenceSettings(clock=lambda: 0.0)
    responder = Responder(active)
    guard = Guard(scope_table(load_spec()), Quotas(settings, active), responder, active)
    precedence = Precedence(guard, Store(settings, active), responder, active)
    response = asyncio.run(precedence.early_answer(request, operation))
    return None if response is None else response.status_code


@pytest.mark.parametrize(
    ("fault", "sent", "operation", "status"),
    [
        pytest.param(
            None, _request(None, FOREIGN, None), LIST, None, id="no-fault-no-early-answer"
        ),
        pytest.param(
            "group_checked_before_auth",
            _request(None, FOREIGN, None),
            LIST,
            403,
            id="group-before-auth-shows-when-both-fail",
        ),
        pytest.param(
            "group_checked_before_auth",
            _request(None, PRIMARY, None),
            LIST,
            None,
            id="group-before-auth-hidden-when-only-auth-fails",
        ),
        pytest.param(
            "job_loaded_before_auth",
            _request(None, PRIMARY, None, jobId="no-such-job"),
            GET,
            404,
            id="job-before-auth-unknown-job-without-key",
        ),
        pytest.param(
            "job_loaded_before_auth",
            _request(None, PRIMARY, None, jobId=SEEDED_JOB),
            GET,
            None,
            id="job-before-auth-hidden-when-the-job-exists",
        ),
        pytest.param(
            "job_loaded_before_auth",
            _request(None, PRIMARY, None, providerId="no-such-prospect"),
            LOOKUP,
            None,
            id="job-before-auth-only-on-job-operations",
        ),
        pytest.param(
            "body_validated_before_scope_check",
            _request(seed.KEY_PROSPECTING_READ, PRIMARY, NO_SOURCE),
            START,
            400,
            id="body-before-scope-invalid-body-read-key",
        ),
        pytest.param(
            "body_validated_before_scope_check",
            _request(seed.KEY_PROSPECTING_READ, PRIMARY, VALID),
            START,
            None,
            id="body-before-scope-hidden-when-the-body-is-valid",
        ),
        pytest.param(
            "saved_search_checked_before_body",
            _request(seed.KEY_ALL, PRIMARY, UNKNOWN_SEARCH_NO_SOURCE),
            START,
            404,
            id="saved-search-before-body-unknown-search-invalid-body",
        ),
        pytest.param(
            "prospect_looked_up_before_scope_check",
            _request(seed.KEY_PROSPECTING_READ, PRIMARY, None, providerId="no-such-prospect"),
            LOOKUP,
            404,
            id="prospect-before-scope-unknown-prospect-without-scope",
        ),
        pytest.param(
            "auth_checked_after_validation",
            _request(None, PRIMARY, NO_SOURCE),
            START,
            400,
            id="validation-before-auth-invalid-start-without-key",
        ),
        pytest.param(
            "auth_checked_after_validation",
            _request(None, PRIMARY, VALID),
            START,
            None,
            id="validation-before-auth-hidden-when-the-body-is-valid",
        ),
    ],
)
def test_which_check_answers_early(
    fault: str | None, sent: Request, operation: str, status: int | None
) -> None:
    assert _early_status(fault, sent, operation) == status
