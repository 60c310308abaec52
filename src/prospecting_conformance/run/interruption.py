"""Ctrl-C during a run: the first stops it gently, the second at once.

The first Ctrl-C raises KeyboardInterrupt as Python always does, and also asks pytest to stop
after the current test (in case a layer below, such as schemathesis' engine, catches the
interrupt itself). The run then settles the jobs it started and writes its reports with the
verdict INTERRUPTED. A second Ctrl-C means "now": one line naming the jobs that may still be
running (an operator has to deal with them), and exit 130 without a traceback.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

from prospecting_conformance.run.verdict import EXIT_INTERRUPTED

__all__ = ["Interruption"]


class Interruption:
    """Owns SIGINT for the run's main process while it is installed."""

    def __init__(
        self,
        jobs_in_doubt: Callable[[], list[str]],
        on_first: Callable[[], None] = lambda: None,
        on_exit: Callable[[], None] = lambda: None,
    ) -> None:
        self._jobs_in_doubt = jobs_in_doubt
        self._on_first = on_first
        self._on_exit = on_exit
        self.interrupted = False
        self._previous: object = None

    def install(self) -> None:
        # Signal handlers belong to the main thread; elsewhere Python's default stays.
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)

    def uninstall(self) -> None:
        if self._previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]
            self._previous = None

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if not self.interrupted:
            self.interrupted = True
            self._on_first()
            raise KeyboardInterrupt
        try:
            jobs = self._jobs_in_doubt()
            shown = ", ".join(jobs) if jobs else "none known"
            # On its own line, whatever the terminal was in the middle of writing.
            line = f"\ninterrupted again: exiting now; jobs that may still be running: {shown}\n"
            os.write(2, line.encode())
            self._on_exit()
        finally:
            # Past this point nothing may run: no cleanup, no traceback, no other status.
            os._exit(EXIT_INTERRUPTED)
