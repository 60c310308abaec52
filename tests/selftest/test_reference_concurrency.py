"""Fifty concurrent clients start, poll and cancel jobs; the job machine stays consistent.

Every client records what it saw of its job (the 202, each poll, each cancel answer). Afterwards
no job may be missing from the store, every observed step must be a legal move of I7 (a poll may
skip states, never go back), `processed` must never decrease, and every job must be terminal.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from prospecting_conformance.reference import ReferenceServer, seed

CLIENTS = 50
DEADLINE = 15.0
PRIMARY = seed.PRIMARY_ACCOUNT_GROUP_ID
SEARCHES = [s.id for s in seed.SAVED_SEARCHES[PRIMARY]]
TERMINAL = {"completed", "failed", "cancelled"}
# Where each status may be seen next, polls being allowed to miss intermediate states.
REACHABLE = {
    "queued": {"queued", "running", "completed", "failed", "cancelled"},
    "running": {"running", "completed", "failed", "cancelled"},
    "completed": {"completed"},
    "failed": {"failed"},
    "cancelled": {"cancelled"},
}


@dataclass
class Observed:
    job_id: str
    saved_search_id: str
    steps: list[tuple[str, int]] = field(default_factory=list)
    cancel_answers: list[tuple[int, str | None]] = field(default_factory=list)

    def see(self, job: dict[str, Any]) -> str:
        status: str = job["status"]
        self.steps.append((status, job["progress"]["processed"]))
        return status


async def _client(number: int, base_url: str) -> Observed:
    saved_search_id = SEARCHES[number % len(SEARCHES)]
    slow = saved_search_id == seed.SLOW_SAVED_SEARCH_ID
    # The slow search must be cancelled to end; half of the others are cancelled too, at
    # varying moments, so that cancels race with completion.
    cancel_after = 1 if slow else (number % 4 if number % 2 == 0 else None)
    headers = {"X-API-Key": seed.KEY_ALL}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=10) as client:
        started = await client.post(
            f"/v1/accounts/{PRIMARY}/prospecting",
            json={"source": "sales_navigator", "savedSearchId": saved_search_id},
        )
        assert started.status_code == 202, started.text
        job = started.json()["data"]
        observed = Observed(job["id"], saved_search_id)
        status = observed.see(job)
        location = started.headers["Location"]
        polls = 0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + DEADLINE
        while status not in TERMINAL and loop.time() < deadline:
            if polls == cancel_after:
                answer = await client.post(f"{location}/cancel")
                body = answer.json()
                observed.cancel_answers.append(
                    (answer.status_code, body["data"]["status"] if body["data"] else None)
                )
                if answer.status_code == 200:
                    status = observed.see(body["data"])
                    continue
            await asyncio.sleep(0.02 + (number % 5) * 0.01)
            polled = await client.get(location)
            assert polled.status_code == 200, polled.text
            status = observed.see(polled.json()["data"])
            polls += 1
        return observed


async def _run_all(base_url: str) -> list[Observed]:
    return await asyncio.gather(*(_client(n, base_url) for n in range(CLIENTS)))


@pytest.fixture(scope="module")
def run() -> Iterator[tuple[ReferenceServer, list[Observed]]]:
    with ReferenceServer() as server:
        yield server, asyncio.run(_run_all(server.base_url))


def test_no_job_is_lost(run: tuple[ReferenceServer, list[Observed]]) -> None:
    server, observed = run
    ids = [o.job_id for o in observed]
    assert len(set(ids)) == CLIENTS
    stored = {job.id: job for job in server.store.jobs()}
    assert set(ids) <= stored.keys()
    for o in observed:
        assert stored[o.job_id].saved_search_id == o.saved_search_id


def test_every_observed_transition_is_legal(run: tuple[ReferenceServer, list[Observed]]) -> None:
    _, observed = run
    for o in observed:
        for (before, done_before), (after, done_after) in itertools.pairwise(o.steps):
            assert after in REACHABLE[before], f"{o.job_id}: {before} -> {after} ({o.steps})"
            assert done_after >= done_before, f"{o.job_id}: processed went back ({o.steps})"


def test_cancel_answers_follow_i8(run: tuple[ReferenceServer, list[Observed]]) -> None:
    _, observed = run
    answers = [a for o in observed for a in o.cancel_answers]
    assert answers, "no client cancelled anything"
    for status_code, job_status in answers:
        assert (status_code, job_status) == (200, "cancelled") or status_code == 409


def test_every_job_ends_terminal(run: tuple[ReferenceServer, list[Observed]]) -> None:
    server, observed = run
    stored = {job.id: job for job in server.store.jobs()}
    for o in observed:
        assert o.steps[-1][0] in TERMINAL, f"{o.job_id} never ended: {o.steps}"
        assert stored[o.job_id].status == o.steps[-1][0]
    final = {o.steps[-1][0] for o in observed}
    assert final == TERMINAL, f"expected every ending under load, saw {final}"
