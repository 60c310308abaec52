"""Conformance runs forked from one warm interpreter: the mutation matrix's shared start-up.

The matrix starts over a hundred conformance runs. A fresh interpreter per run would import
pytest, schemathesis, Hypothesis, jsonschema and the suite again each time, about a
CPU-second of a two-core machine's budget per run. A multiprocessing forkserver imports them
once and forks every run from that warm, single-threaded process. Each run is still a
process of its own, with its own working directory, environment, embedded server, reports
and log, and pytest's own exit status, exactly as `python -m pytest` would have.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PRELOAD", "ForkedRun", "run_pytest"]

# What every conformance run imports before its first test: imported once, in the forkserver.
PRELOAD = [
    "pytest",
    "hypothesis",
    "schemathesis",
    "httpx",
    "jsonschema",
    "prospecting_conformance.plugin.controller",
    "prospecting_conformance.fuzz.stateful",
    "prospecting_conformance.mutation.warm",
]

_context = multiprocessing.get_context("forkserver")


@dataclass(frozen=True)
class ForkedRun:
    """pytest's exit status, and the CPU seconds the run and its embedded server used: the
    measure of the matrix's cost that does not depend on what else the machine is doing."""

    exit_status: int
    cpu_seconds: float | None


def _cpu_file(log: Path) -> Path:
    return log.with_name(log.name + ".cpu")


def _pytest_main(argv: list[str], cwd: str, env: dict[str, str], log: str) -> None:
    """In the forked child: become the run, then leave with pytest's exit status."""
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    if cwd not in sys.path:
        sys.path.insert(0, cwd)  # as `python -m pytest` run from cwd would have it
    import pytest

    # The preloaded plugins were imported before pytest could rewrite their asserts; only
    # the tests' own modules need rewriting, so that warning is expected here, and only here.
    status = int(pytest.main([*argv, "-W", "ignore::pytest.PytestAssertRewriteWarning"]))
    # A forked child starts with zero usage; its children are the servers it waited for.
    usages = [
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    ]
    cpu = sum(u.ru_utime + u.ru_stime for u in usages)
    _cpu_file(Path(log)).write_text(f"{cpu:.3f}", encoding="utf-8")
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(status)


def run_pytest(argv: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path) -> ForkedRun:
    """`python -m pytest *argv` in `cwd` with exactly `env`, output to `log`."""
    _context.set_forkserver_preload(PRELOAD)  # read when the forkserver starts: the first run
    process = _context.Process(
        target=_pytest_main, args=(list(argv), str(cwd), dict(env), str(log)), daemon=False
    )
    process.start()
    process.join()
    cpu_file = _cpu_file(log)
    cpu = float(cpu_file.read_text(encoding="utf-8")) if cpu_file.exists() else None
    cpu_file.unlink(missing_ok=True)
    return ForkedRun(process.exitcode if process.exitcode is not None else 1, cpu)
