"""Running the matrix: one conformance run per planned run, forked from a warm interpreter.

Each run is the quick profile as CI starts it, against a fresh embedded server with the run's
faults and variations switched on, with its own reports directory; its `summary.json` says
which rules failed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prospecting_conformance.mutation.forked import run_pytest
from prospecting_conformance.mutation.plan import PlannedRun
from prospecting_conformance.reference.faults import Fault

__all__ = [
    "RunResult",
    "conformance_args",
    "conformance_command",
    "embedded_env",
    "run_one",
    "run_plan",
]

# What multiprocessing's forkserver answers for a child whose exit status it could not read.
LOST_EXIT_STATUS = 255


@dataclass(frozen=True)
class RunResult:
    """One run of the suite: which rules failed, and how it ended."""

    label: str
    exit_status: int
    rules: tuple[str, ...]
    findings: int
    unexplained_failures: int
    seconds_to_first_failure: float | None
    wall_seconds: float
    summary: dict[str, Any] | None
    cpu_seconds: float | None = None
    # The rules of the findings the run's baseline did not know.
    new_rules: tuple[str, ...] = ()


def conformance_args(
    profile: str, seed: int, reports: Path, *extra: str, tests: Sequence[str] = ()
) -> list[str]:
    """pytest's arguments for the conformance run as CI starts it, with its own reports
    (`tests`: node ids, to run only those)."""
    pytest = [*(tests or ["tests/conformance"]), "-q", "-p", "no:cacheprovider"]
    run = ["--profile", profile, "--seed", str(seed), "--reports-dir", str(reports)]
    return [*pytest, *run, *extra]


def conformance_command(profile: str, seed: int, reports: Path, *extra: str) -> list[str]:
    """The conformance run as CI starts it, with its own reports directory."""
    return [sys.executable, "-m", "pytest", *conformance_args(profile, seed, reports, *extra)]


def embedded_env() -> dict[str, str]:
    """This process's environment without PROSPECTING_*: the run starts the embedded server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}


def _switches(
    faults: Sequence[Fault], variations: Sequence[str], stop_on: Sequence[Fault]
) -> list[str]:
    """The options that switch the faults and variations on, and stop at the kill of those
    in `stop_on`."""
    options = []
    for fault in faults:
        options += ["--reference-fault", fault.name]
    for rule in dict.fromkeys(rule for fault in stop_on for rule in fault.caught_by):
        options += ["--stop-on-rule", rule]
    for variation in variations:
        options += ["--reference-variation", variation]
    return options


def run_one(
    label: str,
    faults: Sequence[Fault],
    seed: int,
    reports: Path,
    project: Path,
    variations: Sequence[str] = (),
    *,
    stop_on_kill: bool = True,
    baseline: str | None = None,
    tests: Sequence[str] = (),
) -> RunResult:
    """Run the quick profile against a fresh embedded server with `faults` (and `variations`)
    switched on, on `tests` when given.

    A faulted run stops at the first failure that names a rule expected to catch its fault:
    the kill is decided, the rest would only cost time. Other failures do not stop it. With a
    baseline, its faults are known issues: only the last fault's kill stops the run.
    """
    directory = reports / label
    command = conformance_args("quick", seed, directory, "--no-shrink", tests=tests)
    stop_on = (faults[-1:] if baseline else faults) if stop_on_kill else ()
    command += _switches(faults, variations, stop_on)
    if baseline:
        command += ["--baseline", baseline]
    started = time.monotonic()
    # Forked from a warm interpreter (forked.py): the matrix shares its start-up.
    forked = run_pytest(command, project, embedded_env(), reports / f"{label}.log")
    wall = round(time.monotonic() - started, 2)
    return _read_result(
        label, directory / "summary.json", forked.exit_status, wall, forked.cpu_seconds
    )


def _read_result(
    label: str, summary_path: Path, exit_status: int, wall: float, cpu: float | None
) -> RunResult:
    """What the run's summary says; a run that wrote none counts as one unexplained failure."""
    if not summary_path.exists():
        return RunResult(label, exit_status, (), 0, 1, None, wall, None, cpu)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    if exit_status == LOST_EXIT_STATUS:
        # The forkserver lost the child's status (multiprocessing reports 255 when it cannot
        # read it); the run itself wrote its verdict's status before it ended.
        exit_status = int(summary.get("exitStatus", exit_status))
    rules = tuple(sorted({f["rule"] for f in summary["findings"]}))
    unexplained = sum(1 for t in summary["failedTests"] if not t["findings"])
    return RunResult(
        label,
        exit_status,
        rules,
        len(summary["findings"]),
        unexplained,
        summary.get("secondsToFirstFailure"),
        wall,
        summary,
        cpu,
        tuple(sorted({f["rule"] for f in summary["findings"] if f.get("new", True)})),
    )


def run_plan(
    runs: Sequence[PlannedRun], reports: Path, project: Path, jobs: int
) -> dict[str, RunResult]:
    """Every planned run, `jobs` at a time, each result printed as it is collected.

    A run that waits on purpose (PlannedRun.waits) sleeps, not computes: it goes beside the
    `jobs`, where it cannot hold a slot the others need for minutes.
    """
    results: dict[str, RunResult] = {}
    waiting = sum(1 for run in runs if run.waits)
    with (
        ThreadPoolExecutor(max_workers=jobs) as pool,
        ThreadPoolExecutor(max_workers=max(1, waiting)) as beside,
    ):
        futures = {
            run.label: (beside if run.waits else pool).submit(
                run_one,
                run.label,
                run.faults,
                run.seed,
                reports,
                project,
                run.variations,
                stop_on_kill=run.stop_on_kill,
                baseline=run.baseline,
                tests=run.tests,
            )
            for run in runs
        }
        for done, (label, future) in enumerate(futures.items(), start=1):
            result = results[label] = future.result()
            print(
                f"[{done}/{len(runs)}] {label}: exit {result.exit_status}, "
                f"rules {','.join(result.rules) or '-'} ({result.wall_seconds}s)",
                flush=True,
            )
    return results
