"""The target's weather: the rails' retry counts become the summary's section and one line.

A 429 a retry got past is weather, not a finding; one still there after the last attempt is
said so, since the rules judged that response.
"""

from __future__ import annotations

from collections import Counter

import pytest

from prospecting_conformance.reporting.weather import (
    Weather,
    WeatherResponse,
    describe_weather,
    weather_summary,
)

RETRIED_429 = WeatherResponse("getProspectingJob", 429, 3, "retried")
RETRIED_502 = WeatherResponse("startProspectingJob", 502, 1, "retried")
PERSISTED_429 = WeatherResponse("getProspectingJob", 429, 1, "persisted")


def test_the_weather_counts_become_the_summarys_weather() -> None:
    counts = {
        "retried": Counter({"getProspectingJob 429": 3, "startProspectingJob 502": 1}),
        "persisted": Counter({"getProspectingJob 429": 1}),
    }

    assert weather_summary(counts) == Weather(4, (RETRIED_429, RETRIED_502, PERSISTED_429))


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        pytest.param({}, Weather(0, ()), id="no-counts-is-fair-weather"),
        pytest.param(
            {"retried": Counter(), "persisted": Counter({"getProspectingJob 429": 1})},
            Weather(0, (PERSISTED_429,)),
            id="persisted-only-counts-no-retries",
        ),
        pytest.param(
            {"retried": Counter({"startProspectingJob 502": 1, "getProspectingJob 429": 3})},
            Weather(4, (RETRIED_429, RETRIED_502)),
            id="responses-sorted-by-operation-and-status",
        ),
        pytest.param(
            {"retried": Counter({"get prospect by id 503": 2})},
            Weather(2, (WeatherResponse("get prospect by id", 503, 2, "retried"),)),
            id="status-is-the-last-word-of-the-label",
        ),
    ],
)
def test_what_the_weather_counts(counts: dict[str, Counter[str]], expected: Weather) -> None:
    assert weather_summary(counts) == expected


@pytest.mark.parametrize(
    ("weather", "line"),
    [
        pytest.param(
            Weather(3, (RETRIED_429,)), "3 retries; 429 x3 on getProspectingJob", id="retried"
        ),
        pytest.param(
            Weather(0, (PERSISTED_429,)),
            "0 retries; 429 x1 on getProspectingJob (still failing after the last attempt)",
            id="persisted-is-said-to-be-still-failing",
        ),
        pytest.param(
            Weather(4, (RETRIED_429, RETRIED_502)),
            "4 retries; 429 x3 on getProspectingJob; 502 x1 on startProspectingJob",
            id="responses-in-order-separated-by-semicolons",
        ),
    ],
)
def test_the_weather_in_one_line_for_the_terminal(weather: Weather, line: str) -> None:
    assert describe_weather(weather) == line


def test_the_weather_reads_back_from_its_json() -> None:
    weather = Weather(4, (RETRIED_429, RETRIED_502, PERSISTED_429))

    assert Weather.from_dict(weather.to_dict()) == weather
