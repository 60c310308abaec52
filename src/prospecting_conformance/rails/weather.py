"""The target's weather: the bad moments a healthy API has, retried by the rails and counted.

A kept-alive connection dropped as a request leaves on it is sent again once, on a new
connection, and counted under status `DROPPED` (0).

A 500 or 502 (D3 documents both for every operation) is sent again a bounded number of times
when that is safe; what still fails after the last attempt is the API's answer, and the rules
judge it. A 429 is different: it says how long to wait, and waiting is the conformant answer
to it however often it comes (docs/contract.md §4), so it is sent again by time, for as long as the
run's budget and `RATE_LIMIT_PATIENCE_S` allow; past them the run is incomplete, never failed.
`Weather` counts both, by operation and status, so that the summary can tell a stormy run
from a broken API: a release manager must tell a flaky staging from a broken one. The same
value goes from the rails to the worker's record, the controller's merge, the summary and the
terminal line; `to_dict` is the summary's `weather` section, and the hand-off's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DROPPED",
    "DROP_ATTEMPTS",
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
# The status a connection dropped before its answer is counted under (HAR writes a response
# that never came as 0 too).
DROPPED = 0
# A request whose connection is dropped before the answer is sent this many times in all: a
# kept-alive connection that the target, or a load balancer's idle timeout, closes as the
# request leaves is a race any client that reuses connections loses now and then (RFC 9112
# §9.3), and a new connection wins it; dropped twice in a row is the target's answer (T1).
DROP_ATTEMPTS = 2
# The first wait after a 500 or 502; it doubles with each attempt (a 429 says its own wait).
WEATHER_BACKOFF_S = 0.25


# retried: a retry got past it; persisted: still there after the last attempt (and judged).
Kind = Literal["retried", "persisted"]


@dataclass
class Weather:
    """The target's bad moments, by (operation, status): retried, and still there at the end."""

    retried: Counter[tuple[str, int]] = field(default_factory=Counter)
    persisted: Counter[tuple[str, int]] = field(default_factory=Counter)

    def note(self, operation: str, status: int, *, retried: bool) -> None:
        """Count one 429 or 5xx: sent again (`retried`), or the last answer the run got."""
        (self.retried if retried else self.persisted)[(operation, status)] += 1

    def add(self, other: Weather) -> None:
        """Count `other`, the weather another process or phase met, into this one."""
        self.retried.update(other.retried)
        self.persisted.update(other.persisted)

    @property
    def retries(self) -> int:
        return sum(self.retried.values())

    def _responses(self) -> list[tuple[str, int, int, Kind]]:
        """(operation, status, count, kind): the retried first, each kind by operation and
        status."""
        kinds: tuple[tuple[Kind, Counter[tuple[str, int]]], ...] = (
            ("retried", self.retried),
            ("persisted", self.persisted),
        )
        return [
            (operation, status, count, kind)
            for kind, counts in kinds
            for (operation, status), count in sorted(counts.items())
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "retries": self.retries,
            "responses": [
                {"operation": operation, "status": status, "count": count, "kind": kind}
                for operation, status, count, kind in self._responses()
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weather:
        weather = cls()
        for response in data["responses"]:
            counts = weather.retried if response["kind"] == "retried" else weather.persisted
            counts[(response["operation"], response["status"])] += response["count"]
        return weather

    def describe(self) -> str:
        """One line for the terminal: how many retries, and what was seen where."""
        parts = [
            f"{'dropped connection' if status == DROPPED else status} x{count} on {operation}"
            + (" (still failing after the last attempt)" if kind == "persisted" else "")
            for operation, status, count, kind in self._responses()
        ]
        return f"{self.retries} retries; " + "; ".join(parts)
