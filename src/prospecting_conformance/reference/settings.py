"""How the reference server's jobs and quotas behave: timings, sizes, the clock, the id format."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ReferenceSettings", "hex_id"]


def hex_id(number: int) -> str:
    """The reference server's own id format: 24 hex digits, like the docs' examples."""
    return f"{number:024x}"


@dataclass(frozen=True)
class ReferenceSettings:
    """Job timings and quotas; the defaults keep a quick conformance run quick."""

    queued_seconds: float = 0.05
    running_seconds: float = 0.3
    fast_total: int = 5
    slow_running_seconds: float = 30.0
    slow_total: int = 300
    failing_after_seconds: float = 0.2
    failing_total: int = 20
    low_quota_requests: int = 3
    low_quota_window_seconds: float = 1.0
    clock: Callable[[], float] = field(default=time.monotonic, compare=False, repr=False)
    # How job and prospect ids are written (a conformant variation makes them UUIDs).
    id_format: Callable[[int], str] = field(default=hex_id, compare=False, repr=False)
