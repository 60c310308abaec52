"""The target's weather: the 429s and 5xx the rails retried, reported apart from findings.

A release manager must tell a flaky staging from a broken one. A rare 429 or 502 that a retry
got past is no rule broken; it is the target's weather, counted per operation and status so
that a staging that is often unwell shows as such. What was still failing after the last
attempt is listed too: that response was judged by the rules like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["describe_weather", "weather_summary"]


def weather_summary(weather: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """The summary's `weather` section from a merged recorder's counts."""
    responses: list[dict[str, Any]] = []
    for kind in ("retried", "persisted"):
        for label, count in sorted(weather.get(kind, {}).items()):
            operation, _, status = label.rpartition(" ")
            responses.append(
                {"operation": operation, "status": int(status), "count": count, "kind": kind}
            )
    return {"retries": sum(weather.get("retried", {}).values()), "responses": responses}


def describe_weather(weather: Mapping[str, Any]) -> str:
    """One line for the terminal: how many retries, and what was seen where."""
    parts = [
        f"{r['status']} x{r['count']} on {r['operation']}"
        + (" (still failing after the last attempt)" if r["kind"] == "persisted" else "")
        for r in weather["responses"]
    ]
    return f"{weather['retries']} retries; " + "; ".join(parts)
