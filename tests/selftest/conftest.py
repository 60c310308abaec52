"""Shared fixtures for the report tests: real conformance runs, started as subprocesses.

A conformance run costs several seconds, so one faulted run (session-scoped) feeds every test
that only reads its reports: the summary and its schema, the drafts, the HTML report, the
redaction scan and the browser test.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Two faults from different families, each caught by one small conformance file.
FAULTS_ON: tuple[str, ...] = ("cancel_not_idempotent", "provider_lookup_returns_other_prospect")
CONFORMANCE_FILES: tuple[str, ...] = (
    "tests/conformance/test_lifecycle.py",
    "tests/conformance/test_lookup.py",
)
SEED = 7
RUN_TIMEOUT_S = 180


@dataclass(frozen=True)
class SuiteRun:
    """One finished conformance run: its exit status, its output and its reports."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    reports_dir: Path

    @property
    def summary(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(
            (self.reports_dir / "summary.json").read_text(encoding="utf-8")
        )
        return loaded

    def explain(self) -> str:
        """What to print when an assertion about this run fails."""
        return f"run {' '.join(self.args)}\nexit {self.returncode}\n{self.stdout[-4000:]}"


def clean_env() -> dict[str, str]:
    """The environment without any PROSPECTING_* variable, so the run uses the embedded server.

    A `pytest tests` run starts its own embedded server and exports it as PROSPECTING_*; the
    subprocess must not inherit that target (nor its reports directory). Nor may it write
    into the CI job page of the selftest run itself ($GITHUB_STEP_SUMMARY).
    """
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PROSPECTING_") and k != "GITHUB_STEP_SUMMARY"
    }


def suite_command(
    reports_dir: Path, faults: Sequence[str], baseline: Path | None = None
) -> list[str]:
    command = [sys.executable, "-m", "pytest", *CONFORMANCE_FILES, "-q", "-p", "no:cacheprovider"]
    command += ["--profile", "quick", "--no-shrink", "--seed", str(SEED)]
    command += ["--reports-dir", str(reports_dir)]
    for fault in faults:
        command += ["--reference-fault", fault]
    if baseline is not None:
        command += ["--baseline", str(baseline)]
    return command


def start_suite(
    reports_dir: Path, faults: Sequence[str], baseline: Path | None = None
) -> subprocess.Popen[str]:
    """Start a conformance run in the background (so that independent runs can overlap)."""
    return subprocess.Popen(
        suite_command(reports_dir, faults, baseline),
        cwd=ROOT,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish_suite(process: subprocess.Popen[str], reports_dir: Path) -> SuiteRun:
    try:
        stdout, stderr = process.communicate(timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
        pytest.fail(f"the conformance run took over {RUN_TIMEOUT_S} s:\n{stdout[-4000:]}")
    args = tuple(str(a) for a in process.args)  # type: ignore[union-attr]
    return SuiteRun(args, process.returncode, stdout, stderr, reports_dir)


def start_args(
    args: Sequence[str], reports_dir: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start the conformance suite with `args`, as CI would: a fresh process, a clean
    environment; `env` adds PROSPECTING_* variables as a user would set them in the shell."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args]
    command += ["--reports-dir", str(reports_dir)]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**clean_env(), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_suite(
    args: Sequence[str], reports_dir: Path, env: dict[str, str] | None = None
) -> SuiteRun:
    """Run the conformance suite with `args` to its end (see `start_args`)."""
    return finish_suite(start_args(args, reports_dir, env), reports_dir)


def cli_baseline(run: SuiteRun, ticket: str) -> dict[str, Any]:
    """The baseline the CLI writes from a run's summary, as a release manager makes one."""
    written = run.reports_dir / f"baseline-{ticket}.json"
    result = subprocess.run(
        [sys.executable, "-m", "prospecting_conformance", "baseline",
         str(run.reports_dir / "summary.json"), "--ticket", ticket, "-o", str(written)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    baseline: dict[str, Any] = json.loads(written.read_text(encoding="utf-8"))
    return baseline


def free_port() -> int:
    """A loopback port nothing listens on (for a command that wants a fixed one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def paste(script: str, cwd: Path, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run commands as a user pastes them into bash: no PROSPECTING_* set, and `python` the
    interpreter the project is installed in (as after the README's install step)."""
    clean = clean_env()
    path = f"{Path(sys.executable).parent}:{clean.get('PATH', '')}"
    return subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env={**clean, "PATH": path},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class SuiteRunner:
    """Starts conformance runs in the background and waits for them (a fixture's value)."""

    root = ROOT
    start = staticmethod(start_suite)
    finish = staticmethod(finish_suite)
    clean_env = staticmethod(clean_env)
    run = staticmethod(run_suite)
    start_args = staticmethod(start_args)
    baseline = staticmethod(cli_baseline)
    free_port = staticmethod(free_port)
    paste = staticmethod(paste)


@pytest.fixture(scope="session")
def suite_runner() -> SuiteRunner:
    return SuiteRunner()


@pytest.fixture(scope="session")
def faulted_run() -> SuiteRun:
    """The quick profile against the embedded server with both FAULTS_ON switched on.

    Its reports stay under reports/selftest-faulted-run/ (kept out of git), next to the
    browser test's screenshot, so a CI run leaves an example of every report.
    """
    reports_dir = ROOT / "reports" / "selftest-faulted-run"
    shutil.rmtree(reports_dir, ignore_errors=True)
    run = finish_suite(start_suite(reports_dir, FAULTS_ON), reports_dir)
    assert (reports_dir / "summary.json").is_file(), run.explain()
    return run
