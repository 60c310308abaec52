"""The job history: per-job invariants judged on every response of the run (L1, L2, L5, L8, L9)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from prospecting_conformance.checks.job_history import JobHistory
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.spec.model import Spec

BASE_URL = "https://api.test"
GROUP = "ag-1"
JOBS = f"{BASE_URL}/v1/accounts/{GROUP}/prospecting"
CREATED = "2026-01-01T10:00:00.000Z"
SEARCH = "ss-1"


def job(job_id: str = "job-1", status: str = "queued", processed: int = 0, **changes: Any) -> Any:
    data = {
        "id": job_id,
        "status": status,
        "source": "sales_navigator",
        "savedSearchId": SEARCH,
        "createdAt": CREATED,
        "updatedAt": CREATED,
        "progress": {"processed": processed, "total": 10},
        "result": {"prospectCount": 10} if status == "completed" else None,
        "error": None,
    }
    return {**data, **changes}


def answer(
    operation_id: str,
    status: int,
    data: Any,
    *,
    url: str,
    headers: dict[str, str] | None = None,
    request_body: Any = None,
) -> Observed:
    body = {"success": status < 400, "data": data, "error": None, "traceId": "t"}
    return Observed.build(
        operation_id,
        "POST" if operation_id != "getProspectingJob" else "GET",
        url,
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body if data is not None else {**body, "error": {"code": "not_found"}}),
        request_body=None if request_body is None else json.dumps(request_body),
        redactor=Redactor(),
    )


def started(
    job_id: str = "job-1", location: str | None = None, asked: str = SEARCH, **changes: Any
) -> Observed:
    return answer(
        "startProspectingJob",
        202,
        job(job_id, **changes),
        url=JOBS,
        headers={
            "Location": location
            if location is not None
            else f"/v1/accounts/{GROUP}/prospecting/{job_id}"
        },
        request_body={"source": "sales_navigator", "savedSearchId": asked},
    )


def polled(job_id: str = "job-1", http: int = 200, **changes: Any) -> Observed:
    """A GET of the job: `http` is the answer's status, `status` (in changes) the job's."""
    data = job(job_id, **changes) if http == 200 else None
    return answer("getProspectingJob", http, data, url=f"{JOBS}/{job_id}")


def cancelled(job_id: str = "job-1", **changes: Any) -> Observed:
    return answer(
        "cancelProspectingJob", 200, job(job_id, **changes), url=f"{JOBS}/{job_id}/cancel"
    )


def rules(history: JobHistory, *answers: Observed) -> list[str]:
    return [f.rule for observed in answers for f in history.judge(observed, GROUP)]


@pytest.fixture
def history(spec: Spec) -> JobHistory:
    return JobHistory(spec, BASE_URL)


CASES = [
    pytest.param([started(), polled(status="running", processed=3)], [], id="a-job-that-moves-on"),
    pytest.param([started(location=f"{JOBS}/job-1")], [], id="absolute-location-on-the-target"),
    pytest.param(
        [started(location=f"/v1/accounts/{GROUP}/prospecting/job-0")],
        ["L1"],
        id="location-names-another-job",
    ),
    pytest.param(
        [started(location=f"https://jobs.internal/v1/accounts/{GROUP}/prospecting/job-1")],
        ["L1"],
        id="location-off-the-target",
    ),
    pytest.param([started(), started()], ["L9"], id="a-job-id-handed-out-twice"),
    pytest.param([started(asked="ss-2")], ["L8"], id="the-202-records-another-search"),
    pytest.param(
        [started(), polled(savedSearchId="ss-2")], ["L8"], id="a-later-look-records-another-search"
    ),
    pytest.param(
        [started(), polled(createdAt="2026-01-01T10:00:01.000Z")], ["L2"], id="createdAt-changes"
    ),
    pytest.param(
        [started(), polled(createdAt="2026-01-01T11:00:00.000+01:00")],
        [],
        id="createdAt-same-instant-another-offset",
    ),
    pytest.param(
        [started(), polled(status="running", processed=5), polled(status="running", processed=2)],
        ["L2"],
        id="progress-goes-back",
    ),
    pytest.param(
        [started(), cancelled(status="cancelled"), polled(status="running")],
        ["L2"],
        id="a-cancelled-job-runs-again",
    ),
    pytest.param(
        [
            started(),
            polled(status="completed", processed=10),
            cancelled(status="cancelled", processed=10),
        ],
        ["L5"],
        id="a-cancel-moves-a-completed-job",
    ),
    pytest.param(
        [started(), polled(status="running"), polled(http=404)],
        ["L2"],
        id="a-polled-job-vanishes",
    ),
    pytest.param([started(), polled(http=404)], ["L1"], id="the-accepted-job-never-resolves"),
    pytest.param([polled("never-seen", http=404)], [], id="an-unknown-id-is-404-L6s-business"),
    pytest.param(
        [answer("getProspectingJob", 200, job("job-2"), url=f"{JOBS}/job-1")],
        ["L6"],
        id="asked-for-an-unknown-job-got-another",
    ),
    pytest.param(
        [started(), answer("getProspectingJob", 200, job("job-2"), url=f"{JOBS}/job-1")],
        ["L2"],
        id="asked-for-one-job-got-another",
    ),
]


@pytest.mark.parametrize(("answers", "expected"), CASES)
def test_the_history_judges_each_answer_against_the_jobs_past(
    history: JobHistory, answers: list[Observed], expected: list[str]
) -> None:
    assert rules(history, *answers) == expected


def test_a_vanished_job_finding_tells_its_history(history: JobHistory) -> None:
    rules(history, started(), polled(status="running", processed=3))

    [finding] = history.judge(polled(http=404), GROUP)

    assert "'queued'" in finding.message
    assert "'running' processed 3" in finding.message


def test_jobs_are_told_apart_by_account_group(history: JobHistory) -> None:
    # Given our job, when another group's path asks for the same id, a 404 is A4's business
    rules(history, started(), polled(status="running"))
    other = answer(
        "getProspectingJob", 404, None, url=f"{BASE_URL}/v1/accounts/ag-2/prospecting/job-1"
    )

    assert history.judge(other, "ag-2") == []
