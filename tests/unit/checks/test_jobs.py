"""The job checks a test makes on what it holds: L1 on a start, a job's status, L9."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.jobs import (
    check_accepted_job,
    check_job_ids_unique,
    check_job_status,
)
from prospecting_conformance.core.observed import Observed

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

START = "startProspectingJob"
CANCEL = "cancelProspectingJob"
LOCATION = {"Location": "/v1/accounts/ag-1/prospecting/job-1"}


def job(**fields: Any) -> dict[str, Any]:
    data = {"id": "job-1", "status": "queued", **fields}
    return {"success": True, "data": data, "error": None, "traceId": "t-1"}


CONFLICT = {
    "success": False,
    "data": None,
    "error": {"code": "conflict", "message": "Job already ended."},
    "traceId": "t-2",
}


@pytest.mark.parametrize(
    ("status", "body", "headers", "messages"),
    [
        pytest.param(202, job(), LOCATION, [], id="accepted-queued"),
        pytest.param(202, job(status="running"), LOCATION, [], id="accepted-running"),
        pytest.param(
            200, job(), LOCATION, ["Started a job: received 200; expected 202."], id="not-202"
        ),
        pytest.param(
            202,
            job(id=""),
            LOCATION,
            ["The 202 carries no job id in data.id."],
            id="no-job-id",
        ),
        pytest.param(
            202,
            job(status="completed"),
            LOCATION,
            ["A new job says status 'completed'; expected queued or running."],
            id="not-a-new-status",
        ),
        pytest.param(202, job(), {}, ["The 202 has no Location header."], id="no-location"),
        pytest.param(
            202,
            job(id=7),
            {},
            ["The 202 carries no job id in data.id.", "The 202 has no Location header."],
            id="every-problem-at-once",
        ),
    ],
)
def test_check_accepted_job(
    observe: Observe,
    status: int,
    body: dict[str, Any],
    headers: dict[str, str],
    messages: list[str],
) -> None:
    findings = check_accepted_job(observe(START, status, body, headers=headers))

    assert [(f.rule, f.message) for f in findings] == [("L1", m) for m in messages]


@pytest.mark.parametrize(
    ("status", "body", "headers", "provenance"),
    [
        pytest.param(200, job(), LOCATION, "documented", id="the-202-is-documented"),
        pytest.param(202, job(id=""), LOCATION, "documented", id="the-job-id-is-documented"),
        pytest.param(202, job(), {}, "inferred", id="the-location-is-inferred"),
        pytest.param(202, job(status="done"), LOCATION, "inferred", id="the-status-is-inferred"),
    ],
)
def test_an_accepted_jobs_finding_is_as_firm_as_the_part_it_breaks(
    observe: Observe, status: int, body: dict[str, Any], headers: dict[str, str], provenance: str
) -> None:
    [finding] = check_accepted_job(observe(START, status, body, headers=headers))

    assert finding.provenance == provenance


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        pytest.param(200, job(status="cancelled"), None, id="the-expected-status"),
        pytest.param(
            200,
            job(status="running"),
            "Cancelled a running job: job says 'running'; expected 'cancelled'.",
            id="another-status",
        ),
        pytest.param(
            409,
            CONFLICT,
            "Cancelled a running job: job says None; expected 'cancelled'.",
            id="no-job-in-the-answer",
        ),
    ],
)
def test_check_job_status(
    observe: Observe, status: int, body: dict[str, Any], message: str | None
) -> None:
    observed = observe(CANCEL, status, body)

    findings = check_job_status(observed, "L3", "cancelled", "Cancelled a running job")

    assert [(f.rule, f.message) for f in findings] == ([("L3", message)] if message else [])


@pytest.mark.parametrize(
    ("ids", "messages"),
    [
        pytest.param(["job-1", "job-2", "job-3"], [], id="every-id-new"),
        pytest.param(
            ["job-1", "job-2", "job-1"], ["Job id 'job-1' was given to two jobs."], id="a-repeat"
        ),
        pytest.param([None, None], [], id="starts-without-a-job-are-not-counted"),
    ],
)
def test_check_job_ids_unique(observe: Observe, ids: list[str | None], messages: list[str]) -> None:
    started = [
        observe(START, 202, job(id=i)) if i is not None else observe(START, 409, CONFLICT)
        for i in ids
    ]

    findings = check_job_ids_unique(started)

    assert [(f.rule, f.message) for f in findings] == [("L9", m) for m in messages]
