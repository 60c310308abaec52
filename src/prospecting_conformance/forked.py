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
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["PRELOAD", "run_pytest"]

# What every conformance run imports before its first test: imported once, in the forkserver.
PRELOAD = [
    "pytest",
    "hypothesis",
    "schemathesis",
    "httpx",
    "jsonschema",
    "prospecting_conformance.pytest_plugin",
    "prospecting_conformance.fuzz",
]

_context = multiprocessing.get_context("forkserver")


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
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(status)


def run_pytest(argv: Sequence[str], cwd: Path, env: Mapping[str, str], log: Path) -> int:
    """`python -m pytest *argv` in `cwd` with exactly `env`, output to `log`; its exit status."""
    _context.set_forkserver_preload(PRELOAD)  # read when the forkserver starts: the first run
    process = _context.Process(
        target=_pytest_main, args=(list(argv), str(cwd), dict(env), str(log)), daemon=False
    )
    process.start()
    process.join()
    return process.exitcode if process.exitcode is not None else 1
