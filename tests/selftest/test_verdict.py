"""The verdict and exit status of real runs, where CI and release managers read them.

Each case is a faulted conformance run of the suite (a subprocess, the quick profile), a
baseline written from it with the baseline CLI, as a release manager would, and a second run
with that baseline. The verdict must follow the findings: a known issue passes, whichever
test meets it first and whatever jobs it strands; a rule nothing exercised is not "fixed".
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import SuiteRun, SuiteRunner

TICKET = "PROSP-11"
QUICK = ["--profile", "quick", "--no-shrink", "--seed", "11"]


def write_baseline(runner: SuiteRunner, run: SuiteRun, path: Path) -> list[dict[str, Any]]:
    """The baseline CLI's output for a run, written to `path`; its entries."""
    baseline = runner.baseline(run, TICKET)
    path.write_text(json.dumps(baseline), encoding="utf-8")
    entries: list[dict[str, Any]] = baseline["entries"]
    assert entries, f"the faulted run found nothing to baseline:\n{run.explain()}"
    return entries


def baselined_rerun(
    runner: SuiteRunner,
    tmp_path: Path,
    files: list[str],
    fault: str,
    env: dict[str, str] | None = None,
) -> tuple[SuiteRun, SuiteRun, list[dict[str, Any]]]:
    """A faulted run, its baseline, and the same run again with the baseline (`env` added)."""
    first = runner.run([*files, *QUICK, "--reference-fault", fault], tmp_path / "first")
    assert first.returncode == 1, first.explain()
    baseline = tmp_path / "baseline.json"
    entries = write_baseline(runner, first, baseline)
    again = runner.run(
        [*files, *QUICK, "--reference-fault", fault, "--baseline", str(baseline)],
        tmp_path / "again",
        env,
    )
    return first, again, entries


