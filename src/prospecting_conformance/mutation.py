"""The mutation score: the suite against the reference server once per injected fault.

A conformance suite that passes everything proves nothing. Each run switches on one fault of
the catalogue and runs the quick profile; the fault is killed when the run fails on one of
the rules the catalogue says must catch it. A failure on any other rule (or a crash) does not
count: a suite that fails for the wrong reason would miss the real regression. Control runs
on the unfaulted server, under several seeds, must find nothing.

    python -m prospecting_conformance.mutation [--jobs N] [--fault NAME ...] [--seeds N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prospecting_conformance.reference.faults import FAULTS, Fault
from prospecting_conformance.reporting.write import write_reports

__all__ = ["RunResult", "conformance_command", "embedded_env", "judge", "main", "run_one"]

CONTROL_SEEDS = (101, 202, 303)
FAULT_SEED = 404


@dataclass(frozen=True)
class RunResult:
    """One run of the suite: which rules failed, and how it ended."""

    label: str
    exit_status: int
    rules: tuple[str, ...]
    unexplained_failures: int
    seconds_to_first_failure: float | None
    wall_seconds: float
    summary: dict[str, Any] | None


def conformance_command(profile: str, seed: int, reports: Path, *extra: str) -> list[str]:
    """The conformance run as CI starts it, with its own reports directory."""
    pytest = [sys.executable, "-m", "pytest", "tests/conformance", "-q", "-p", "no:cacheprovider"]
    run = ["--profile", profile, "--seed", str(seed), "--reports-dir", str(reports)]
    return [*pytest, *run, *extra]


def embedded_env() -> dict[str, str]:
    """This process's environment without PROSPECTING_*: the run starts the embedded server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}


def run_one(
    label: str,
    faults: Sequence[Fault],
    seed: int,
    reports: Path,
    project: Path,
) -> RunResult:
    """Run the quick profile against a fresh embedded server with `faults` switched on.

    A faulted run stops at the first failure that names a rule expected to catch its fault:
    the kill is decided, the rest would only cost time. Other failures do not stop it.
    """
    directory = reports / label
    command = conformance_command("quick", seed, directory, "--no-shrink")
    for fault in faults:
        command += ["--reference-fault", fault.name]
        for rule in fault.caught_by:
            command += ["--stop-on-rule", rule]
    env = embedded_env()
    started = time.monotonic()
    completed = subprocess.run(
        command, cwd=project, env=env, capture_output=True, text=True, check=False
    )
    wall = round(time.monotonic() - started, 2)
    (reports / f"{label}.log").write_text(completed.stdout + completed.stderr, encoding="utf-8")
    summary_path = directory / "summary.json"
    if not summary_path.exists():
        return RunResult(label, completed.returncode, (), 1, None, wall, None)
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    rules = tuple(sorted({f["rule"] for f in summary["findings"]}))
    unexplained = sum(1 for t in summary["failedTests"] if not t["findings"])
    return RunResult(
        label,
        completed.returncode,
        rules,
        unexplained,
        summary.get("secondsToFirstFailure"),
        wall,
        summary,
    )


def judge(fault: Fault, result: RunResult) -> dict[str, Any]:
    """Killed only when the run failed on a rule the catalogue names for this fault."""
    matching = [r for r in result.rules if r in fault.caught_by]
    killed = result.exit_status != 0 and bool(matching)
    note = ""
    if not killed and result.exit_status == 0:
        note = "the suite passed"
    elif not killed and result.rules:
        note = f"failed only on unrelated rules ({', '.join(result.rules)})"
    elif not killed:
        note = f"failed without a rule finding (exit {result.exit_status})"
    return {
        "name": fault.name,
        "family": fault.family,
        "summary": fault.summary,
        "expected_rules": list(fault.caught_by),
        "killed": killed,
        "rules": list(result.rules),
        "seconds_to_first_failure": result.seconds_to_first_failure,
        "wall_seconds": result.wall_seconds,
        "note": note,
    }


def _control(result: RunResult) -> dict[str, Any]:
    clean = result.exit_status == 0 and not result.rules and not result.unexplained_failures
    return {
        "label": result.label,
        "clean": clean,
        "exit_status": result.exit_status,
        "rules": list(result.rules),
        "wall_seconds": result.wall_seconds,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prospecting_conformance.mutation")
    # Runs spend much of their time waiting on jobs and Retry-After: four fit two cores.
    parser.add_argument("--jobs", type=int, default=4, help="runs at once (default 4)")
    parser.add_argument("--fault", action="append", default=[], help="only these faults")
    parser.add_argument("--seeds", type=int, default=len(CONTROL_SEEDS), help="control runs")
    parser.add_argument("--reports-dir", default="reports", help="where mutation.json goes")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.fault) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; see --list-faults of the server")
    named = list(dict.fromkeys(args.fault))  # a fault named twice runs once
    faults = [FAULTS[name] for name in named] if named else list(FAULTS.values())
    project = Path.cwd()
    reports = Path(args.reports_dir).resolve()
    runs_dir = reports / "mutation"
    runs_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    plan: list[tuple[str, tuple[Fault, ...], int]] = [
        (f"control-{seed}", (), seed) for seed in CONTROL_SEEDS[: args.seeds]
    ] + [(fault.name, (fault,), FAULT_SEED) for fault in faults]
    results: dict[str, RunResult] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            label: pool.submit(run_one, label, chosen, seed, runs_dir, project)
            for label, chosen, seed in plan
        }
        for done, (label, future) in enumerate(futures.items(), start=1):
            results[label] = future.result()
            print(
                f"[{done}/{len(plan)}] {label}: exit {results[label].exit_status}, "
                f"rules {','.join(results[label].rules) or '-'} "
                f"({results[label].wall_seconds}s)",
                flush=True,
            )
    controls = [_control(results[label]) for label, _, _ in plan if label.startswith("control-")]
    matrix = [judge(fault, results[fault.name]) for fault in faults]
    killed = sum(1 for row in matrix if row["killed"])
    control_clean = all(c["clean"] for c in controls)
    document: dict[str, Any] = {
        "score": round(killed / len(matrix), 4) if matrix else 1.0,
        "killed": killed,
        "total": len(matrix),
        "wall_seconds": round(time.monotonic() - started, 1),
        "faults": matrix,
        "control": {"clean": control_clean, "runs": controls},
    }
    (reports / "mutation.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    control_summary = results[controls[0]["label"]].summary if controls else None
    if control_summary is not None:
        write_reports(reports, control_summary)
    _print_matrix(document)
    survived = [row["name"] for row in matrix if not row["killed"]]
    return 1 if survived or not control_clean else 0


def _print_matrix(document: dict[str, Any]) -> None:
    print()
    print(f"{'fault':40} {'family':10} {'verdict':9} {'first failure':>13}  rules")
    for row in document["faults"]:
        verdict = "killed" if row["killed"] else "SURVIVED"
        first = row["seconds_to_first_failure"]
        shown = f"{first:.1f}s" if first is not None else "-"
        rules = ",".join(row["rules"]) or "-"
        print(f"{row['name']:40} {row['family']:10} {verdict:9} {shown:>13}  {rules}")
        if row["note"]:
            print(f"{'':40} {row['note']}")
    control = document["control"]
    print(
        f"\nmutation score {document['score']:.0%} ({document['killed']}/{document['total']}), "
        f"control {'clean' if control['clean'] else 'NOT CLEAN'} over {len(control['runs'])} "
        f"seed(s), {document['wall_seconds']}s"
    )


if __name__ == "__main__":
    sys.exit(main())
