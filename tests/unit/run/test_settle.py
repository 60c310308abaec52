"""Settle: every job the run left unfinished is cancelled and looked at again, within the reserve.

The target is respx; the rails wait on a fake clock. `jobs` is what the run's record says it
last saw of each job, as the controller hands it to `settle_jobs`.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from prospecting_conformance.core.secret import Secret
from prospecting_conformance.rails.gate import Rails, RequestBudgetExceeded
from prospecting_conformance.run.record import TrackedJob
from prospecting_conformance.run.settle import UnsettledJob, settle_jobs
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
JOB = "/v1/accounts/ag-1/prospecting/job-1"
FOREIGN_KEY = "sk_live_foreign_0123456789abcdef"


def tracked(status: str | None, group: str = "ag-1") -> TrackedJob:
    """What the run's record last saw of a job (None: its start, never a status)."""
    return TrackedJob(account_group_id=group, test="test_x", status=status)


def job(status: str) -> httpx.Response:
    body = {"success": True, "data": {"id": "job-1", "status": status}, "error": None}
    return httpx.Response(200, json={**body, "traceId": f"t-{status}"})


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


def sent(api: respx.MockRouter) -> list[str]:
    return [f"{call.request.method} {call.request.url.path}" for call in api.calls]


@pytest.mark.parametrize(
    ("seen", "answers", "requests", "left"),
    [
        pytest.param(
            "running",
            [job("running"), job("cancelled"), job("cancelled")],
            ["GET", "POST cancel", "GET"],
            [],
            id="a-running-job-is-cancelled-and-looked-at-again",
        ),
        pytest.param(
            "queued",
            [job("completed")],
            ["GET"],
            [],
            id="a-job-that-ended-meanwhile-is-not-cancelled",
        ),
        pytest.param(
            "running",
            [job("running"), job("running"), job("running")],
            ["GET", "POST cancel", "GET"],
            [UnsettledJob("job-1", "ag-1", "running")],
            id="a-job-still-running-after-the-cancel-is-listed",
        ),
        pytest.param(
            "running",
            [httpx.Response(404, text="Not Found"), job("cancelled"), job("cancelled")],
            ["GET", "POST cancel", "GET"],
            [],
            id="an-answer-without-the-job-is-not-taken-for-finished",
        ),
        pytest.param(
            "running",
            [httpx.ConnectError("refused")],
            ["GET"],
            [UnsettledJob("job-1", "ag-1", None)],
            id="a-target-that-does-not-answer-leaves-the-job-listed",
        ),
    ],
)
def test_each_unfinished_job_is_settled(
    api: respx.MockRouter,
    config: TargetConfig,
    rails: Rails,
    seen: str,
    answers: list[Any],
    requests: list[str],
    left: list[UnsettledJob],
) -> None:
    api.route(path__startswith=JOB).mock(side_effect=answers)

    still = settle_jobs(config, {"job-1": tracked(seen)}, rails)

    paths = {"GET": f"GET {JOB}", "POST cancel": f"POST {JOB}/cancel"}
    assert sent(api) == [paths[r] for r in requests]
    assert still == left


@pytest.mark.parametrize("status", ["completed", "failed", "cancelled"])
def test_a_job_the_run_saw_finished_is_left_alone(
    api: respx.MockRouter, config: TargetConfig, rails: Rails, status: str
) -> None:
    assert settle_jobs(config, {"job-1": tracked(status)}, rails) == []
    assert sent(api) == []


def test_a_job_of_the_foreign_group_is_settled_there_with_its_key(
    api: respx.MockRouter, config: TargetConfig, rails: Rails
) -> None:
    # Given a target with a foreign account group's key, and a job the run saw there
    target = dataclasses.replace(config, foreign_key_all=Secret(FOREIGN_KEY))
    route = api.route(path__startswith="/v1/accounts/ag-9/prospecting/job-1").mock(
        side_effect=[job("running"), job("cancelled"), job("cancelled")]
    )

    # When settle runs
    left = settle_jobs(target, {"job-1": tracked("running", "ag-9")}, rails)

    # Then every request went to that group, with that group's key
    assert left == []
    assert [call.request.headers["X-API-Key"] for call in route.calls] == [FOREIGN_KEY] * 3


def test_settle_spends_the_reserve_the_budget_kept_for_it(
    api: respx.MockRouter, config: TargetConfig, rails: Rails
) -> None:
    # Given a run whose budget of 10 is spent down to the reserve (3 requests for its open
    # job, 3 for one the next request could start)
    small = dataclasses.replace(config, max_requests=10)
    rails = Rails(small, spec=rails.spec, clock=rails.clock, sleep=rails.sleep)
    rails.jobs_open(1)
    for _ in range(4):
        rails.admit("GET", f"{BASE_URL}{JOB}")
    with pytest.raises(RequestBudgetExceeded, match="6 kept to settle jobs"):
        rails.admit("GET", f"{BASE_URL}{JOB}")
    api.route(path__startswith=JOB).mock(
        side_effect=[job("running"), job("cancelled"), job("cancelled")]
    )

    # When settle runs
    left = settle_jobs(small, {"job-1": tracked("running")}, rails)

    # Then its three requests fit in the reserve
    assert (left, len(api.calls)) == ([], 3)
    assert rails.store.update(lambda ledger: ledger.sent) == 7


def test_a_job_beyond_the_reserve_is_listed_not_settled(
    api: respx.MockRouter, config: TargetConfig, rails: Rails
) -> None:
    # Given a budget with room for one job's settling, and two jobs left running
    rails = Rails(
        dataclasses.replace(config, max_requests=3),
        spec=rails.spec,
        clock=rails.clock,
        sleep=rails.sleep,
    )
    api.route(path__startswith=JOB).mock(
        side_effect=[job("running"), job("cancelled"), job("cancelled")]
    )

    left = settle_jobs(config, {"job-1": tracked("running"), "job-2": tracked(None)}, rails)

    # Then the first is settled, and the second, which the budget cannot reach, is listed
    assert left == [UnsettledJob("job-2", "ag-1", None)]
    assert len(api.calls) == 3


@pytest.mark.parametrize(
    ("first_answer_s", "overlapped"),
    [
        pytest.param(0.0, False, id="a-fast-first-answer-settles-one-at-a-time"),
        pytest.param(0.02, True, id="a-slow-first-answer-settles-several-at-once"),
    ],
)
def test_how_fast_the_first_job_answers_sets_how_many_settle_at_once(
    api: respx.MockRouter,
    config: TargetConfig,
    rails: Rails,
    first_answer_s: float,
    overlapped: bool,
) -> None:
    # Given twelve running jobs on a target whose later answers take 20 ms
    in_flight, most = 0, 0
    lock = threading.Lock()

    def answer(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
            delay = first_answer_s if len(api.calls) == 0 else 0.02
        time.sleep(delay)
        with lock:
            in_flight -= 1
        return job("completed")

    api.route(path__startswith="/v1/accounts/ag-1/prospecting/").mock(side_effect=answer)
    jobs = {f"job-{number:02}": tracked("running") for number in range(12)}

    # When settle runs with the concurrency left to auto
    assert settle_jobs(config, jobs, rails) == []

    # Then it overlapped its waits only when the first answer said the target is slow
    assert (most > 1) is overlapped, most
