"""`prospecting-conformance`: the commands, the suite's arguments and the baseline writer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.cli import ALREADY_IMPORTED, main, suite_arguments
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.plugin.state import SUITE_DIR
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.reporting.latency import latency_summary
from prospecting_conformance.run.record import RecordedFinding

CWD = Path("/somewhere")
ROOT = f"--rootdir={CWD}"
SUITE = str(SUITE_DIR)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        pytest.param([], [SUITE, ROOT], id="the-whole-suite"),
        pytest.param(["--profile", "quick"], ["--profile", "quick", SUITE, ROOT], id="options"),
        pytest.param(
            ["test_lookup.py::test_x[a b]", "--seed", "7"],
            [f"{SUITE}/test_lookup.py::test_x[a b]", "--seed", "7", ROOT],
            id="a-test-of-the-suite-by-its-module",
        ),
        pytest.param(
            ["test_nowhere.py"], ["test_nowhere.py", SUITE, ROOT], id="not-a-module-of-the-suite"
        ),
        pytest.param(["--rootdir=/r"], ["--rootdir=/r", SUITE], id="the-users-root-wins"),
    ],
)
def test_run_is_pytest_on_the_packages_suite(argv: list[str], expected: list[str]) -> None:
    assert suite_arguments(argv, CWD) == [*ALREADY_IMPORTED, *expected]


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        pytest.param([], 2, id="no-command"),
        pytest.param(["nonsense"], 2, id="unknown-command"),
        pytest.param(["--help"], 0, id="help"),
    ],
)
def test_the_command_lists_its_commands(
    argv: list[str], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == status
    shown = capsys.readouterr()
    assert all(name in shown.out + shown.err for name in ("run", "baseline", "reference"))


SUMMARY = {
    "findings": [
        RecordedFinding(
            Finding("L5", "cancelProspectingJob", "m", 200, "t1"), 1, {"t::a"}
        ).to_dict(),
        RecordedFinding(Finding("E6", "getProspectingJob", "m", 404, "t2"), 1, {"t::b"}).to_dict(),
    ]
}
OLD = {"entries": [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "PROSP-1"}]}
LATENCY = latency_summary([("getProspectingJob", 0.004)])
RECORDED = {"getProspectingJob": {"p50Ms": 4.0, "p95Ms": 4.0}}


def test_baseline_merge_keeps_the_old_ticket_and_adds_the_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({**SUMMARY, "latency": LATENCY.to_dict()}))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps(OLD))

    status = main(["baseline", str(summary), "--ticket", "PROSP-9", "--merge", str(baseline)])

    assert status == 0
    assert [(e["rule"], e["ticket"]) for e in json.loads(baseline.read_text())["entries"]] == [
        ("L5", "PROSP-1"),
        ("E6", "PROSP-9"),
    ]
    assert "added E6 getProspectingJob 404 [PROSP-9]" in capsys.readouterr().err
    assert json.loads(baseline.read_text())["latency"] == RECORDED


@pytest.mark.parametrize(
    ("old_latency", "kept"),
    [
        pytest.param(None, RECORDED, id="none-yet-this-runs-is-recorded"),
        pytest.param({"getProspectingJob": {"p50Ms": 1.0, "p95Ms": 2.0}},
                     {"getProspectingJob": {"p50Ms": 1.0, "p95Ms": 2.0}},
                     id="the-baselines-own-is-kept"),
    ],
)  # fmt: skip
def test_a_baseline_records_the_latency_a_later_run_is_compared_with(
    tmp_path: Path, old_latency: dict[str, Any] | None, kept: dict[str, Any]
) -> None:
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({**SUMMARY, "latency": LATENCY.to_dict()}))
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({**OLD, **({"latency": old_latency} if old_latency else {})}))

    assert main(["baseline", str(summary), "--ticket", "T", "--merge", str(baseline)]) == 0

    assert Baseline.load(baseline).latency == kept


def test_a_failed_baseline_write_leaves_no_file(tmp_path: Path) -> None:
    output = tmp_path / "baseline.json"

    status = main(["baseline", str(tmp_path / "missing.json"), "--ticket", "T", "-o", str(output)])

    assert status == 2
    assert list(tmp_path.iterdir()) == []
