"""The mutation score: the suite against the reference server once per injected fault.

A conformance suite that passes everything proves nothing. Each run switches on one fault of
the catalogue and runs the quick profile; the fault is killed when the run fails on one of
the rules the catalogue says must catch it. A failure on any other rule (or a crash) does not
count: a suite that fails for the wrong reason would miss the real regression. Control runs
on the unfaulted server, under several seeds, must find nothing.

With `--variations`, the matrix also measures the other half of a gate's worth: silence on a
conformant API that is not the reference server. The quick profile runs once per conformant
variation (reference/variations.py) and once with all of them on; any finding is a false
alarm (the false-alarm score is variations passed / variations). Every fault then runs again
with all those variations on: `killed_under_variations` says that no variation hides it.

    python -m prospecting_conformance.mutation.matrix [--jobs N] [--fault NAME ...] [--seeds N]
        [--variations [--variation NAME ...] [--skip-variation NAME ...]]
"""

from __future__ import annotations

import argparse
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
from prospecting_conformance.reference.faults import FAULTS, Fault
from prospecting_conformance.reference.variations import VARIATIONS, Variation
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.write import write_reports

__all__ = [
    "RunResult",
    "conformance_args",
    "conformance_command",
    "embedded_env",
    "judge",
    "judge_variation",
    "main",
    "run_one",
]

CONTROL_SEEDS = (101, 202, 303)
# What multiprocessing's forkserver answers for a child whose exit status it could not read.
LOST_EXIT_STATUS = 255
FAULT_SEED = 404
VARIATION_SEED = 505
ALL_VARIATIONS = "all-variations"


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


def conformance_args(profile: str, seed: int, reports: Path, *extra: str) -> list[str]:
    """pytest's arguments for the conformance run as CI starts it, with its own reports."""
    pytest = ["tests/conformance", "-q", "-p", "no:cacheprovider"]
    run = ["--profile", profile, "--seed", str(seed), "--reports-dir", str(reports)]
    return [*pytest, *run, *extra]


def conformance_command(profile: str, seed: int, reports: Path, *extra: str) -> list[str]:
    """The conformance run as CI starts it, with its own reports directory."""
    return [sys.executable, "-m", "pytest", *conformance_args(profile, seed, reports, *extra)]


