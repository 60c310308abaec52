"""The target's weather: which answers are its bad moments, and how the run counts them.

A 429, a 500 and a 502 are what the docs list for a healthy API's bad moments (D3): the rails
send them again and `Weather` counts each, either as retried or as the answer the run was
left with, so that the summary can tell a stormy run from a broken API.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.rails.weather import WEATHER_STATUSES, Weather

GET_JOB = "getProspectingJob"
LIST = "listSalesNavigatorSavedSearches"


@pytest.mark.parametrize(
    ("status", "weather"),
    [
        pytest.param(429, True, id="429-rate-limited-is-weather"),
        pytest.param(500, True, id="500-internal-error-is-weather"),
        pytest.param(502, True, id="502-upstream-error-is-weather"),
        pytest.param(200, False, id="200-is-an-answer"),
        pytest.param(404, False, id="404-is-an-answer"),
        pytest.param(501, False, id="501-not-documented-as-weather"),
        pytest.param(503, False, id="503-not-documented-as-weather"),
        pytest.param(504, False, id="504-not-documented-as-weather"),
    ],
)
def test_only_the_documented_bad_moments_are_weather(status: int, weather: bool) -> None:
    assert (status in WEATHER_STATUSES) is weather


@pytest.mark.parametrize(
    ("notes", "retried", "persisted"),
    [
        pytest.param([], {}, {}, id="a-calm-run-counts-nothing"),
        pytest.param(
            [(GET_JOB, 502, True), (GET_JOB, 502, True)],
            {(GET_JOB, 502): 2},
            {},
            id="sent-again-and-then-answered",
        ),
        pytest.param(
            [(GET_JOB, 502, True), (GET_JOB, 502, True), (GET_JOB, 502, False)],
            {(GET_JOB, 502): 2},
            {(GET_JOB, 502): 1},
            id="still-there-after-the-last-attempt",
        ),
        pytest.param(
            [(GET_JOB, 429, True), (GET_JOB, 500, True), (LIST, 429, False)],
            {(GET_JOB, 429): 1, (GET_JOB, 500): 1},
            {(LIST, 429): 1},
            id="counted-apart-by-operation-and-status",
        ),
    ],
)
def test_each_bad_moment_is_counted_as_retried_or_persisted(
    notes: list[tuple[str, int, bool]],
    retried: dict[tuple[str, int], int],
    persisted: dict[tuple[str, int], int],
) -> None:
    weather = Weather()

    for operation, status, again in notes:
        weather.note(operation, status, retried=again)

    assert (weather.retried, weather.persisted) == (retried, persisted)


def test_the_summary_reads_the_counts_by_operation_and_status() -> None:
    weather = Weather()
    weather.note(GET_JOB, 502, retried=True)
    weather.note(GET_JOB, 502, retried=True)
    weather.note(LIST, 429, retried=False)

    assert weather.to_dict() == {
        "retries": 2,
        "responses": [
            {"operation": GET_JOB, "status": 502, "count": 2, "kind": "retried"},
            {"operation": LIST, "status": 429, "count": 1, "kind": "persisted"},
        ],
    }


def weather_of(*notes: tuple[str, int, bool]) -> Weather:
    weather = Weather()
    for operation, status, again in notes:
        weather.note(operation, status, retried=again)
    return weather


@pytest.mark.parametrize(
    "weather",
    [
        pytest.param(Weather(), id="fair-weather"),
        pytest.param(weather_of((LIST, 429, False)), id="persisted-only"),
        pytest.param(
            weather_of((GET_JOB, 429, True), (GET_JOB, 502, True), (LIST, 502, False)),
            id="both-kinds",
        ),
        pytest.param(weather_of(("get prospect by id", 503, True)), id="spaces-in-the-operation"),
    ],
)
def test_the_weather_reads_back_as_it_was_written(weather: Weather) -> None:
    assert Weather.from_dict(weather.to_dict()) == weather


def test_the_responses_are_listed_by_kind_then_operation_and_status() -> None:
    weather = weather_of((LIST, 429, True), (GET_JOB, 502, True), (GET_JOB, 429, True))

    listed = [(r["operation"], r["status"]) for r in weather.to_dict()["responses"]]

    assert listed == [(GET_JOB, 429), (GET_JOB, 502), (LIST, 429)]


def test_weather_from_several_processes_adds_up() -> None:
    merged = weather_of((GET_JOB, 429, True))

    merged.add(weather_of((GET_JOB, 429, True), (LIST, 502, False)))

    assert merged == weather_of((GET_JOB, 429, True), (GET_JOB, 429, True), (LIST, 502, False))


@pytest.mark.parametrize(
    ("weather", "line"),
    [
        pytest.param(
            weather_of(*[(GET_JOB, 429, True)] * 3),
            "3 retries; 429 x3 on getProspectingJob",
            id="retried",
        ),
        pytest.param(
            weather_of((GET_JOB, 429, False)),
            "0 retries; 429 x1 on getProspectingJob (still failing after the last attempt)",
            id="persisted-is-said-to-be-still-failing",
        ),
        pytest.param(
            weather_of(*[(GET_JOB, 429, True)] * 3, ("startProspectingJob", 502, True)),
            "4 retries; 429 x3 on getProspectingJob; 502 x1 on startProspectingJob",
            id="responses-in-order-separated-by-semicolons",
        ),
    ],
)
def test_the_weather_in_one_line_for_the_terminal(weather: Weather, line: str) -> None:
    assert weather.describe() == line


def test_weather_is_counted_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    weather = Weather()

    weather.note(GET_JOB, 502, retried=True)
    weather.note(GET_JOB, 502, retried=False)

    assert weather.retried == {(GET_JOB, 502): 1}
    assert weather.persisted == {(GET_JOB, 502): 1}
    # The counts reach the summary; a line per 5xx on stderr would only be noise in CI logs.
    assert capsys.readouterr() == ("", "")
