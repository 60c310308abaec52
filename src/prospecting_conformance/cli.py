"""`prospecting-conformance`: the suite and its tools, from any venv the wheel is installed in.

    prospecting-conformance run [PYTEST OPTIONS]        the conformance suite
    prospecting-conformance baseline SUMMARY --ticket T (-o FILE | --merge FILE)
    prospecting-conformance reference [OPTIONS]         the reference server, standalone
    prospecting-conformance mutation [OPTIONS]          the mutation and false-alarm scores

`python -m prospecting_conformance` is the same command. `run` is pytest on the suite the
package carries (`prospecting_conformance.suite`), with the suite's options; a test named by
its module (`test_lifecycle.py::test_cancel`) is that test of the suite, as a draft's
"re-run" prints it. Reports go to `reports/` under the current folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from prospecting_conformance.plugin.state import SUITE_DIR
from prospecting_conformance.reporting.baseline import (
    Baseline,
    BaselineError,
    baseline_from_findings,
)
from prospecting_conformance.reporting.baseline_merge import merge_into
from prospecting_conformance.reporting.latency import Latency
from prospecting_conformance.run.record import RecordedFinding

__all__ = ["PROG", "main", "suite_arguments"]

PROG = "prospecting-conformance"
# What a draft prints and `run` maps to the suite: a module of the suite, maybe a test in it.
SUITE_TEST = re.compile(r"(test_\w+\.py)((?:::.*)?)", re.DOTALL)
# This command is the package, imported before pytest starts: pytest would warn that it cannot
# rewrite the asserts of the plugin's package. The plugin's own modules, imported after, it does.
ALREADY_IMPORTED = (
    "-W",
    "ignore:Module already imported so cannot be rewritten; prospecting_conformance"
    ":pytest.PytestAssertRewriteWarning",
)


def run(argv: Sequence[str]) -> int:
    """the conformance suite (pytest options and the suite's own pass through)"""
    import pytest

    return int(pytest.main(suite_arguments(argv, Path.cwd())))


def suite_arguments(argv: Sequence[str], cwd: Path) -> list[str]:
    """pytest's arguments for `run`: the suite (or the tests of it named), rooted at `cwd`.

    The root is given: pytest would otherwise root a run in the installed package's folder
    (no configuration file above it), and write the reports there.
    """
    args = [*ALREADY_IMPORTED, *(_suite_test(arg) for arg in argv)]
    if not any(Path(arg.split("::", 1)[0]).is_relative_to(SUITE_DIR) for arg in args):
        args.append(str(SUITE_DIR))
    if not any(arg == "--rootdir" or arg.startswith("--rootdir=") for arg in args):
        args.append(f"--rootdir={cwd}")
    return args


def _suite_test(arg: str) -> str:
    named = SUITE_TEST.fullmatch(arg)
    if named and (SUITE_DIR / named[1]).is_file():
        return f"{SUITE_DIR / named[1]}{named[2]}"
    return arg


def baseline(argv: Sequence[str]) -> int:
    """write a baseline of a run's findings, or merge them into an existing one"""
    parser = argparse.ArgumentParser(
        prog=f"{PROG} baseline",
        description="Accept every finding of a run as a known issue under TICKET.",
    )
    parser.add_argument("summary", type=Path, help="a run's reports/summary.json")
    parser.add_argument("--ticket", required=True, help="the ticket that tracks these issues")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help="write a new baseline to this file")
    target.add_argument(
        "--merge",
        type=Path,
        metavar="FILE",
        help="add the run's findings to this baseline: its entries keep their tickets, new "
        "ones get TICKET, none is dropped",
    )
    args = parser.parse_args(argv)
    try:
        summary = json.loads(args.summary.read_text(encoding="utf-8"))
        findings = [RecordedFinding.from_dict(finding) for finding in summary["findings"]]
        # A summary from before the latency was measured has none to record.
        latency = Latency.from_dict(summary.get("latency", {"operations": []})).recorded()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"error: {args.summary} is not a run summary ({exc})", file=sys.stderr)
        return 2
    if args.merge is None:
        written = baseline_from_findings(findings, args.ticket)
        if latency:
            written["latency"] = latency
        _write_whole(args.output, written)
        print(f"{args.output}: {len(written['entries'])} entries", file=sys.stderr)
        return 0
    try:
        existing = Baseline.load(args.merge)
    except BaselineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    merged = merge_into(existing, findings, args.ticket)
    document: dict[str, object] = {"entries": [e.to_dict() for e in merged.entries]}
    # The latency a release is compared against stays the one the baseline recorded.
    if existing.latency or latency:
        document["latency"] = existing.latency or latency
    _write_whole(args.merge, document)
    report = merged.report()
    if latency and not existing.latency:
        report.append("recorded this run's latency (the baseline had none)")
    for line in report:
        print(f"{args.merge}: {line}", file=sys.stderr)
    return 0


def _write_whole(path: Path, document: dict[str, object]) -> None:
    """Write then rename: a failed run of the command leaves no empty or half file behind."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def reference(argv: Sequence[str]) -> int:
    """the reference server, standalone (--list-faults, --list-variations, --env-file ...)"""
    from prospecting_conformance.reference.__main__ import main as serve

    return serve(argv)


def mutation(argv: Sequence[str]) -> int:
    """the mutation and false-alarm scores (the matrix of runs, mutation.json)"""
    from prospecting_conformance.mutation.matrix import main as matrix

    return matrix(argv)


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "run": run,
    "baseline": baseline,
    "reference": reference,
    "mutation": mutation,
}


def usage() -> str:
    lines = [f"usage: {PROG} {{{','.join(COMMANDS)}}} ...", ""]
    lines += [f"  {name:<10} {command.__doc__}" for name, command in COMMANDS.items()]
    lines += ["", f"`{PROG} COMMAND --help` for a command's options (run: pytest's)."]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] in (["-h"], ["--help"]):
        print(usage())
        return 0
    command = COMMANDS.get(args[0]) if args else None
    if command is None:
        print(usage(), file=sys.stderr)
        return 2
    return command(args[1:])
