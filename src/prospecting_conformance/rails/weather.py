"""The target's weather: the bad moments a healthy API has, retried by the rails and counted.

A 429, or a 500 or 502 (D3 documents all three for every operation), is sent again a bounded
number of times when that is safe; what still fails after the last attempt is the API's
answer, and the rules judge it. `Weather` counts both, by operation and status, so that the
summary can tell a stormy run from a broken API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = ["WEATHER_ATTEMPTS", "WEATHER_BACKOFF_S", "WEATHER_STATUSES", "Weather"]

# A rate limit, an internal or an upstream error. Sent again up to WEATHER_ATTEMPTS times in all.
WEATHER_STATUSES = frozenset({429, 500, 502})
WEATHER_ATTEMPTS = 3
# The first wait after a 500 or 502; it doubles with each attempt (a 429 says its own wait).
WEATHER_BACKOFF_S = 0.25


@dataclass
class Weather:
    """The target's bad moments, by (operation, status): retried, and still there at the end."""

    retried: Counter[tuple[str, int]] = field(default_factory=Counter)
    persisted: Counter[tuple[str, int]] = field(default_factory=Counter)

    def note(self, operation: str, status: int, *, retried: bool) -> None:
        """Count one 429 or 5xx: sent again (`retried`), or the last answer the run got."""
        (self.retried if retried else self.persisted)[(operation, status)] += 1

    def to_dict(self) -> dict[str, dict[str, int]]:
        return {
            "retried": {f"{op} {status}": n for (op, status), n in self.retried.items()},
            "persisted": {f"{op} {status}": n for (op, status), n in self.persisted.items()},
        }
