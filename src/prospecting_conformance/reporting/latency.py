"""How fast the target answered, per operation: count, p50, p95 and max, beside the weather.

A release manager compares a release candidate's staging with the last one: a conformant API
that got five times slower is news too. The latency is the time from the request leaving to
the response's headers (rails/wire.py times it), without the rails' own waits. A baseline
written from a run keeps each operation's p50 and p95, and a run with that baseline reports
the change since.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

__all__ = ["Latency", "OperationLatency", "describe_latency", "latency_summary"]


@dataclass(frozen=True)
class OperationLatency:
    """One operation's response times, in milliseconds."""

    operation: str
    count: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    # Against the baseline's p50 and p95, when it recorded this operation.
    p50_change_ms: float | None = None
    p95_change_ms: float | None = None


@dataclass(frozen=True)
class Latency:
    """The summary's `latency` section."""

    operations: tuple[OperationLatency, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"operations": [asdict(o) for o in self.operations]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Latency:
        return cls(tuple(OperationLatency(**o) for o in data["operations"]))

    def recorded(self) -> dict[str, dict[str, float]]:
        """What a baseline keeps: each operation's p50 and p95."""
        return {o.operation: {"p50Ms": o.p50_ms, "p95Ms": o.p95_ms} for o in self.operations}

    def since(self, recorded: Mapping[str, Mapping[str, float]]) -> Latency:
        """This latency with the change since a baseline's `recorded()`."""
        return Latency(
            tuple(
                replace(
                    o,
                    p50_change_ms=_ms(o.p50_ms - recorded[o.operation]["p50Ms"]),
                    p95_change_ms=_ms(o.p95_ms - recorded[o.operation]["p95Ms"]),
                )
                if o.operation in recorded
                else o
                for o in self.operations
            )
        )


def latency_summary(samples: Iterable[tuple[str, float]]) -> Latency:
    """The latency of (operation, seconds) samples."""
    by_operation: dict[str, list[float]] = {}
    for operation, seconds in samples:
        by_operation.setdefault(operation, []).append(seconds * 1000)
    return Latency(tuple(_operation(op, ms) for op, ms in sorted(by_operation.items())))


def _operation(operation: str, ms: list[float]) -> OperationLatency:
    # Inclusive: percentiles within what was observed, also for a handful of samples.
    cuts = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return OperationLatency(operation, len(ms), _ms(cuts[49]), _ms(cuts[94]), _ms(max(ms)))


def _ms(value: float) -> float:
    return round(value, 1)


def describe_latency(latency: Latency) -> list[str]:
    """One line per operation for the terminal, with the change since the baseline if known."""
    return [
        f"{o.operation}: {o.count} responses, p50 {o.p50_ms:g} ms, p95 {o.p95_ms:g} ms, "
        f"max {o.max_ms:g} ms" + _change(o)
        for o in latency.operations
    ]


def _change(o: OperationLatency) -> str:
    if o.p50_change_ms is None or o.p95_change_ms is None:
        return ""
    return f" (since the baseline: p50 {o.p50_change_ms:+g} ms, p95 {o.p95_change_ms:+g} ms)"
