"""The target's weather: the bad moments a healthy API has, retried by the rails and counted.

A 500 or 502 (D3 documents both for every operation) is sent again a bounded number of times
when that is safe; what still fails after the last attempt is the API's answer, and the rules
judge it. A 429 is different: it says how long to wait, and waiting is the conformant answer
to it however often it comes (docs/contract.md §4), so it is sent again by time, for as long as the
run's budget and `RATE_LIMIT_PATIENCE_S` allow; past them the run is incomplete, never failed.
`Weather` counts both, by operation and status, so that the summary can tell a stormy run
from a broken API.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

__all__ = [
    "RATE_LIMIT_PATIENCE_S",
    "WEATHER_ATTEMPTS",
    "WEATHER_BACKOFF_S",
    "WEATHER_STATUSES",
    "Weather",
]

# A rate limit, an internal or an upstream error.
WEATHER_STATUSES = frozenset({429, 500, 502})
# A 500 or 502 is sent up to this many times in all: it names no wait, and one that persists
# is the API's answer.
WEATHER_ATTEMPTS = 3
# The longest one request waits on a target that keeps answering it 429, Retry-After honoured
# every time. Two minutes: the coarsest common limiter window is a minute, so a target still
# refusing after two has not had a burst but has no quota left for this run, and a CI job
# that waits on it longer only hangs. A single Retry-After longer than this (an hourly or
# daily quota) is not waited out at all. Either way the run stops, INCOMPLETE.
RATE_LIMIT_PATIENCE_S = 120.0
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