def embedded_env() -> dict[str, str]:
    """This process's environment without PROSPECTING_*: the run starts the embedded server."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}


def run_one(
    label: str,
    faults: Sequence[Fault],
    seed: int,
    reports: Path,
    project: Path,
    variations: Sequence[str] = (),
) -> RunResult:
    """Run the quick profile against a fresh embedded server with `faults` (and `variations`)
    switched on.

    A faulted run stops at the first failure that names a rule expected to catch its fault:
    the kill is decided, the rest would only cost time. Other failures do not stop it.
    """
    directory = reports / label
    command = conformance_args("quick", seed, directory, "--no-shrink")
    for fault in faults:
        command += ["--reference-fault", fault.name]
        for rule in fault.caught_by:
            command += ["--stop-on-rule", rule]
    for variation in variations:
        command += ["--reference-variation", variation]
    started = time.monotonic()
    # Forked from a warm interpreter (forked.py): the matrix shares its start-up.
    forked = run_pytest(command, project, embedded_env(), reports / f"{label}.log")
    exit_status, cpu = forked.exit_status, forked.cpu_seconds
    wall = round(time.monotonic() - started, 2)
    summary_path = directory / "summary.json"
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


def _clean(result: RunResult) -> bool:
    return result.exit_status == 0 and not result.rules and not result.unexplained_failures


def judge_variation(variation: Variation | None, result: RunResult) -> dict[str, Any]:
    """A variation passes when the suite stays silent: any finding or failure is a false alarm."""
    return {
        "name": variation.name if variation else ALL_VARIATIONS,
        "kind": variation.kind if variation else "all",
        "passed": _clean(result),
        "findings": result.findings,
        "rules": list(result.rules),
        "exit_status": result.exit_status,
        "seconds": result.wall_seconds,
    }


def _control(result: RunResult) -> dict[str, Any]:
    clean = _clean(result)
    return {
        "label": result.label,
        "clean": clean,
        "exit_status": result.exit_status,
        "rules": list(result.rules),
        "wall_seconds": result.wall_seconds,
    }


Plan = list[tuple[str, tuple[Fault, ...], int, tuple[str, ...]]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m prospecting_conformance.mutation.matrix")
    # Runs spend much of their time waiting on jobs and Retry-After: four fit two cores.
    parser.add_argument("--jobs", type=int, default=4, help="runs at once (default 4)")
    parser.add_argument("--fault", action="append", default=[], help="only these faults")
    parser.add_argument("--seeds", type=int, default=len(CONTROL_SEEDS), help="control runs")
    parser.add_argument("--reports-dir", default="reports", help="where mutation.json goes")
    parser.add_argument(
        "--variations",
        action="store_true",
        help="also run every conformant variation, all of them at once, and every fault again "
        "with all of them on (the false-alarm score)",
    )
    parser.add_argument(
        "--variation", action="append", default=[], help="with --variations: only these"
    )
    parser.add_argument(
        "--skip-variation",
        action="append",
        default=[],
        help="with --variations: leave this one out (repeatable)",
    )
    return parser


def _chosen_variations(args: argparse.Namespace) -> list[Variation]:
    if not args.variations:
        return []
    chosen = [VARIATIONS[name] for name in dict.fromkeys(args.variation)] or list(
        VARIATIONS.values()
    )
    return [v for v in chosen if v.name not in args.skip_variation]


def _plan(faults: Sequence[Fault], variations: Sequence[Variation], seeds: int) -> Plan:
    """Every run of the matrix, the full runs (controls, variations) first, so that the pool
    does not end waiting on one long straggler; faulted runs stop at their kill."""
    plan: Plan = [(f"control-{seed}", (), seed, ()) for seed in CONTROL_SEEDS[:seeds]]
    if variations:
        names = tuple(v.name for v in variations)
        plan.append((ALL_VARIATIONS, (), VARIATION_SEED, names))
        plan += [(f"variation-{v.name}", (), VARIATION_SEED, (v.name,)) for v in variations]
        plan += [(f"{fault.name}+variations", (fault,), FAULT_SEED, names) for fault in faults]
    plan += [(fault.name, (fault,), FAULT_SEED, ()) for fault in faults]
    return plan


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = sorted(set(args.fault) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; see --list-faults of the server")
    unknown = sorted(set(args.variation + args.skip_variation) - set(VARIATIONS))
    if unknown:
        parser.error(f"unknown variation(s) {', '.join(unknown)}; see --list-variations")
    named = list(dict.fromkeys(args.fault))  # a fault named twice runs once
    faults = [FAULTS[name] for name in named] if named else list(FAULTS.values())
    variations = _chosen_variations(args)
    project = Path.cwd()
    reports = Path(args.reports_dir).resolve()
    runs_dir = reports / "mutation"
    runs_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    plan = _plan(faults, variations, args.seeds)
    results: dict[str, RunResult] = {}
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {
            label: pool.submit(run_one, label, chosen, seed, runs_dir, project, varied)
            for label, chosen, seed, varied in plan
        }
        for done, (label, future) in enumerate(futures.items(), start=1):
            results[label] = future.result()
            print(
                f"[{done}/{len(plan)}] {label}: exit {results[label].exit_status}, "
                f"rules {','.join(results[label].rules) or '-'} "
                f"({results[label].wall_seconds}s)",
                flush=True,
            )
    controls = [_control(results[label]) for label, *_ in plan if label.startswith("control-")]
    matrix = [judge(fault, results[fault.name]) for fault in faults]
    for row in matrix:
        under = results.get(f"{row['name']}+variations")
        row["killed_under_variations"] = (
            None if under is None else judge(FAULTS[row["name"]], under)["killed"]
        )
    killed = sum(1 for row in matrix if row["killed"])
    control_clean = all(c["clean"] for c in controls)
    document: dict[str, Any] = {
        "score": round(killed / len(matrix), 4) if matrix else 1.0,
        "killed": killed,
        "total": len(matrix),
        "wall_seconds": 0.0,
        "faults": matrix,
        "control": {"clean": control_clean, "runs": controls},
    }
    failed = [row["name"] for row in matrix if not row["killed"]]
    if variations:
        rows = [judge_variation(v, results[f"variation-{v.name}"]) for v in variations]
        rows.append(judge_variation(None, results[ALL_VARIATIONS]))
        passed = sum(1 for row in rows if row["passed"])
        hidden = [row["name"] for row in matrix if not row["killed_under_variations"]]
        document.update(
            variations=rows,
            false_alarm_score=round(passed / len(rows), 4),
            variations_passed=passed,
            variations_total=len(rows),
            score_under_variations=round((len(matrix) - len(hidden)) / len(matrix), 4)
            if matrix
            else 1.0,
        )
        failed += [row["name"] for row in rows if not row["passed"]] + hidden
    document["wall_seconds"] = round(time.monotonic() - started, 1)
    # The cost independent of the machine's other load: on two idle cores, about half this.
    cpus = [r.cpu_seconds for r in results.values()]
    document["cpu_seconds"] = None if None in cpus else round(sum(c or 0.0 for c in cpus), 1)
    (reports / "mutation.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    control_summary = results[controls[0]["label"]].summary if controls else None
    if control_summary is not None:
        write_reports(reports, Summary.from_dict(control_summary))
    _print_matrix(document)
    return 1 if failed or not control_clean else 0


def _print_matrix(document: dict[str, Any]) -> None:
    print()
    print(f"{'fault':40} {'family':10} {'verdict':9} {'first failure':>13}  rules")
    for row in document["faults"]:
        verdict = "killed" if row["killed"] else "SURVIVED"
        if row["killed_under_variations"] is False:
            verdict = "HIDDEN" if row["killed"] else verdict
        first = row["seconds_to_first_failure"]
        shown = f"{first:.1f}s" if first is not None else "-"
        rules = ",".join(row["rules"]) or "-"
        print(f"{row['name']:40} {row['family']:10} {verdict:9} {shown:>13}  {rules}")
        if row["note"]:
            print(f"{'':40} {row['note']}")
    for row in document.get("variations", []):
        verdict = "silent" if row["passed"] else "FALSE ALARM"
        rules = ",".join(row["rules"]) or "-"
        print(
            f"{row['name']:40} {row['kind']:14} {verdict:11} {row['findings']:>4} finding(s)  "
            f"{rules}  ({row['seconds']}s)"
        )
    control = document["control"]
    print(
        f"\nmutation score {document['score']:.0%} ({document['killed']}/{document['total']}), "
        f"control {'clean' if control['clean'] else 'NOT CLEAN'} over {len(control['runs'])} "
        f"seed(s), {document['wall_seconds']}s (CPU {document['cpu_seconds']}s)"
    )
    if "variations" in document:
        print(
            f"false-alarm score {document['false_alarm_score']:.0%} "
            f"({document['variations_passed']}/{document['variations_total']}), "
            f"mutation score under all variations {document['score_under_variations']:.0%}"
        )


if __name__ == "__main__":
    sys.exit(main())
