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
        [--variations [--variation NAME ...] [--skip-variation NAME ...]] [--masking]

With `--masking`, the masking score too (masking.py): a known issue on every answer,
baselined, must hide no other fault, and a family of faults at once is reported in full.

This module is the command line; the plan (plan.py), the running (runs.py), the score
(score.py) and the report (report.py) each have their own.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from prospecting_conformance.mutation.masking import (
    first_stage,
    masking_score,
    second_stage,
    third_stage,
)
from prospecting_conformance.mutation.plan import CONTROL_SEEDS, plan
from prospecting_conformance.mutation.report import print_matrix, write_matrix
from prospecting_conformance.mutation.runs import run_plan
from prospecting_conformance.mutation.score import exit_status, score
from prospecting_conformance.reference.faults import FAULTS, Fault
from prospecting_conformance.reference.variations import VARIATIONS, Variation

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="prospecting-conformance mutation")
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
        "--masking",
        action="store_true",
        help="also the masking score: faults on every answer baselined, beside every other "
        "fault, and a family of faults at once (see mutation/masking.py)",
    )
    parser.add_argument(
        "--skip-variation",
        action="append",
        default=[],
        help="with --variations: leave this one out (repeatable)",
    )
    return parser


def _chosen_faults(parser: argparse.ArgumentParser, args: argparse.Namespace) -> list[Fault]:
    unknown = sorted(set(args.fault) - set(FAULTS))
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; see --list-faults of the server")
    named = list(dict.fromkeys(args.fault))  # a fault named twice runs once
    return [FAULTS[name] for name in named] if named else list(FAULTS.values())


def _chosen_variations(
    parser: argparse.ArgumentParser, args: argparse.Namespace
) -> list[Variation]:
    unknown = sorted(set(args.variation + args.skip_variation) - set(VARIATIONS))
    if unknown:
        parser.error(f"unknown variation(s) {', '.join(unknown)}; see --list-variations")
    if not args.variations:
        return []
    chosen = [VARIATIONS[name] for name in dict.fromkeys(args.variation)] or list(
        VARIATIONS.values()
    )
    return [v for v in chosen if v.name not in args.skip_variation]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    faults = _chosen_faults(parser, args)
    variations = _chosen_variations(parser, args)
    reports = Path(args.reports_dir).resolve()
    runs_dir = reports / "mutation"
    runs_dir.mkdir(parents=True, exist_ok=True)

    started = time.monotonic()
    runs = plan(faults, variations, args.seeds)
    if args.masking:
        runs = first_stage(faults) + runs
    results = run_plan(runs, runs_dir, Path.cwd(), args.jobs)
    document = score(faults, variations, runs, results)
    if args.masking:
        baselines = runs_dir / "baselines"
        paired = second_stage(faults, results, baselines)
        results.update(run_plan(paired, runs_dir, Path.cwd(), args.jobs))
        results.update(run_plan(third_stage(paired, results), runs_dir, Path.cwd(), args.jobs))
        document.update(masking_score(faults, results, baselines))
    document["wall_seconds"] = round(time.monotonic() - started, 1)
    write_matrix(reports, document, results)
    print_matrix(document)
    return exit_status(document)


if __name__ == "__main__":
    sys.exit(main())
