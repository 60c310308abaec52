"""The request quota of the low-quota demo key: a fixed window, and a 429 once it is spent.

The answer is the Retry-After in whole seconds, rounded up, so that a client waiting exactly
that long always gets through (I12).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from prospecting_conformance.reference.faults import ActiveFaults
from prospecting_conformance.reference.settings import ReferenceSettings

__all__ = ["Quotas"]


@dataclass
class _Window:
    start: float
    used: int = 0


class Quotas:
    """One window per key, under its own lock (no other state shares a change with it)."""

    def __init__(self, settings: ReferenceSettings, faults: ActiveFaults) -> None:
        self.settings = settings
        self.faults = faults
        self._lock = threading.Lock()
        self._windows: dict[str, _Window] = {}

    def retry_after(self, key: str) -> int | None:
        """Count a request of a low-quota key: None when allowed, else whole seconds to wait."""
        if "rate_limit_not_enforced" in self.faults:
            return None
        settings = self.settings
        with self._lock:
            now = settings.clock()
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = _Window(start=now)
            window_end = window.start + settings.low_quota_window_seconds
            if now >= window_end:
                window.start, window.used = now, 0
                window_end = now + settings.low_quota_window_seconds
            if window.used < settings.low_quota_requests:
                window.used += 1
                return None
            return max(1, math.ceil(window_end - now))
