"""End-to-end wall time of the conformance suite per profile, and the mutation matrix's.

A profile is only useful if it fits where it runs: `quick` is the pull-request check (target
under 30 s on the 2-core reference machine) and `default` the CI run (target under 120 s).
Each profile runs the whole conformance suite against the embedded reference server (the
default target: no PROSPECTING_* variable is passed on), as a separate process; the profiles
alternate, and the figure is the median of the runs.

With `--mutation`, the mutation matrix (every fault of the catalogue, quick profile each) runs
once more and its wall time is printed, with the detection speed from its mutation.json: the
median time to the first failure per fault family.

    python bench/bench_profiles.py [--runs 3] [--profiles quick,default] [--mutation]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from prospecting_conformance.mutation.runs import conformance_command, embedded_env

ROOT = Path(__file__).resolve().parents[1]
TARGETS_S = {"quick": 30.0, "default": 120.0}


def timed(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run `command` from the project root against the embedded server; its wall seconds."""
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=ROOT, env=embedded_env(), capture_output=True, text=True, check=False
    )
    return result, time.perf_counter() - started


def run_profile(profile: str, seed: int) -> float:
    """Wall seconds of one conformance run under `profile`; a failing run is an error."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{profile}-") as reports:
        result, wall = timed(conformance_command(profile, seed, Path(reports)))
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-3000:]
        raise RuntimeError(f"the {profile} run failed ({result.returncode}):\n{output}")
    return wall


def run_mutation(jobs: int) -> dict[str, Any]:
    """One run of the mutation matrix; its mutation.json, with the wall time measured here."""
    with tempfile.TemporaryDirectory(prefix="bench-mutation-") as reports:
        module = [sys.executable, "-m", "prospecting_conformance.mutation.matrix"]
        result, wall = timed([*module, "--jobs", str(jobs), "--reports-dir", reports])
        path = Path(reports, "mutation.json")
        if not path.exists():
            output = (result.stdout + result.stderr)[-3000:]
            raise RuntimeError(f"the mutation matrix wrote no mutation.json:\n{output}")
        document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    document["measured_wall_seconds"] = wall
    document["exit_status"] = result.returncode
    return document


def detection_by_family(document: dict[str, Any]) -> dict[str, list[float]]:
    """Seconds to the first failure of each killed fault, grouped by fault family."""
    families: dict[str, list[float]] = defaultdict(list)
    for row in document["faults"]:
        if row["killed"] and row["seconds_to_first_failure"] is not None:
            families[row["family"]].append(float(row["seconds_to_first_failure"]))
    return dict(sorted(families.items()))


def report_mutation(document: dict[str, Any], jobs: int) -> None:
    print(
        f"\n== mutation matrix (--jobs {jobs}) ==\n"
        f"wall time          : {document['measured_wall_seconds']:.1f} s "
        f"(mutation.json: {document['wall_seconds']} s), exit {document['exit_status']}\n"
        f"score              : {document['score']:.0%} ({document['killed']}/{document['total']})"
    )
    print("Detection speed: median time to the first failure per fault family")
    for family, seconds in detection_by_family(document).items():
        print(
            f"  {family:<12} {statistics.median(seconds):6.1f} s  "
            f"({len(seconds)} faults, {min(seconds):.1f}-{max(seconds):.1f} s)"
        )
    for row in document["faults"]:
        if not row["killed"]:
            print(f"  SURVIVED: {row['name']} ({row['note']})")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per profile")
    parser.add_argument("--profiles", default="quick,default", help="comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutation", action="store_true", help="also time the mutation matrix")
    parser.add_argument("--jobs", type=int, default=4, help="mutation matrix runs at once")
    args = parser.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    unknown = sorted(set(profiles) - set(TARGETS_S))
    if unknown or args.runs < 1:
        parser.error(f"unknown profile(s) {unknown}" if unknown else "--runs must be >= 1")
    print(f"loadavg at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    walls: dict[str, list[float]] = {p: [] for p in profiles}
    for round_number in range(1, args.runs + 1):
        order = profiles if round_number % 2 else profiles[::-1]
        for profile in order:
            wall = run_profile(profile, args.seed)
            walls[profile].append(wall)
            print(f"round {round_number}: {profile:<8} {wall:6.1f} s", flush=True)
    print(f"\n== conformance suite, embedded server, median of {args.runs} ==")
    for profile in profiles:
        wall = statistics.median(walls[profile])
        target = TARGETS_S[profile]
        verdict = "meets" if wall < target else "MISSES"
        print(
            f"{profile:<8} {wall:6.1f} s  (target < {target:.0f} s: {verdict}; "
            f"{wall / target:.2f} of the budget)"
        )
    if args.mutation:
        report_mutation(run_mutation(args.jobs), args.jobs)
    print(f"loadavg at end: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
