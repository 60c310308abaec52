"""The masking score: a known issue, baselined, must hide no other fault.

The runs are conformance runs (seconds each, hundreds of them); here their results are
canned, and what is pinned is the plan built from them and the score read off them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.mutation.masking import (
    MASKING_FAULTS,
    family_label,
    first_stage,
    masking_score,
    second_stage,
    third_stage,
)
from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.reference.faults import FAULTS

KNOWN = FAULTS["trace_id_constant"]  # E4 on every answer, judged across the run
CANCEL = FAULTS["cancel_ignored"]  # L3, caught by the cancel tests
READ_WRITES = FAULTS["read_scope_allows_write"]  # A3, one of the tenancy family
WRITE_READS = FAULTS["write_scope_allows_read"]  # A3 too
CANCEL_TEST = "tests/conformance/test_lifecycle.py::test_cancel_running_job"


def _finding(rule: str, tests: list[str], new: bool = True) -> dict[str, Any]:
    return {
        "rule": rule,
        "family": "x",
        "provenance": "inferred",
        "statement": "s",
        "operation": "getProspectingJob",
        "status": 200,
        "traceId": "t",
        "message": "m",
        "exchange": None,
        "count": 1,
        "tests": tests,
        "steps": [],
        "new": new,
        "ticket": None if new else "T",
    }


def _result(label: str, status: int, *findings: dict[str, Any]) -> RunResult:
    rules = tuple(sorted({f["rule"] for f in findings}))
    new = tuple(sorted({f["rule"] for f in findings if f["new"]}))
    summary = {"findings": list(findings)}
    return RunResult(label, status, rules, len(findings), 0, None, 2.0, summary, None, new)


def test_the_first_stage_finds_each_masking_fault_in_full_and_runs_a_family_at_once() -> None:
    runs = first_stage([KNOWN, CANCEL, READ_WRITES, WRITE_READS])

    assert [(r.label, r.stop_on_kill) for r in runs] == [
        ("mask-trace_id_constant-found", False),
        ("family-tenancy", False),
    ]
    assert runs[1].faults == (READ_WRITES, WRITE_READS)


def test_the_second_stage_baselines_what_was_found_and_pairs_it_with_every_other_fault(
    tmp_path: Path,
) -> None:
    # Given the masking fault's full run and the other faults' solo runs
    results = {
        "mask-trace_id_constant-found": _result(
            "mask-trace_id_constant-found", 1, _finding("E4", ["t::a"]), _finding("E4", ["t::b"])
        ),
        CANCEL.name: _result(CANCEL.name, 1, _finding("L3", [CANCEL_TEST]), _finding("E1", ["x"])),
    }

    # When the second stage is planned
    runs = {run.label: run for run in second_stage([KNOWN, CANCEL], results, tmp_path)}

    # Then the baseline is the writer's (one entry for E4 everywhere), the known fault runs
    # alone with it, and the pair runs only the tests that caught the other fault
    assert (tmp_path / "trace_id_constant.json").read_text().count('"rule"') == 1
    alone = runs["mask-trace_id_constant-alone"]
    assert (alone.faults, alone.baseline, alone.stop_on_kill) == (
        (KNOWN,),
        str(tmp_path / "trace_id_constant.json"),
        False,
    )
    pair = runs["mask-trace_id_constant+cancel_ignored"]
    assert (pair.faults, pair.tests, pair.stop_on_kill) == ((KNOWN, CANCEL), (CANCEL_TEST,), True)


def test_a_fault_judged_across_the_run_is_paired_over_the_whole_profile(tmp_path: Path) -> None:
    results = {
        f"mask-{name}-found": _result(f"mask-{name}-found", 1, _finding("E5", ["t::a"]))
        for name in MASKING_FAULTS
    }
    results[KNOWN.name] = _result(KNOWN.name, 1, _finding("E4", ["t::second"]))

    runs = {
        run.faults[-1].name: run
        for run in second_stage([KNOWN, FAULTS["content_type_text_plain"]], results, tmp_path)
    }

    assert runs[KNOWN.name].tests == ()


def test_every_other_fault_runs_once_beside_every_known_issue_at_once(tmp_path: Path) -> None:
    # Given the three masking faults found, each with its own baseline entry
    results = {
        f"mask-{name}-found": _result(f"mask-{name}-found", 1, _finding(rule, ["t::a"]))
        for name, rule in zip(MASKING_FAULTS, ["E4", "E5", "E6"], strict=True)
    }

    # When the second stage is planned for another fault
    beside = second_stage([CANCEL], results, tmp_path)[-1]

    # Then one run carries all three known issues, with one baseline holding their entries
    assert beside.faults == (*(FAULTS[name] for name in MASKING_FAULTS), CANCEL)
    assert beside.label == f"mask-{'+'.join(MASKING_FAULTS)}+cancel_ignored"
    assert beside.baseline is not None
    assert Path(beside.baseline).read_text().count('"rule"') == 3
    assert len(second_stage([CANCEL], results, tmp_path)) == len(MASKING_FAULTS) + 1


def test_the_combined_baseline_is_written_anew_for_each_matrix(tmp_path: Path) -> None:
    # Given a combined baseline left by an earlier matrix in the same reports dir
    results = {
        f"mask-{name}-found": _result(f"mask-{name}-found", 1, _finding("E5", ["t::a"]))
        for name in MASKING_FAULTS
    }
    (tmp_path / f"{'+'.join(MASKING_FAULTS)}.json").write_text('{"entries": []}')

    # When this matrix plans its runs
    beside = second_stage([CANCEL], results, tmp_path)[-1]

    # Then the run gets this matrix's entries, not the old file's
    assert beside.baseline is not None
    assert Path(beside.baseline).read_text().count('"rule"') == 3


@pytest.mark.parametrize(
    ("alone_status", "pair", "score", "hidden"),
    [
        pytest.param(0, _result("p", 1, _finding("L3", [CANCEL_TEST])), 1.0, [], id="all-held"),
        pytest.param(
            0,
            _result("p", 0, _finding("E4", ["t::a"], new=False)),
            0.5,
            ["cancel_ignored"],
            id="the-known-issue-hid-the-fault",
        ),
        pytest.param(
            0,
            _result("p", 1, _finding("E1", ["t::a"])),
            0.5,
            ["cancel_ignored"],
            id="caught-for-another-rule-is-hidden",
        ),
        pytest.param(
            1, _result("p", 1, _finding("L3", [CANCEL_TEST])), 0.5, [], id="alone-did-not-pass"
        ),
    ],
)
def test_the_score_counts_the_baselined_run_and_every_pair(
    tmp_path: Path, alone_status: int, pair: RunResult, score: float, hidden: list[str]
) -> None:
    (tmp_path / "trace_id_constant.json").write_text('{"entries": [{"rule": "E4", "ticket": "T"}]}')
    results = {
        "mask-trace_id_constant-alone": _result("a", alone_status),
        "mask-trace_id_constant+cancel_ignored": pair,
    }

    document = masking_score([KNOWN, CANCEL], results, tmp_path)

    assert document["masking_score"] == score
    [row] = document["masking"]
    assert (row["hidden"], row["alonePassed"], row["baselineEntries"]) == (
        hidden,
        alone_status == 0,
        1,
    )


def test_a_family_at_once_names_each_fault_none_of_whose_rules_was_reported(
    tmp_path: Path,
) -> None:
    cross = FAULTS["cross_tenant_job_access"]  # A4
    results = {family_label("tenancy"): _result("f", 1, _finding("A3", ["t::a"]))}

    document = masking_score([READ_WRITES, cross], results, tmp_path)

    assert document["family_at_once"]["unreported"] == ["cross_tenant_job_access"]
    assert document["family_at_once"]["score"] == 0.5


def test_a_fault_caught_only_by_the_known_issues_own_rules_is_not_paired(tmp_path: Path) -> None:
    recycled = FAULTS["trace_id_recycled"]  # E4 only: as far as a baseline can tell, E4 is E4
    results = {
        "mask-trace_id_constant-found": _result(
            "mask-trace_id_constant-found", 1, _finding("E4", ["t::a"])
        )
    }

    labels = [run.label for run in second_stage([KNOWN, recycled, CANCEL], results, tmp_path)]

    assert labels == ["mask-trace_id_constant-alone", "mask-trace_id_constant+cancel_ignored"]


def test_a_pair_its_selected_tests_missed_runs_again_over_the_whole_profile(
    tmp_path: Path,
) -> None:
    results = {
        "mask-trace_id_constant-found": _result(
            "mask-trace_id_constant-found", 1, _finding("E4", ["t::a"])
        ),
        CANCEL.name: _result(CANCEL.name, 1, _finding("L3", [CANCEL_TEST])),
    }
    [_, pair] = second_stage([KNOWN, CANCEL], results, tmp_path)
    missed = {pair.label: _result(pair.label, 0, _finding("E4", ["t::a"], new=False))}

    [again] = third_stage([pair], missed)

    assert (again.label, again.tests, again.baseline) == (pair.label, (), pair.baseline)
    assert third_stage([pair], {pair.label: _result("p", 1, _finding("L3", ["x"]))}) == []
