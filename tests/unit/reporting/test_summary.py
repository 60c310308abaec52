"""The summary's verdict: the decisions between a run's record and its exit status.

The selftests run whole faulted runs; these pin down the decisions in between, where a
mistake would turn a regression into a pass (or a known issue into a blocker).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.reporting.summary import RunFacts, build_summary
from prospecting_conformance.run.record import RunRecord, TrackedJob
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.run.settle import UnsettledJob
from prospecting_conformance.run.verdict import Outcome
from prospecting_conformance.spec.model import Spec


def _finding(rule: str, operation: str, status: int) -> Finding:
    return Finding(rule=rule, operation=operation, message="m", status=status, trace_id="t")


def _record(*findings: Finding) -> RunRecord:
    recorder = Recorder()
    recorder.current_test = "tests/conformance/test_x.py::test_y"
    recorder.record(findings)
    return recorder.snapshot()


def _facts(*outcomes: Outcome, left_running: tuple[UnsettledJob, ...] = ()) -> RunFacts:
    return RunFacts(
        base_url="http://127.0.0.1:1",
        embedded=True,
        faults=(),
        profile="quick",
        seed=1,
        started_at="2026-11-26T00:00:00+00:00",
        finished_at="2026-11-26T00:00:01+00:00",
        command="pytest",
        outcomes=list(outcomes),
        jobs_left_running=list(left_running),
    )


L5 = ("L5", "cancelProspectingJob", 200)
FAILED_ON_L5 = Outcome("t::cancel", "failed", (L5,))


@pytest.mark.parametrize(
    ("outcomes", "baseline_entries", "left_running", "verdict", "reasons"),
    [
        pytest.param([FAILED_ON_L5], [], (), "fail", ["1 new finding(s)"], id="new-finding-fails"),
        pytest.param(
            [FAILED_ON_L5],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (),
            "pass",
            [],
            id="known-finding-passes",
        ),
        pytest.param(
            [FAILED_ON_L5, Outcome("t::gate", "failed", ())],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (),
            "fail",
            ["1 test(s) failed without a rule finding"],
            id="failure-without-finding-fails-even-with-a-baseline",
        ),
        pytest.param(
            [Outcome("t::ok", "passed")],
            [],
            (UnsettledJob("job-1", "ag-1", "running"),),
            "fail",
            ["1 job(s) left running"],
            id="job-left-running-fails",
        ),
        pytest.param(
            [FAILED_ON_L5],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (UnsettledJob("job-1", "ag-1", "running"),),
            "pass",
            [],
            id="job-left-by-a-known-findings-test-is-that-finding",
        ),
        pytest.param(
            [FAILED_ON_L5, Outcome("t::other", "passed")],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (UnsettledJob("job-2", "ag-1", "running"),),
            "fail",
            ["1 job(s) left running"],
            id="job-left-by-another-test-still-fails",
        ),
    ],
)
def test_the_verdict(
    spec: Spec,
    tmp_path: Path,
    outcomes: list[Outcome],
    baseline_entries: list[dict[str, str]],
    left_running: tuple[UnsettledJob, ...],
    verdict: str,
    reasons: list[str],
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": baseline_entries}))
    findings = [_finding(*L5)] if any(o.finding_keys for o in outcomes) else []
    record = _record(*findings)
    # job-1 was started by the test that failed on L5, job-2 by another.
    record.jobs = {
        "job-1": TrackedJob("ag-1", "t::cancel", "running"),
        "job-2": TrackedJob("ag-1", "t::other", "running"),
    }

    summary = build_summary(
        _facts(*outcomes, left_running=left_running), record, spec, Baseline.load(path)
    )

    assert (summary.verdict, summary.reasons) == (verdict, reasons)


L3 = ("L3", "getProspectingJob", 200)
# A job whose cancel settle saw answered, and one settle could not reach.
CANCEL_IGNORED = UnsettledJob("job-3", "ag-1", "running")
UNREACHED = UnsettledJob("job-3", "ag-1", None)


@pytest.mark.parametrize(
    ("entries", "left", "verdict"),
    [
        pytest.param(
            [L3], UnsettledJob("job-3", "ag-1", "running"), "pass", id="cancel-ignored-and-L3-known"
        ),
        pytest.param(
            [], UnsettledJob("job-3", "ag-1", "running"), "fail", id="cancel-ignored-and-L3-new"
        ),
        pytest.param(
            [L3], UnsettledJob("job-3", "ag-1", None), "fail", id="unreachable-job-is-no-L3"
        ),
    ],
)
def test_a_job_that_ignored_settles_cancel_is_the_known_cancel_finding(
    spec: Spec,
    tmp_path: Path,
    entries: list[tuple[str, str, int]],
    left: UnsettledJob,
    verdict: str,
) -> None:
    # Given a passing test that cancelled a job and moved on, and an L3 finding elsewhere
    path = tmp_path / "baseline.json"
    path.write_text(
        json.dumps({"entries": [{"rule": r, "operation": o, "ticket": "T"} for r, o, _ in entries]})
    )
    record = _record(_finding(*L3))
    record.jobs = {"job-3": TrackedJob("ag-1", "t::ok", "running")}
    outcomes = [Outcome("t::ok", "passed"), Outcome("t::cancel", "failed", (L3,))]

    # When settle's cancel left the job running (or could not reach it)
    summary = build_summary(
        _facts(*outcomes, left_running=(left,)), record, spec, Baseline.load(path)
    )

    # Then it is the known cancel finding only when the target answered and L3 is known
    assert summary.verdict == verdict, summary.reasons


WRITTEN_ENTRY = {
    "rule": "L3",
    "operation": "cancelProspectingJob",
    "status": 200,
    "ticket": "T-3",
    "tests": ["t::cancel"],
}
HAND_ENTRY = {"rule": "P1", "operation": "getProspectByProviderId", "ticket": "T-2"}


@pytest.mark.parametrize(
    ("entry", "outcomes", "statuses", "fixed"),
    [
        pytest.param(WRITTEN_ENTRY, [Outcome("t::cancel", "passed")], {}, True, id="test-passed"),
        pytest.param(
            WRITTEN_ENTRY, [Outcome("t::cancel", "skipped")], {}, False, id="test-skipped"
        ),
        pytest.param(WRITTEN_ENTRY, [], {}, False, id="test-not-run"),
        pytest.param(
            HAND_ENTRY,
            [],
            {"getProspectByProviderId": Counter({200: 1})},
            True,
            id="hand-written-called",
        ),
        pytest.param(HAND_ENTRY, [], {}, False, id="hand-written-never-called"),
    ],
)
def test_a_baseline_entry_is_fixed_only_when_the_run_exercised_it(
    spec: Spec,
    tmp_path: Path,
    entry: dict[str, Any],
    outcomes: list[Outcome],
    statuses: dict[str, Counter[int]],
    fixed: bool,
) -> None:
    # Given a baseline entry that no finding of the run matches
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": [entry]}))
    record = _record()
    record.statuses = statuses

    # When the run is summarised
    summary = build_summary(_facts(*outcomes), record, spec, Baseline.load(path))

    # Then it is fixed only if what found it ran again and passed; otherwise not exercised
    document = summary.to_dict()
    assert (document["fixed"], document["notExercised"]) == (
        ([entry], []) if fixed else ([], [entry])
    )
    assert summary.verdict == "pass"


def test_an_entry_for_a_skipped_rule_is_not_exercised_never_fixed(
    spec: Spec, tmp_path: Path
) -> None:
    # Given a baseline entry for L5, whose test passed in a run that did not judge L5
    entry = {"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": [entry]}))
    facts = _facts(Outcome("t::cancel", "passed"))
    facts.skipped_rules = ("L5",)
    record = _record()
    record.statuses = {"cancelProspectingJob": Counter({200: 1})}

    # When the run is summarised
    summary = build_summary(facts, record, spec, Baseline.load(path))

    # Then the entry is not exercised, and the summary names the rule not judged
    assert (summary.fixed, [e.ticket for e in summary.not_exercised]) == ([], ["T-1"])
    assert summary.to_dict()["skippedRules"] == ["L5"]


def test_an_expired_entry_knows_nothing_and_is_listed_as_expired(
    spec: Spec, tmp_path: Path
) -> None:
    # Given an entry for L5 that expired yesterday, and L5 found again
    entry = {"rule": "L5", "ticket": "T-1", "expires": "2026-12-04"}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": [entry]}))
    baseline = Baseline.load(path, today=date(2026, 12, 5))

    # When the run is summarised
    summary = build_summary(_facts(FAILED_ON_L5), _record(_finding(*L5)), spec, baseline)

    # Then L5 is new again, and the summary says why
    assert summary.verdict == "fail"
    assert [f.new for f in summary.findings] == [True]
    assert summary.to_dict()["expired"] == [
        {"rule": "L5", "operation": "*", "ticket": "T-1", "expires": "2026-12-04"}
    ]


@pytest.mark.parametrize(
    ("outcomes", "incomplete", "interrupted", "verdict", "exit_status"),
    [
        pytest.param([], ["budget spent"], False, "incomplete", 75, id="incomplete"),
        pytest.param([FAILED_ON_L5], ["budget spent"], False, "fail", 1, id="fail-outranks"),
        pytest.param([], [], True, "interrupted", 130, id="interrupted-never-passes"),
        pytest.param([FAILED_ON_L5], [], True, "interrupted", 130, id="interrupted-outranks"),
    ],
)
def test_incomplete_and_interrupted_runs_never_pass(
    spec: Spec,
    outcomes: list[Outcome],
    incomplete: list[str],
    interrupted: bool,
    verdict: str,
    exit_status: int,
) -> None:
    facts = _facts(*outcomes)
    facts.incomplete = incomplete
    facts.interrupted = interrupted
    findings = [_finding(*L5)] if outcomes else []

    summary = build_summary(facts, _record(*findings), spec)

    assert (summary.verdict, summary.exit_status) == (verdict, exit_status)
    assert all(f"incomplete: {r}" in summary.reasons for r in incomplete)
