"""`FakeClock`: time moves only when someone sleeps on it, and every sleep is recorded."""

from __future__ import annotations

from prospecting_conformance.core.clock import FakeClock


def test_time_moves_only_by_sleeping() -> None:
    clock = FakeClock(start=10.0)
    assert clock.now() == 10.0

    clock.sleep(1.5)
    clock.sleep(0.25)

    assert clock.now() == 11.75
    assert clock.sleeps == [1.5, 0.25]


def test_a_negative_sleep_is_recorded_but_never_turns_time_back() -> None:
    clock = FakeClock()

    clock.sleep(-2.0)

    assert clock.now() == 0.0
    assert clock.sleeps == [-2.0]
