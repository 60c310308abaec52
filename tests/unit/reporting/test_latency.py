"""Latency per operation: count, p50, p95 and max in ms, and the change since a baseline."""

from __future__ import annotations

import pytest

from prospecting_conformance.reporting.latency import (
    Latency,
    OperationLatency,
    describe_latency,
    latency_summary,
)

HUNDRED = [("get", n / 1000) for n in range(1, 101)]  # 1 ms to 100 ms


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        pytest.param([], (), id="no-response"),
        pytest.param(
            [("get", 0.012)], (OperationLatency("get", 1, 12.0, 12.0, 12.0),), id="one-response"
        ),
        pytest.param(HUNDRED, (OperationLatency("get", 100, 50.5, 95.0, 100.0),), id="hundred"),
        pytest.param(
            [("start", 0.002), ("get", 0.001), ("start", 0.004)],
            (
                OperationLatency("get", 1, 1.0, 1.0, 1.0),
                OperationLatency("start", 2, 3.0, 3.9, 4.0),
            ),
            id="by-operation-in-name-order",
        ),
    ],
)
def test_each_operations_latency(
    samples: list[tuple[str, float]], expected: tuple[OperationLatency, ...]
) -> None:
    assert latency_summary(samples).operations == expected


def test_the_change_since_a_baseline_that_recorded_the_operation() -> None:
    now = latency_summary([("get", 0.010), ("start", 0.020)])
    recorded = {"get": {"p50Ms": 4.0, "p95Ms": 12.5}}

    changed = now.since(recorded)

    assert [(o.p50_change_ms, o.p95_change_ms) for o in changed.operations] == [
        (6.0, -2.5),
        (None, None),
    ]
    assert describe_latency(changed) == [
        "get: 1 responses, p50 10 ms, p95 10 ms, max 10 ms "
        "(since the baseline: p50 +6 ms, p95 -2.5 ms)",
        "start: 1 responses, p50 20 ms, p95 20 ms, max 20 ms",
    ]


def test_what_a_baseline_records_is_what_since_reads() -> None:
    latency = latency_summary(HUNDRED)

    again = latency.since(latency.recorded())

    assert [(o.p50_change_ms, o.p95_change_ms) for o in again.operations] == [(0.0, 0.0)]
    assert Latency.from_dict(again.to_dict()) == again
