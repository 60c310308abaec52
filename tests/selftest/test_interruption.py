"""Ctrl-C during a real run: never a PASS, never a stray job, never a wall of traceback.

The suite runs as a subprocess against a reference server in this process (a live target),
so that the test can see every job on the server afterwards, and slow the server down to
hold the run inside its settle phase. The interrupt is a real SIGINT, sent while a
long-running job of the lifecycle tests is going.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from prospecting_conformance.reference import ReferenceServer
from prospecting_conformance.run.verdict import EXIT_INTERRUPTED
from prospecting_conformance.target.embedded import demo_target_config
from prospecting_conformance.target.settings import ALL_VARS

ROOT = Path(__file__).resolve().parents[2]
# The test during which the interrupt arrives: it polls a 30 s job for about a second.
RUNNING_TEST = "test_progress_of_a_running_job_never_goes_back"
# Long enough that a settle held by the stall cannot finish before the second Ctrl-C.
STALL_S = 6.0
RUN_TIMEOUT_S = 120.0


class Stall:
    """ASGI middleware: once `stalled` is set, every request waits STALL_S before it is served."""

    def __init__(self, app: ASGIApp, stalled: threading.Event) -> None:
        self.app = app
        self.stalled = stalled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.stalled.is_set():
            await asyncio.sleep(STALL_S)
        await self.app(scope, receive, send)


@pytest.fixture
def stalled() -> threading.Event:
    return threading.Event()


@pytest.fixture
def server(stalled: threading.Event) -> Iterator[ReferenceServer]:
    running = ReferenceServer()
    running.app.add_middleware(Stall, stalled=stalled)
    with running:
        yield running


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    """The runs a test starts: killed and closed however the test ends."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def target_env(server: ReferenceServer) -> dict[str, str]:
    """The server as a live target, configured the way CI configures staging."""
    clean = {k: v for k, v in os.environ.items() if k not in ALL_VARS}
    exported = {}
    for line in demo_target_config(server.base_url).env_lines():
        name, _, value = line.removeprefix("export ").partition("=")
        exported[name] = value.strip("'")
    exported["PROSPECTING_EMBEDDED"] = "0"
    # Unbuffered, so that the test sees each test's name as it starts.
    return {**clean, **exported, "PYTHONUNBUFFERED": "1"}


def start_run(
    server: ReferenceServer, reports: Path, processes: list[subprocess.Popen[str]]
) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v"]
    command += ["tests/conformance/test_lifecycle.py", "--profile", "quick"]
    command += ["--reports-dir", str(reports)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=target_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    processes.append(process)
    return process


def read_until(process: subprocess.Popen[str], marker: str, seen: list[str]) -> None:
    """Read the run's output (into `seen`) until `marker` shows, even mid-line."""
    assert process.stdout is not None
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while marker not in "".join(seen[-400:]):
        char = process.stdout.read(1)
        assert char, f"the run ended before {marker!r}:\n{''.join(seen)[-3000:]}"
        seen.append(char)
        assert time.monotonic() < deadline, f"no {marker!r} in {RUN_TIMEOUT_S} s"


def finish(process: subprocess.Popen[str], seen: list[str]) -> tuple[int, str, float]:
    """Wait for the run to end: its exit status, all it printed, seconds it took to end."""
    began = time.monotonic()
    rest, _ = process.communicate(timeout=RUN_TIMEOUT_S)
    return process.returncode, "".join(seen) + rest, time.monotonic() - began


def active_jobs(server: ReferenceServer) -> list[str]:
    return [job.id for job in server.store.jobs() if job.status in ("queued", "running")]


def summary_of(reports: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    return loaded


def test_one_ctrl_c_settles_the_jobs_and_reports_interrupted(
    server: ReferenceServer, tmp_path: Path, processes: list[subprocess.Popen[str]]
) -> None:
    # Given a run in the middle of a test that polls a long-running job
    process = start_run(server, tmp_path, processes)
    seen: list[str] = []
    read_until(process, RUNNING_TEST, seen)
    time.sleep(0.4)
    assert active_jobs(server), "the interrupted test had no job running yet"

    # When Ctrl-C is pressed once
    process.send_signal(signal.SIGINT)
    status, output, _ = finish(process, seen)

    # Then the run stops, settles every job it started, and says INTERRUPTED, never PASS
    assert status == EXIT_INTERRUPTED, output[-3000:]
    assert active_jobs(server) == [], output[-3000:]
    summary = summary_of(tmp_path)
    assert (summary["verdict"], summary["exitStatus"]) == ("interrupted", EXIT_INTERRUPTED)
    assert summary["jobsLeftRunning"] == []
    assert "verdict: INTERRUPTED" in output
    assert ">INTERRUPTED<" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert (tmp_path / "junit.xml").is_file()
    # The tests after the interrupted one never ran
    assert "test_job_ids_are_unique" not in output
    assert "Traceback" not in output


def test_a_second_ctrl_c_exits_at_once_naming_the_jobs(
    server: ReferenceServer,
    stalled: threading.Event,
    tmp_path: Path,
    processes: list[subprocess.Popen[str]],
) -> None:
    # Given a run interrupted once while a job runs, whose target then answers slowly
    process = start_run(server, tmp_path, processes)
    seen: list[str] = []
    read_until(process, RUNNING_TEST, seen)
    time.sleep(0.4)
    running = active_jobs(server)
    assert running, "the interrupted test had no job running yet"
    stalled.set()
    process.send_signal(signal.SIGINT)
    read_until(process, "(Ctrl-C again exits at once)", seen)

    # When Ctrl-C is pressed again while settle waits on the target
    process.send_signal(signal.SIGINT)
    status, output, took = finish(process, seen)

    # Then the run exits 130 at once, with one line naming the jobs that may still run
    assert status == EXIT_INTERRUPTED, output[-3000:]
    assert took < STALL_S / 2, f"took {took:.1f} s to exit"
    lines = [line for line in output.splitlines() if line.startswith("interrupted again:")]
    assert len(lines) == 1, output[-3000:]
    for job in running:
        assert job in lines[0]
    assert "Traceback" not in output
