"""A reference job as a function of the clock: where it stands after so many seconds.

Each case is a plan, a moment and what a response shows then. Times are whole or halves, so
that each expected value is exact: a job queued 1 s, then processing 8 items in 4 s.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from prospecting_conformance.reference.jobs import (
    UPSTREAM_ERROR,
    Job,
    JobView,
    Plan,
    Timeline,
    plan_for,
)
from prospecting_conformance.reference.seed import SearchKind
from prospecting_conformance.reference.settings import ReferenceSettings

EPOCH_WALL = datetime(2026, 11, 26, 10, 0, 0, tzinfo=UTC)
STARTED = 100.0
FAST = Plan(queued=1, running=4, total=8)
FAILING = Plan(queued=1, running=4, total=8, fail_after=3)


def _job(plan: Plan) -> Job:
    return Job("job-1", "ag-1", "ss-1", plan, started=STARTED)


def _timeline(never_completes: bool = False) -> Timeline:
    # The epoch is the first job's start: its createdAt is EPOCH_WALL.
    return Timeline(STARTED, EPOCH_WALL, never_completes=never_completes)


def _at(seconds: float) -> datetime:
    return EPOCH_WALL + timedelta(seconds=seconds)


# (status, processed, total, prospectCount, error, updatedAt in seconds after createdAt)
Shown = tuple[str, int, int | None, int | None, dict[str, str] | None, float]


def _shown(view: JobView) -> Shown:
    updated = (view.updated_at - view.created_at).total_seconds()
    return (view.status, view.processed, view.total, view.prospect_count, view.error, updated)


@pytest.mark.parametrize(
    ("plan", "never_completes", "elapsed", "shown"),
    [
        pytest.param(FAST, False, 0.5, ("queued", 0, None, None, None, 0.0), id="queued-no-total"),
        pytest.param(FAST, False, 3, ("running", 4, 8, None, None, 3.0), id="running-half-way"),
        pytest.param(
            FAST,
            False,
            2.9,
            ("running", 3, 8, None, None, 2.5),
            id="updatedAt-moves-with-processed",
        ),
        pytest.param(FAST, False, 5, ("completed", 8, 8, 8, None, 5.0), id="completed-at-its-end"),
        pytest.param(FAST, False, 60, ("completed", 8, 8, 8, None, 5.0), id="completed-stays"),
        pytest.param(
            FAILING,
            False,
            3,
            ("failed", 4, 8, None, UPSTREAM_ERROR, 3.0),
            id="failed-with-partial-progress",
        ),
        pytest.param(
            FAST,
            True,
            60,
            ("running", 7, 8, None, None, 4.5),
            id="never_completes-keeps-one-item-back",
        ),
        pytest.param(
            FAILING,
            True,
            60,
            ("running", 7, 8, None, None, 4.5),
            id="never_completes-never-fails-either",
        ),
    ],
)
def test_where_a_job_stands(
    plan: Plan, never_completes: bool, elapsed: float, shown: Shown
) -> None:
    view = _timeline(never_completes).derive(_job(plan), elapsed)

    assert _shown(view) == shown
    assert view.created_at == EPOCH_WALL


@pytest.mark.parametrize(
    ("elapsed", "shown"),
    [
        pytest.param(3, ("cancelled", 4, 8, None, None, 3.0), id="running-keeps-its-progress"),
        pytest.param(0.5, ("cancelled", 0, 8, None, None, 0.5), id="queued-gets-its-total"),
    ],
)
def test_a_cancelled_job_is_frozen_where_it_stood(elapsed: float, shown: Shown) -> None:
    job, timeline = _job(FAST), _timeline()

    view = timeline.cancelled(job, timeline.derive(job, elapsed), STARTED + elapsed)

    assert _shown(view) == shown


SETTINGS = ReferenceSettings(
    queued_seconds=1,
    running_seconds=4,
    fast_total=8,
    slow_running_seconds=60,
    slow_total=300,
    failing_after_seconds=3,
    failing_total=20,
)


@pytest.mark.parametrize(
    ("kind", "settings", "plan"),
    [
        pytest.param("fast", SETTINGS, Plan(1, 4, 8), id="fast"),
        pytest.param("slow", SETTINGS, Plan(1, 60, 300), id="slow"),
        pytest.param(
            "failing", SETTINGS, Plan(1, 4, 20, fail_after=3), id="failing-fails-half-way-through"
        ),
        pytest.param(
            "failing",
            replace(SETTINGS, failing_after_seconds=0.5),
            Plan(1, 1e-6, 20, fail_after=1),
            id="failing-never-fails-while-queued",
        ),
    ],
)
def test_each_saved_search_kind_plans_its_job(
    kind: SearchKind, settings: ReferenceSettings, plan: Plan
) -> None:
    assert plan_for(kind, settings) == plan


@pytest.mark.parametrize(
    ("plan", "ends"),
    [
        pytest.param(FAST, 5, id="queued-plus-running"),
        pytest.param(FAILING, 3, id="at-its-failure"),
    ],
)
def test_when_a_plan_ends(plan: Plan, ends: float) -> None:
    assert plan.ends == ends
