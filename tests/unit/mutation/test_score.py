"""Scoring: a fault is killed only by one of its own rules; a variation passes only in silence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from prospecting_conformance.mutation.plan import plan
from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.mutation.score import exit_status, judge, judge_control, score
from prospecting_conformance.reference.faults import FAULTS
from prospecting_conformance.reference.variations import VARIATIONS

FAULT = FAULTS["cancel_ignored"]  # caught by L3


def _result(
    label: str, rules: Sequence[str] = (), exit_status: int | None = None, cpu: float | None = 1.0
) -> RunResult:
    status = exit_status if exit_status is not None else (1 if rules else 0)
    return RunResult(label, status, tuple(rules), len(rules), 0, 2.5, 1.0, None, cpu)


@pytest.mark.parametrize(
    ("rules", "status", "killed", "note"),
    [
        pytest.param(["L3"], 1, True, "", id="killed-by-its-rule"),
        pytest.param(["E1", "L3"], 1, True, "", id="killed-among-other-rules"),
        pytest.param([], 0, False, "the suite passed", id="survived"),
        pytest.param(
            ["E1"], 1, False, "failed only on unrelated rules (E1)", id="failed-for-another-rule"
        ),
        pytest.param([], 3, False, "failed without a rule finding (exit 3)", id="crashed"),
    ],
)
def test_judge(rules: list[str], status: int, killed: bool, note: str) -> None:
    row = judge(FAULT, _result(FAULT.name, rules, status))

    assert (row["killed"], row["note"]) == (killed, note)
    assert row["expected_rules"] == ["L3"]


@pytest.mark.parametrize(
    ("result", "clean"),
    [
        pytest.param(_result("control-101"), True, id="silent"),
        pytest.param(_result("control-101", ["E4"]), False, id="a-finding"),
        pytest.param(_result("control-101", exit_status=2), False, id="a-failed-run"),
        pytest.param(
            RunResult("control-101", 0, (), 0, 1, None, 1.0, None),
            False,
            id="an-unexplained-failure",
        ),
    ],
)
def test_judge_control(result: RunResult, clean: bool) -> None:
    assert judge_control(result)["clean"] is clean


def _scored(results: dict[str, RunResult], with_variations: bool = False) -> dict[str, Any]:
    variations = [VARIATIONS["uuid_ids"]] if with_variations else []
    return score([FAULT], variations, plan([FAULT], variations, 1), results)


def test_the_score_counts_kills_and_sums_the_cpu() -> None:
    document = _scored(
        {"control-101": _result("control-101"), FAULT.name: _result(FAULT.name, ["L3"])}
    )

    assert (document["score"], document["killed"], document["total"]) == (1.0, 1, 1)
    assert document["control"]["clean"] is True
    assert document["cpu_seconds"] == 2.0
    assert "variations" not in document
    assert exit_status(document) == 0


def test_a_run_without_its_cpu_leaves_the_total_unknown() -> None:
    document = _scored(
        {"control-101": _result("control-101", cpu=None), FAULT.name: _result(FAULT.name, ["L3"])}
    )

    assert document["cpu_seconds"] is None


@pytest.mark.parametrize(
    ("changed", "status"),
    [
        pytest.param({}, 0, id="all-killed-all-silent"),
        pytest.param({FAULT.name: []}, 1, id="a-fault-survived"),
        pytest.param({"control-101": ["E1"]}, 1, id="a-control-not-clean"),
        pytest.param({"variation-uuid_ids": ["S2"]}, 1, id="a-false-alarm"),
        pytest.param({f"{FAULT.name}+variations": []}, 1, id="a-fault-hidden-by-variations"),
    ],
)
def test_exit_status(changed: dict[str, list[str]], status: int) -> None:
    rules = {
        "control-101": [],
        "all-variations": [],
        "variation-uuid_ids": [],
        f"{FAULT.name}+variations": ["L3"],
        FAULT.name: ["L3"],
        **changed,
    }
    results = {label: _result(label, found) for label, found in rules.items()}

    assert exit_status(_scored(results, with_variations=True)) == status
