"""Observed: one response as every validator sees it, built the same from httpx or raw values."""

from __future__ import annotations

import json

import httpx
import pytest

from prospecting_conformance.core.observed import NOT_JSON, Observed
from prospecting_conformance.core.redaction import Redactor

KEY = "sk_live_all_0123456789abcdef"
URL = "https://api.test/v1/accounts/ag-1/sales-navigator/saved-searches"


def from_httpx(status: int, **kwargs: object) -> Observed:
    request = httpx.Request("GET", URL, headers={"X-API-Key": KEY})
    response = httpx.Response(status, request=request, **kwargs)  # type: ignore[arg-type]
    return Observed.from_httpx(
        response, "listSalesNavigatorSavedSearches", Redactor({"PROSPECTING_KEY_ALL": KEY})
    )


def test_an_httpx_response_becomes_an_observed_with_a_redacted_exchange() -> None:
    body = {"success": True, "data": {"items": []}, "error": None, "traceId": "t-1"}

    observed = from_httpx(200, json=body, headers={"X-Trace": "a"})

    assert (observed.method, observed.url, observed.status) == ("GET", URL, 200)
    assert observed.json == body
    assert observed.trace_id == "t-1"
    assert observed.header("X-TRACE") == observed.headers["x-trace"] == "a"
    assert observed.media_type == "application/json"
    assert observed.exchange.request_headers["x-api-key"] == "$PROSPECTING_KEY_ALL"
    assert observed.exchange.status == 200
    assert KEY not in repr(observed)


@pytest.mark.parametrize(
    ("text", "is_json", "parsed"),
    [
        pytest.param("null", True, None, id="json-null-is-json"),
        pytest.param("[1]", True, [1], id="json-array"),
        pytest.param("", False, NOT_JSON, id="empty-body-is-not-json"),
        pytest.param("<html></html>", False, NOT_JSON, id="html-is-not-json"),
        pytest.param('{"a": ', False, NOT_JSON, id="truncated-json"),
    ],
)
def test_a_json_null_body_is_told_apart_from_a_body_that_is_not_json(
    text: str, is_json: bool, parsed: object
) -> None:
    observed = Observed.build("op", "get", URL, 200, {}, text)

    assert (observed.is_json, observed.json) == (is_json, parsed)
    assert observed.body is None
    assert observed.trace_id is None


def test_a_non_string_trace_id_is_not_a_trace_id() -> None:
    observed = Observed.build("op", "GET", URL, 500, {}, '{"traceId": 42}')

    assert observed.trace_id is None


def test_a_finding_about_a_response_carries_its_operation_status_and_trace_id() -> None:
    observed = from_httpx(403, json={"traceId": "t-403"})

    finding = observed.finding("A3", "Received 403; expected 200.", provenance="inferred")

    assert (finding.rule, finding.operation, finding.status, finding.trace_id) == (
        "A3",
        "listSalesNavigatorSavedSearches",
        403,
        "t-403",
    )
    assert finding.exchange is observed.exchange
    assert finding.provenance == "inferred"


def test_a_key_echoed_in_the_body_is_redacted_in_the_exchange_and_trace_id() -> None:
    observed = from_httpx(401, json={"traceId": f"bad key {KEY}"})

    assert observed.trace_id == "bad key $PROSPECTING_KEY_ALL"
    assert KEY not in (observed.exchange.response_body or "")


@pytest.mark.parametrize(
    ("status", "text", "data"),
    [
        pytest.param(200, '{"data": {"id": "j-1"}}', {"id": "j-1"}, id="a 2xx envelope's data"),
        pytest.param(202, '{"data": {"id": "j-1"}}', {"id": "j-1"}, id="a 202 carries its job"),
        pytest.param(404, '{"data": {"id": "j-1"}}', None, id="an error answer has no data"),
        pytest.param(200, '{"data": null}', None, id="null data"),
        pytest.param(200, '{"data": [1]}', None, id="data that is not an object"),
        pytest.param(200, "[1]", None, id="a body that is not an object"),
        pytest.param(200, "<html>", None, id="a body that is not JSON"),
    ],
)
def test_data_is_the_object_a_2xx_envelope_carries(
    status: int, text: str, data: dict[str, str] | None
) -> None:
    assert Observed.build("op", "GET", URL, status, {}, text).data == data


@pytest.mark.parametrize(
    ("pointer", "member"),
    [
        pytest.param("/data/id", "j-1", id="an-object-member"),
        pytest.param("/data/items/1/id", "b", id="an-array-item"),
        pytest.param("/data/a~1b", "slash", id="an-escaped-slash"),
        pytest.param("/data/items/7/id", None, id="past-the-end"),
        pytest.param("/data/id/deeper", None, id="below-a-string"),
        pytest.param("/error/code", None, id="through-a-null"),
    ],
)
def test_member_reads_a_json_pointer_of_the_body(pointer: str, member: object) -> None:
    body = {
        "success": True,
        "data": {"id": "j-1", "items": [{"id": "a"}, {"id": "b"}], "a/b": "slash"},
        "error": None,
        "traceId": "t",
    }

    assert Observed.build("op", "GET", URL, 200, {}, json.dumps(body)).member(pointer) == member
