"""Time as the suite's waiting code sees it: an injectable clock and sleep, and a fake pair.

The client's pacing and the job poller only read time through these callables, so tests (and
anything else that must not really wait) pass a `FakeClock` and run a minute of polling in
microseconds, with every wait recorded.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Clock", "FakeClock", "Sleep"]

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self, start: float = 0.0) -> None:
        self.now_s = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_s += max(seconds, 0.0)
