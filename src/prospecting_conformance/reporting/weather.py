"""The target's weather: the 429s and 5xx the rails retried, reported apart from findings.

A release manager must tell a flaky staging from a broken one. A rare 429 or 502 that a retry
got past is no rule broken; it is the target's weather, counted per operation and status so
that a staging that is often unwell shows as such. What was still failing after the last
attempt is listed too: that response was judged by the rules like any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["Weather", "WeatherResponse", "describe_weather", "weather_summary"]

# retried: a retry got past it; persisted: still there after the last attempt.
Kind = Literal["retried", "persisted"]
KINDS: tuple[Kind, ...] = ("retried", "persisted")


@dataclass(frozen=True)
class WeatherResponse:
    """How many responses of one status one operation got, and whether a retry got past them."""

    operation: str
    status: int
    count: int
    kind: Kind


@dataclass(frozen=True)
class Weather:
    """The summary's `weather` section."""

    retries: int = 0
    responses: tuple[WeatherResponse, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"retries": self.retries, "responses": [asdict(r) for r in self.responses]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weather:
        return cls(data["retries"], tuple(WeatherResponse(**r) for r in data["responses"]))


def weather_summary(weather: Mapping[str, Mapping[str, int]]) -> Weather:
    """The weather from a merged record's counts ("operation status" -> responses, by kind)."""
    responses: list[WeatherResponse] = []
    for kind in KINDS:
        for label, count in sorted(weather.get(kind, {}).items()):
            operation, _, status = label.rpartition(" ")
            responses.append(WeatherResponse(operation, int(status), count, kind))
    return Weather(sum(weather.get("retried", {}).values()), tuple(responses))


def describe_weather(weather: Weather) -> str:
    """One line for the terminal: how many retries, and what was seen where."""
    parts = [
        f"{r.status} x{r.count} on {r.operation}"
        + (" (still failing after the last attempt)" if r.kind == "persisted" else "")
        for r in weather.responses
    ]
    return f"{weather.retries} retries; " + "; ".join(parts)
