"""What the plugin's modules share: the keys they keep on the config, and what run this is.

Each process (the controller, or an xdist worker) keeps its own: the embedded server lives on
the controller only (as does the run controller, under its own key); the run context lives
wherever tests run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prospecting_conformance.run.context import RunContext
from prospecting_conformance.target.embedded import EmbeddedServer
from prospecting_conformance.target.settings import reports_dir as chosen_reports_dir

__all__ = [
    "CONTEXT",
    "CURRENT_TEST",
    "EMBEDDED",
    "is_worker",
    "reports_dir",
    "stop_embedded",
    "uses_target",
]

EMBEDDED = pytest.StashKey[EmbeddedServer]()
CONTEXT = pytest.StashKey[RunContext]()
# The test this process is running, kept apart from the run context: the first test's setup
# runs before the session fixture has made the context (issue 11, case 1).
CURRENT_TEST = pytest.StashKey[str]()


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def uses_target(config: pytest.Config) -> bool:
    """Whether the run includes the conformance tests (unit and selftest runs need no target)."""
    conformance = (Path(config.rootpath) / "tests" / "conformance").resolve()
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0]).resolve()
        if path == conformance or conformance in path.parents or path in conformance.parents:
            return True
    return False


def reports_dir(config: pytest.Config) -> Path:
    return chosen_reports_dir(config.getoption("prospecting_reports_dir"), Path(config.rootpath))


def stop_embedded(config: pytest.Config) -> None:
    server = config.stash.get(EMBEDDED, None)
    if server is not None:
        server.stop()
