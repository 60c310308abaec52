"""Running one matrix run: the command it forks, and how its summary is read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.mutation import runs
from prospecting_conformance.mutation.forked import ForkedRun
from prospecting_conformance.reference.faults import FAULTS

FAULT = FAULTS["cancel_ignored"]  # caught by L3


def _fork(
    monkeypatch: pytest.MonkeyPatch,
    summary: dict[str, Any] | None,
    status: int = 0,
    directory: Path | None = None,
) -> list[list[str]]:
    """Replace the fork: record the argv, write `summary` where the run would have."""
    forked: list[list[str]] = []

    def run_pytest(argv: Sequence[str], cwd: Path, env: Any, log: Path) -> ForkedRun:
        forked.append(list(argv))
        if summary is not None and directory is not None:
            directory.mkdir()
            (directory / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        return ForkedRun(status, 1.5)

    monkeypatch.setattr(runs, "run_pytest", run_pytest)
    return forked


def test_a_faulted_run_switches_its_fault_on_and_stops_at_its_rules(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forked = _fork(monkeypatch, None)

    runs.run_one("run", [FAULT], 404, tmp_path, tmp_path, variations=["uuid_ids"])

    [argv] = forked
    assert argv[:4] == ["tests/conformance", "-q", "-p", "no:cacheprovider"]
    options = argv[4:]
    assert options == [
        *["--profile", "quick", "--seed", "404", "--reports-dir", str(tmp_path / "run")],
        "--no-shrink",
        *["--reference-fault", "cancel_ignored", "--stop-on-rule", "L3"],
        *["--reference-variation", "uuid_ids"],
    ]


def test_a_run_on_a_selection_runs_only_those_tests(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forked = _fork(monkeypatch, None)
    tests = ("tests/conformance/test_lifecycle.py", "tests/conformance/test_rate_limit.py")

    runs.run_one("run", [], 505, tmp_path, tmp_path, variations=["network_latency"], tests=tests)

    [argv] = forked
    assert argv[:3] == [*tests, "-q"]
    assert "tests/conformance" not in argv


def test_a_run_that_wrote_no_summary_is_one_unexplained_failure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _fork(monkeypatch, None, status=3)

    result = runs.run_one("run", [], 1, tmp_path, tmp_path)

    assert (result.exit_status, result.rules, result.unexplained_failures) == (3, (), 1)
    assert result.summary is None
    assert result.cpu_seconds == 1.5


def test_the_summary_says_which_rules_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    summary = {
        "findings": [{"rule": "L3"}, {"rule": "E1"}, {"rule": "L3"}],
        "failedTests": [{"findings": ["k"]}, {"findings": []}],
        "secondsToFirstFailure": 4.2,
    }
    _fork(monkeypatch, summary, status=1, directory=tmp_path / "run")

    result = runs.run_one("run", [], 1, tmp_path, tmp_path)

    assert (result.rules, result.findings, result.unexplained_failures) == (("E1", "L3"), 3, 1)
    assert result.seconds_to_first_failure == 4.2


@pytest.mark.parametrize(
    ("forked_status", "verdict_status", "seen"),
    [
        pytest.param(255, 0, 0, id="a-lost-status-is-read-from-the-runs-own-summary"),
        pytest.param(1, 0, 1, id="a-status-the-child-reported-is-kept"),
    ],
)
def test_run_one_takes_the_exit_status_the_run_reported(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    forked_status: int,
    verdict_status: int,
    seen: int,
) -> None:
    # Given a run that wrote its summary, and a forkserver that may have lost its status
    summary = {"findings": [], "failedTests": [], "exitStatus": verdict_status}
    _fork(monkeypatch, summary, status=forked_status, directory=tmp_path / "run")

    # When the matrix reads the run
    result = runs.run_one("run", (), 1, tmp_path, tmp_path)

    # Then 255 (unknown) gives way to the run's own status; a real status stands
    assert result.exit_status == seen


def test_the_embedded_env_drops_every_prospecting_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PROSPECTING_BASE_URL", "https://staging.test")
    monkeypatch.setenv("HOME_FOR_THIS_TEST", "kept")

    env = runs.embedded_env()

    assert "PROSPECTING_BASE_URL" not in env
    assert env["HOME_FOR_THIS_TEST"] == "kept"


def test_a_masking_pair_runs_the_named_tests_baselined_and_stops_at_the_last_faults_kill(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forked = _fork(monkeypatch, None)
    known = FAULTS["trace_id_constant"]  # caught by E4, baselined here
    test = "tests/conformance/test_lifecycle.py::test_cancel_running_job"

    runs.run_one("pair", [known, FAULT], 404, tmp_path, tmp_path, baseline="b.json", tests=[test])

    [argv] = forked
    assert argv[:4] == [test, "-q", "-p", "no:cacheprovider"]
    assert argv[argv.index("--stop-on-rule") :] == ["--stop-on-rule", "L3", "--baseline", "b.json"]
    assert argv.count("--reference-fault") == 2


def test_a_run_that_must_see_everything_does_not_stop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    forked = _fork(monkeypatch, None)

    runs.run_one("found", [FAULT], 404, tmp_path, tmp_path, stop_on_kill=False)

    [argv] = forked
    assert "--stop-on-rule" not in argv
