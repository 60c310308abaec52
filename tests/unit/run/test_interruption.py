"""Ctrl-C: the first stops the run gently, the second at once.

The handler is called directly, as the signal module would call it; os._exit and the
terminal line are caught, so nothing here sends a real signal or leaves the test process.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable

import pytest

from prospecting_conformance.run.interruption import Interruption


class Exited(BaseException):
    """What the fake os._exit raises instead of ending the test process."""

    def __init__(self, status: int) -> None:
        self.status = status


@pytest.fixture
def exits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The statuses os._exit was called with; the call raises Exited instead of exiting."""
    statuses: list[int] = []

    def fake_exit(status: int) -> None:
        statuses.append(status)
        raise Exited(status)

    monkeypatch.setattr(os, "_exit", fake_exit)
    return statuses


def ctrl_c(interruption: Interruption) -> None:
    interruption._handle(signal.SIGINT, None)


def test_the_first_ctrl_c_raises_keyboard_interrupt_and_asks_for_a_gentle_stop(
    exits: list[int],
) -> None:
    asked: list[str] = []
    interruption = Interruption(lambda: ["job-1"], on_first=lambda: asked.append("stop"))

    with pytest.raises(KeyboardInterrupt):
        ctrl_c(interruption)

    assert interruption.interrupted
    assert asked == ["stop"]
    assert exits == []


@pytest.mark.parametrize(
    ("jobs", "shown"),
    [
        pytest.param(["job-1 (ag-1)", "job-2 (ag-1)"], "job-1 (ag-1), job-2 (ag-1)", id="jobs"),
        pytest.param([], "none known", id="no-jobs-known"),
    ],
)
def test_the_second_ctrl_c_names_the_jobs_in_doubt_and_exits_130(
    exits: list[int], capfd: pytest.CaptureFixture[str], jobs: list[str], shown: str
) -> None:
    # Given a run already stopping after a first Ctrl-C
    left: list[str] = []
    interruption = Interruption(lambda: jobs, on_exit=lambda: left.append("flushed"))
    with pytest.raises(KeyboardInterrupt):
        ctrl_c(interruption)

    # When Ctrl-C comes again
    with pytest.raises(Exited):
        ctrl_c(interruption)

    # Then one line on stderr names the jobs, and the process exits 130 at once
    assert capfd.readouterr().err == (
        f"\ninterrupted again: exiting now; jobs that may still be running: {shown}\n"
    )
    assert (left, exits) == (["flushed"], [130])


def _broken() -> list[str]:
    raise RuntimeError("broken")


def _no_jobs() -> list[str]:
    return []


@pytest.mark.parametrize(
    ("jobs_in_doubt", "on_exit"),
    [
        pytest.param(_broken, lambda: None, id="listing-the-jobs-fails"),
        pytest.param(_no_jobs, _broken, id="the-exit-hook-fails"),
    ],
)
def test_the_second_ctrl_c_exits_130_even_when_what_runs_before_fails(
    exits: list[int], jobs_in_doubt: Callable[[], list[str]], on_exit: Callable[[], object]
) -> None:
    interruption = Interruption(jobs_in_doubt, on_exit=on_exit)
    with pytest.raises(KeyboardInterrupt):
        ctrl_c(interruption)

    with pytest.raises(Exited):
        ctrl_c(interruption)

    assert exits == [130]


def test_installed_it_owns_sigint_and_uninstalled_gives_it_back() -> None:
    before = signal.getsignal(signal.SIGINT)
    interruption = Interruption(list)

    interruption.install()
    try:
        assert signal.getsignal(signal.SIGINT) == interruption._handle
    finally:
        interruption.uninstall()

    assert signal.getsignal(signal.SIGINT) == before


def test_off_the_main_thread_it_leaves_sigint_alone() -> None:
    before = signal.getsignal(signal.SIGINT)
    interruption = Interruption(list)

    thread = threading.Thread(target=interruption.install)
    thread.start()
    thread.join()

    assert signal.getsignal(signal.SIGINT) == before
    interruption.uninstall()
    assert signal.getsignal(signal.SIGINT) == before