def test_the_first_tests_finding_is_attributed_and_known(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # Given a fault the session's very first test meets, and a baseline of that run
    first, again, _ = baselined_rerun(
        suite_runner, tmp_path, ["tests/conformance/test_auth.py"], "missing_key_returns_403"
    )
    first_test = first.summary["failedTests"][0]
    assert first_test["nodeid"].startswith("tests/conformance/test_auth.py::"), first.explain()

    # Then the first run already attributes the first test's failure to its finding
    assert first_test["findings"], f"{first_test['nodeid']} failed without a finding"
    # And with the baseline, every failure is a known finding: the gate passes
    assert again.returncode == 0, again.explain()
    assert (again.summary["verdict"], again.summary["reasons"]) == ("pass", [])
    assert all(not t["blocking"] for t in again.summary["failedTests"])
    assert all(not f["new"] for f in again.summary["findings"])


def test_a_job_stranded_by_a_known_finding_is_part_of_it(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # Given a baseline of a run where cancelling is ignored (a job stays running)
    first, again, _ = baselined_rerun(
        suite_runner, tmp_path, ["tests/conformance/test_lifecycle.py"], "cancel_ignored"
    )
    assert first.summary["jobsLeftRunning"], first.explain()

    # When the same regression is met again with that baseline
    left = again.summary["jobsLeftRunning"]

    # Then the job its own failing test left running is that known issue, not a new failure
    assert left, again.explain()
    assert again.summary["knownJobsLeftRunning"] == left
    assert again.returncode == 0, again.explain()
    assert (again.summary["verdict"], again.summary["reasons"]) == ("pass", [])
    for job in left:
        assert f"job left running (cancel it by hand) (a known issue's job): {job}" in again.stdout


def test_what_a_run_skipped_is_not_fixed(suite_runner: SuiteRunner, tmp_path: Path) -> None:
    # Given a baseline from a run with writes on (the embedded server's default)
    _, again, entries = baselined_rerun(
        suite_runner,
        tmp_path,
        ["tests/conformance/test_lifecycle.py"],
        "cancel_ignored",
        {"PROSPECTING_ALLOW_WRITES": "0"},
    )
    assert any(e["rule"] in ("L2", "L3") for e in entries), entries

    # When it is applied to a run with writes off, where no lifecycle test can run
    summary = again.summary

    # Then no entry is listed as fixed: each is "not exercised", and says so
    assert again.returncode == 0, again.explain()
    assert summary["tests"]["skipped"] > 0
    assert summary["coverage"]["cancelProspectingJob"]["observed"] == {}
    assert summary["fixed"] == [], again.explain()
    assert summary["notExercised"] == entries
    for entry in entries:
        assert f"not exercised [{entry['rule']}] {entry['operation']} ({TICKET})" in again.stdout
        assert f"fixed [{entry['rule']}]" not in again.stdout


def test_a_fixed_entry_is_one_whose_tests_passed_again(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    """The control of the case above: the same baseline on a healthy server is fixed."""
    # Given a baseline of a faulted run
    first = suite_runner.run(
        ["tests/conformance/test_lifecycle.py", *QUICK, "--reference-fault", "cancel_ignored"],
        tmp_path / "first",
    )
    baseline = tmp_path / "baseline.json"
    entries = write_baseline(suite_runner, first, baseline)

    # When the run is repeated without the fault, writes on
    healthy = suite_runner.run(
        ["tests/conformance/test_lifecycle.py", *QUICK, "--baseline", str(baseline)],
        tmp_path / "healthy",
    )

    # Then every entry was exercised and passed: fixed
    assert healthy.returncode == 0, healthy.explain()
    assert healthy.summary["fixed"] == entries
    assert healthy.summary["notExercised"] == []


def test_the_run_summarised_where_a_ci_job_page_shows_it(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # Given a CI job page's summary file, as GitHub Actions sets it, with a line already
    page = tmp_path / "step-summary.md"
    page.write_text("earlier step\n", encoding="utf-8")

    # When a run with a regression ends
    run = suite_runner.run(
        [
            "tests/conformance/test_lookup.py",
            *QUICK,
            "--reference-fault",
            "provider_lookup_returns_other_prospect",
        ],
        tmp_path / "reports",
        {"GITHUB_STEP_SUMMARY": str(page)},
    )

    # Then reports/summary.md says the verdict and lists the new finding with its draft,
    # and the job page gets the same text after what it had
    assert run.returncode == 1, run.explain()
    markdown = (run.reports_dir / "summary.md").read_text(encoding="utf-8")
    assert markdown.startswith("## Prospecting API conformance: FAIL (exit 1)\n")
    (finding,) = run.summary["findings"]
    (draft,) = (run.reports_dir / "regressions").glob("*.md")
    row = (
        f"| {finding['rule']} | {finding['operation']} | {finding['status']} | "
        f"`{finding['traceId']}` | `regressions/{draft.name}` |"
    )
    assert row in markdown.splitlines()
    assert page.read_text(encoding="utf-8") == "earlier step\n" + markdown


def test_a_run_that_tested_nothing_is_incomplete_not_a_pass(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # When a run's selection matches no test
    run = suite_runner.run(
        ["tests/conformance/test_lookup.py", *QUICK, "-k", "no_such_test"], tmp_path
    )

    # Then the gate says INCOMPLETE (75), with pytest's reason, never PASS
    assert run.returncode == 75, run.explain()
    assert (run.summary["verdict"], run.summary["exitStatus"]) == ("incomplete", 75)
    assert run.summary["reasons"] == ["incomplete: pytest ended with exit status 5"]


MARKING_PLUGIN = """
from prospecting_conformance.plugin.state import CONTEXT


def pytest_runtest_call(item):
    item.config.stash[CONTEXT].recorder.mark_incomplete("request budget of 3 spent")
"""


@pytest.mark.parametrize(
    "extra", [pytest.param([], id="one-process"), pytest.param(["-n", "2"], id="two-workers")]
)
def test_code_that_marks_the_run_incomplete_makes_it_incomplete(
    suite_runner: SuiteRunner, tmp_path: Path, extra: list[str]
) -> None:
    # Given code in the test processes that marks the run incomplete (as a spent budget does)
    (tmp_path / "marking_plugin.py").write_text(MARKING_PLUGIN, encoding="utf-8")
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    }

    # When a clean run ends
    run = suite_runner.run(
        ["tests/conformance/test_lookup.py", *QUICK, "-p", "marking_plugin", *extra],
        tmp_path / "reports",
        env,
    )

    # Then its verdict is INCOMPLETE (75) with that reason, wherever the mark was made
    assert run.returncode == 75, run.explain()
    assert run.summary["verdict"] == "incomplete"
    assert run.summary["reasons"] == ["incomplete: request budget of 3 spent"]
    assert "verdict: INCOMPLETE (incomplete: request budget of 3 spent)" in run.stdout
