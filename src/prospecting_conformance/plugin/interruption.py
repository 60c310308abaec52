"""Ctrl-C wired into the run (see run/interruption.py for what the two presses mean).

The first press stops the run after the current test; the second names the jobs that may
still be running and kills the embedded server before the process exits.
"""

from __future__ import annotations

from typing import Protocol

import pytest

from prospecting_conformance.checks.lifecycle import TERMINAL
from prospecting_conformance.plugin.state import CONTEXT, EMBEDDED
from prospecting_conformance.run.interruption import Interruption
from prospecting_conformance.run.record import RunRecord

__all__ = ["Interruptible", "run_interruption"]


class Interruptible(Protocol):
    """What Ctrl-C reads of the run it stops (the controller is one): named here so that
    this module needs nothing of the controller, which installs it."""

    @property
    def config(self) -> pytest.Config: ...

    @property
    def session(self) -> pytest.Session | None: ...

    @property
    def record(self) -> RunRecord | None: ...


def run_interruption(controller: Interruptible) -> Interruption:
    """The run's Ctrl-C handling, installed by the controller until the run ends."""

    def stop_after_this_test() -> None:
        if controller.session is not None:
            controller.session.shouldstop = "interrupted (Ctrl-C)"

    def kill_server() -> None:
        server = controller.config.stash.get(EMBEDDED, None)
        if server is not None:
            server.kill()

    return Interruption(
        lambda: jobs_in_doubt(controller), on_first=stop_after_this_test, on_exit=kill_server
    )


def jobs_in_doubt(controller: Interruptible) -> list[str]:
    """Jobs the run saw and never saw end (a second Ctrl-C leaves them to an operator)."""
    if controller.record is not None:
        jobs = controller.record.jobs
    else:
        context = controller.config.stash.get(CONTEXT, None)
        if context is None:
            return ["unknown (the workers of an xdist run track them)"]
        jobs = context.recorder.jobs
    return [
        f"{job_id} ({job.account_group_id})"
        for job_id, job in sorted(jobs.items())
        if job.status not in TERMINAL
    ]
