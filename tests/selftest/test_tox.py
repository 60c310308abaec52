"""The documented GitHub Actions job shows its summary: tox hands the suite $GITHUB_STEP_SUMMARY.

The job runs the suite through tox, and tox passes only the variables `tox.ini` names. This
test takes the job's command line from docs/ci/github-actions.yml itself, runs it through tox
with the variable set (a slice of the suite, against the embedded server), and reads the file
GitHub would show on the job's page.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "ci" / "github-actions.yml"
TIMEOUT_S = 600


def _workflow_tox_command() -> list[str]:
    """The line of the job's run step that starts tox, as the runner's shell would split it."""
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["staging"]["steps"]
    script = next(step["run"] for step in steps if step.get("id") == "run")
    (line,) = (line for line in script.splitlines() if "tox -e conformance" in line)
    return shlex.split(line)


def test_the_workflows_tox_command_appends_the_summary_to_the_job_page(tmp_path: Path) -> None:
    # Given the job's command, a slice of the suite, and GitHub's variable
    command = _workflow_tox_command()
    assert command[:4] == ["python", "-m", "tox", "-e"], command
    tox = shutil.which("tox") or pytest.fail("tox is not installed (the README's first step)")
    reports = tmp_path / "reports"
    page = tmp_path / "step_summary.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PROSPECTING_", "PYTEST_"))}
    env["GITHUB_STEP_SUMMARY"] = str(page)

    # When the job runs it through tox
    slice_ = ["--profile", "quick", "-k", "test_lookup", "--reports-dir", str(reports)]
    done = subprocess.run(
        [tox, "--workdir", str(tmp_path / ".tox"), *command[3:], *slice_],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )

    # Then the run passed and the page holds the run's summary.md
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert page.read_text(encoding="utf-8") == (reports / "summary.md").read_text(encoding="utf-8")
    assert page.read_text(encoding="utf-8").startswith("## Prospecting API conformance: PASS")
