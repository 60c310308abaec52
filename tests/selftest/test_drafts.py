"""Drafts QA can paste: each stateful draft's script, replayed on a fresh server, shows it again.

For three lifecycle faults, a real faulted run of the lifecycle tests writes its drafts; each
draft's commands are then pasted as written (the server start first, then the script of the
exchanges that led to the finding) into a shell with nothing set, and the last response must
show the finding again. The same commands without the fault are the control: a script that
"reproduces" on a healthy server proves nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import SuiteRun, SuiteRunner

# fault -> the rules of its draft (one root cause) and what its last response shows:
# the HTTP status and the job's status in it.
STATEFUL = {
    "cancel_ignored": (("L3",), 200, "running"),
    "cancel_not_idempotent": (("L4",), 409, None),
    "cancel_completed_job_allowed": (("L5",), 200, "cancelled"),
}
QUICK = ["--profile", "quick", "--no-shrink", "--seed", "3"]

START_BLOCK = re.compile(r"## Start the reference server\n\n[^\n]*\n\n```sh\n(.*?)\n```", re.DOTALL)
REPLAY_BLOCK = re.compile(r"## Reproduce\n\n[^\n]*\n\n```sh\n(.*?)\n```", re.DOTALL)
RERUN_BLOCK = re.compile(r"## Re-run only this test\n\n```sh\n(.*?)\n```", re.DOTALL)


@pytest.fixture(scope="module")
def runs(
    suite_runner: SuiteRunner, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, SuiteRun]:
    """One faulted run of the lifecycle tests per fault, started together."""
    root = tmp_path_factory.mktemp("draft-runs")
    started = {}
    for fault in STATEFUL:
        reports = root / fault
        command = ["tests/conformance/test_lifecycle.py", *QUICK, "--reference-fault", fault]
        started[fault] = (suite_runner.start_args(command, reports), reports)
    return {fault: suite_runner.finish(p, reports) for fault, (p, reports) in started.items()}


def the_draft(run: SuiteRun, rules: tuple[str, ...]) -> str:
    """The run's one draft for `rules` (one root cause), its text."""
    drafts = sorted((run.reports_dir / "regressions").glob("*.md"))
    heading = f"# [{', '.join(rules)}] "
    matching = [d for d in drafts if d.read_text(encoding="utf-8").startswith(heading)]
    assert len(matching) == 1, f"{[d.name for d in drafts]}\n{run.explain()}"
    return matching[0].read_text(encoding="utf-8")


def paste(
    runner: SuiteRunner, draft: str, workdir: Path, *, with_fault: bool
) -> tuple[int, dict[str, Any], str]:
    """Run the draft's commands as QA pastes them; the last response's status and body."""
    start, replay = START_BLOCK.search(draft), REPLAY_BLOCK.search(draft)
    assert start, draft
    assert replay, draft
    # The draft's fixed port may be taken on a shared machine; any free one does.
    commands = start[1].replace("--port 8080", f"--port {runner.free_port()}")
    if not with_fault:
        commands = re.sub(r" --fault \S+", "", commands)
    script = f"{commands}\nSERVER=$!\ntrap 'kill $SERVER' EXIT\n{replay[1]}\n"
    result = runner.paste(script, workdir, timeout=60)
    assert result.returncode == 0, f"{script}\n{result.stderr}"
    head, _, body = result.stdout.replace("\r\n", "\n").partition("\n\n")
    status = re.match(r"HTTP/[\d.]+ (\d{3})", head)
    assert status, result.stdout[:500]
    return int(status[1]), json.loads(body), result.stderr


@pytest.mark.parametrize(
    ("fault", "expected"), [pytest.param(f, e, id=f) for f, e in STATEFUL.items()]
)
def test_a_stateful_draft_replays_its_finding_on_a_fresh_server(
    suite_runner: SuiteRunner,
    runs: dict[str, SuiteRun],
    tmp_path: Path,
    fault: str,
    expected: tuple[tuple[str, ...], int, str | None],
) -> None:
    rules, status, job_status = expected
    # Given the faulted run's draft for the fault's finding (one draft for its root cause)
    draft = the_draft(runs[fault], rules)
    assert draft.count("\ncurl ") + draft.count("$(curl ") >= 2, "not a multi-step script"

    # When its commands are pasted into a shell, server start first
    faulted = paste(suite_runner, draft, tmp_path, with_fault=True)
    healthy = paste(suite_runner, draft, tmp_path, with_fault=False)

    # Then the last response shows the finding again, and a healthy server does not
    shown = (faulted[0], (faulted[1].get("data") or {}).get("status"))
    assert shown == (status, job_status), faulted[2]
    control = (healthy[0], (healthy[1].get("data") or {}).get("status"))
    assert control != shown, healthy[2]


@pytest.mark.parametrize("fault", list(STATEFUL))
def test_one_draft_per_root_cause(runs: dict[str, SuiteRun], fault: str) -> None:
    run = runs[fault]
    # A root cause is a rule on an operation with a status, never a traceId a target repeats.
    causes = {(f["rule"], f["operation"], f["status"]) for f in run.summary["findings"]}
    drafts = sorted((run.reports_dir / "regressions").glob("*.md"))

    assert len(drafts) == len(causes), [d.name for d in drafts]


def test_the_rerun_command_writes_its_own_reports(runs: dict[str, SuiteRun]) -> None:
    draft = the_draft(runs["cancel_not_idempotent"], ("L4",))
    rerun = RERUN_BLOCK.search(draft)

    assert rerun, draft
    assert "--reports-dir reports/rerun-001" in rerun[1]
    assert "--reference-fault cancel_not_idempotent" in rerun[1]
