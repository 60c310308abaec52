"""The mutation matrix's bookkeeping: which runs it plans, how it judges them, what it records.

The runs themselves are conformance runs (minutes); here `run_one` is replaced by canned
results, so that the verdicts, the false-alarm score and the exit status are checked in
milliseconds. `tox -e mutation` runs the real thing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.mutation import plan, report, runs
from prospecting_conformance.mutation.matrix import main
from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.mutation.score import judge_variation
from prospecting_conformance.reference.faults import FAULTS, Fault
from prospecting_conformance.reference.variations import VARIATIONS

FAULT = "cancel_ignored"


def _result(label: str, rules: Sequence[str] = (), exit_status: int | None = None) -> RunResult:
    status = exit_status if exit_status is not None else (1 if rules else 0)
    return RunResult(label, status, tuple(rules), len(rules), 0, None, 1.0, None)


def _fake_runs(
    monkeypatch: pytest.MonkeyPatch, rules_by_label: dict[str, Sequence[str]]
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Replace run_one: a fault's own run kills it, everything else is silent unless told."""
    calls: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []

    def run_one(
        label: str,
        faults: Sequence[Fault],
        seed: int,
        reports: Path,
        project: Path,
        variations: Sequence[str] = (),
        **options: object,
    ) -> RunResult:
        calls.append((label, tuple(f.name for f in faults), tuple(variations)))
        default = [r for f in faults for r in f.caught_by[:1]]
        return _result(label, rules_by_label.get(label, default))

    monkeypatch.setattr(runs, "run_one", run_one)
    monkeypatch.setattr(report, "write_reports", lambda *args: None)
    return calls


def _document(reports: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((reports / "mutation.json").read_text("utf-8"))
    return loaded


def test_a_silent_run_passes_and_any_finding_is_a_false_alarm() -> None:
    variation = VARIATIONS["gzip_when_accepted"]
    assert judge_variation(variation, _result("v"))["passed"] is True
    loud = judge_variation(variation, _result("v", ["E5"]))
    assert loud["passed"] is False
    assert loud["findings"] == 1
    assert loud["rules"] == ["E5"]
    # A crash without findings (no summary, exit 3) is no pass either
    assert judge_variation(variation, _result("v", exit_status=3))["passed"] is False


def test_without_variations_the_matrix_is_unchanged(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _fake_runs(monkeypatch, {})
    assert main(["--fault", FAULT, "--seeds", "1", "--reports-dir", str(tmp_path)]) == 0
    assert [label for label, *_ in calls] == ["control-101", FAULT]
    document = _document(tmp_path)
    assert "variations" not in document
    assert document["faults"][0]["killed_under_variations"] is None


def test_variations_run_alone_all_at_once_and_under_every_fault(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given two variations and a fault the suite catches with and without them
    calls = _fake_runs(monkeypatch, {})
    chosen = ["gzip_when_accepted", "uuid_ids"]
    argv = ["--fault", FAULT, "--seeds", "0", "--variations", "--reports-dir", str(tmp_path)]
    # When the matrix runs with them
    status = main([*argv, "--variation", chosen[0], "--variation", chosen[1]])
    # Then each ran alone, both ran together, and the fault ran again under both
    assert status == 0
    assert sorted(calls) == sorted(
        [
            ("all-variations", (), tuple(chosen)),
            (f"variation-{chosen[0]}", (), (chosen[0],)),
            (f"variation-{chosen[1]}", (), (chosen[1],)),
            (f"{FAULT}+variations", (FAULT,), tuple(chosen)),
            (FAULT, (FAULT,), ()),
        ]
    )
    document = _document(tmp_path)
    assert [(v["name"], v["kind"], v["passed"]) for v in document["variations"]] == [
        (chosen[0], "transport", True),
        (chosen[1], "representation", True),
        ("all-variations", "all", True),
    ]
    assert {"findings", "seconds"} <= document["variations"][0].keys()
    assert document["false_alarm_score"] == 1.0
    assert document["faults"][0]["killed_under_variations"] is True


def test_a_false_alarm_or_a_hidden_fault_fails_the_matrix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Given a variation the suite flags, and a fault it misses under all variations
    _fake_runs(
        monkeypatch,
        {"variation-occasional_5xx": ["S3"], "all-variations": ["S3"], f"{FAULT}+variations": []},
    )
    argv = ["--fault", FAULT, "--seeds", "0", "--variations", "--reports-dir", str(tmp_path)]
    # When the matrix runs
    status = main([*argv, "--variation", "occasional_5xx", "--variation", "uuid_ids"])
    # Then it fails, and says why
    assert status == 1
    document = _document(tmp_path)
    assert document["false_alarm_score"] == round(1 / 3, 4)
    assert document["score"] == 1.0
    assert document["score_under_variations"] == 0.0
    assert document["faults"][0]["killed_under_variations"] is False


def test_skipped_variations_leave_every_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls = _fake_runs(monkeypatch, {})
    argv = ["--fault", FAULT, "--seeds", "0", "--variations", "--reports-dir", str(tmp_path)]
    assert main([*argv, "--skip-variation", "occasional_5xx"]) == 0
    assert all("occasional_5xx" not in varied for _, _, varied in calls)
    # all but one alone, all at once on the whole suite, and again where time shows
    assert len(_document(tmp_path)["variations"]) == len(VARIATIONS) + 1


def test_unknown_variation_names_stop_the_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--variations", "--skip-variation", "nope"])
    assert "nope" in capsys.readouterr().err


def test_every_fault_is_judged_once_per_column() -> None:
    planned = plan.plan(list(FAULTS.values()), list(VARIATIONS.values()), 3)
    labels = [run.label for run in planned]
    assert len(labels) == len(set(labels))
    assert len(labels) == 3 + 2 * len(FAULTS) + len(VARIATIONS) + 2
