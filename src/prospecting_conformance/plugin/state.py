"""What the plugin's modules share: the keys they keep on the config, and what run this is.

Each process (the controller, or an xdist worker) keeps its own: the embedded server lives on
the controller only (as does the run controller, under its own key); the rails live in every
process that sends (the controller's preflight, and the tests); the run context lives
wherever tests run. Kept on the config, not in module globals, so that a pytest session run
inside another (a test of the plugin) has its own.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.run.context import RunContext, rails_for_run
from prospecting_conformance.target.embedded import EmbeddedServer
from prospecting_conformance.target.settings import reports_dir as chosen_reports_dir
from prospecting_conformance.target.settings import run_target

__all__ = [
    "CONTEXT",
    "CURRENT_TEST",
    "EMBEDDED",
    "RAILS",
    "SUITE_DIR",
    "SUITE_PACKAGE",
    "is_worker",
    "process_rails",
    "reports_dir",
    "stop_embedded",
    "uses_target",
]

EMBEDDED = pytest.StashKey[EmbeddedServer]()
CONTEXT = pytest.StashKey[RunContext]()
# This process's gate: one for every layer that sends from it (rails_for_run).
RAILS = pytest.StashKey[Rails]()
# The test this process is running, kept apart from the run context: the first test's setup
# runs before the session fixture has made the context (issue 11, case 1).
CURRENT_TEST = pytest.StashKey[str]()

# The conformance tests the package carries; in a checkout, a link to tests/conformance.
SUITE_PACKAGE = "prospecting_conformance.suite"
SUITE_DIR = (Path(__file__).parents[1] / "suite").resolve()


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def uses_target(config: pytest.Config) -> bool:
    """Whether the run includes the conformance tests (unit and selftest runs need no target).

    The tests are the package's suite, however named (a path, a node id, `--pyargs`), or the
    checkout's `tests/conformance`, also when a folder above it is named (`pytest tests`).
    Only the checkout's: a project whose venv sits inside it must not start a target for its
    own tests because the venv holds the suite.
    """
    checkout = (Path(config.rootpath) / "tests" / "conformance").resolve()
    for arg in config.args:
        path = _arg_path(str(arg).split("::", 1)[0], pyargs=bool(config.option.pyargs))
        if path == SUITE_DIR or SUITE_DIR in path.parents:
            return True
        if path == checkout or checkout in path.parents or path in checkout.parents:
            return True
    return False


def _arg_path(arg: str, *, pyargs: bool) -> Path:
    """The file or folder a command-line argument names, as pytest will collect it."""
    if pyargs:
        try:
            spec = importlib.util.find_spec(arg)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            origin = Path(spec.origin)
            return (origin.parent if origin.name == "__init__.py" else origin).resolve()
    return Path(arg).resolve()


def process_rails(config: pytest.Config) -> Rails:
    """This process's gate, made the first time it is needed: by the controller's preflight,
    or by an xdist worker's run context."""
    rails = config.stash.get(RAILS, None)
    if rails is None:
        rails = config.stash[RAILS] = rails_for_run(run_target())
    return rails


def reports_dir(config: pytest.Config) -> Path:
    return chosen_reports_dir(config.getoption("prospecting_reports_dir"), Path(config.rootpath))


def stop_embedded(config: pytest.Config) -> None:
    server = config.stash.get(EMBEDDED, None)
    if server is not None:
        server.stop()
