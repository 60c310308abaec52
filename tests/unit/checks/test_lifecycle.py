"""The job lifecycle's state machine: which successive observations of a job are legal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from job_envelopes import job

from prospecting_conformance.checks.lifecycle import (
    LEGAL_TRANSITIONS,
    OBSERVABLE_TRANSITIONS,
    STATUSES,
    TERMINAL,
    JobTracker,
)
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py

GET = "getProspectingJob"


def test_the_state_machine_knows_exactly_the_spec_statuses(spec: Spec) -> None:
    assert set(spec.resolve("/components/schemas/JobStatus")["enum"]) == STATUSES
    assert sorted(TERMINAL) == ["cancelled", "completed", "failed"]
    assert LEGAL_TRANSITIONS["queued"] == {"running", "cancelled"}
    # A poll may miss the running phase of a fast job, but never go back.
    assert "completed" in OBSERVABLE_TRANSITIONS["queued"]
    assert "queued" not in OBSERVABLE_TRANSITIONS["running"]


TRANSITIONS = [
    pytest.param(
        [job("queued"), job("running", 3), job("completed", 10)],
        set(),
        id="queued-running-completed",
    ),
    pytest.param(
        [job("queued"), job("completed", 10)], set(), id="queued-completed-between-two-polls"
    ),
    pytest.param([job("running", 2), job("failed", 2)], set(), id="running-failed"),
    pytest.param([job("queued"), job("cancelled")], set(), id="queued-cancelled"),
    pytest.param(
        [job("running", 4), job("cancelled", 4), job("cancelled", 4)],
        set(),
        id="running-cancelled-stays-cancelled",
    ),
    pytest.param([job("completed", 10), job("running", 10)], {"L2"}, id="completed-to-running"),
    pytest.param([job("running", 3), job("queued", 3)], {"L2"}, id="running-to-queued"),
    pytest.param([job("cancelled", 4), job("running", 4)], {"L2"}, id="cancelled-to-running"),
    pytest.param(
        [job("failed", 2), job("completed", 2, error=None, result=None)],
        {"L2"},
        id="failed-to-completed",
    ),
    pytest.param([job("running", 5), job("running", 3)], {"L2"}, id="processed-goes-down"),
    pytest.param([job("completed", 10, result=None)], {"L2"}, id="completed-without-result"),
    pytest.param([job("failed", 2, error=None)], {"L2"}, id="failed-without-error"),
    pytest.param(
        [job("running", 2, result={"prospectCount": 2})], {"L2"}, id="running-with-a-result"
    ),
    pytest.param(
        [job("running", 2, error={"code": "x", "message": "y"})], {"L2"}, id="running-with-an-error"
    ),
    pytest.param([job("paused", 2)], {"L2"}, id="unknown-status"),
    pytest.param(
        [job("running", 2), job("running", 3, id="job-2")], {"L2"}, id="another-job-answers"
    ),
    pytest.param([job("cancelled", 4), job("cancelled", 6)], {"L3"}, id="progress-after-cancel"),
    pytest.param([job("queued", savedSearchId="ss-9")], {"L8"}, id="savedSearchId-not-as-started"),
    pytest.param([job("queued", source="csv")], {"L8"}, id="source-not-as-started"),
]


@pytest.mark.parametrize(("bodies", "rules"), TRANSITIONS)
def test_the_tracker_judges_successive_observations(
    observe: Observe, bodies: list[dict[str, Any]], rules: set[str]
) -> None:
    tracker = JobTracker(expected_source="sales_navigator", expected_saved_search_id="ss-1")

    findings = [f for body in bodies for f in tracker.follow(observe(GET, 200, body))]

    assert {f.rule for f in findings} == rules, [f.describe() for f in findings]


def test_an_illegal_transition_says_what_was_received_and_expected(observe: Observe) -> None:
    tracker = JobTracker("job-1")
    tracker.follow(observe(GET, 200, job("completed", 10)))

    [finding] = tracker.follow(observe(GET, 200, job("running", 10)))

    assert finding.message == (
        "Received status 'running' after 'completed'; expected 'completed' to stay: a terminal "
        "status never changes."
    )


def test_error_responses_are_not_job_observations(observe: Observe) -> None:
    tracker = JobTracker("job-1")

    assert tracker.follow(observe(GET, 404, {"success": False})) == []
    assert tracker.status is None
