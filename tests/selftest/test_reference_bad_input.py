"""Hypothesis throws bad input at the clean reference server: never a 500, always the envelope.

Bodies, headers, methods and path values are generated; whatever arrives, the answer must be a
non-5xx response whose body is the error or success envelope with a fresh 24-hex traceId
(S3, E1, I12). Schemathesis covers the spec's shapes; this covers what lies outside them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prospecting_conformance.reference import ReferenceServer, seed
from prospecting_conformance.spec.model import load_spec

TRACE_ID = re.compile(r"[0-9a-f]{24}")
PRIMARY = seed.PRIMARY_ACCOUNT_GROUP_ID
OPERATIONS = sorted(load_spec().operations.values(), key=lambda op: op.operation_id)
SEARCH_IDS = [s.id for s in seed.SAVED_SEARCHES[PRIMARY]]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"]

# Printable ASCII without surrounding blanks: what an HTTP client can send as a header value.
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60).map(
    str.strip
)
keys = st.one_of(st.sampled_from(sorted(seed.DEMO_KEYS.keys() - {seed.KEY_LOW_QUOTA})), header_text)
content_types = st.one_of(
    st.sampled_from(
        ["application/json", "application/json; charset=utf-8", "text/plain", "APPLICATION/JSON"]
    ),
    header_text,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
start_bodies = st.fixed_dictionaries(
    {},
    optional={
        "source": st.one_of(st.just("sales_navigator"), json_values),
        "savedSearchId": st.one_of(st.sampled_from(SEARCH_IDS), json_values),
        "extra": json_values,
    },
)
bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    start_bodies.map(lambda v: json.dumps(v).encode()),
)
path_values = st.one_of(
    st.sampled_from([PRIMARY, seed.FOREIGN_ACCOUNT_GROUP_ID, seed.PROVIDER_ID, *SEARCH_IDS]),
    st.text(min_size=1, max_size=40),
)

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with ReferenceServer() as server, httpx.Client(base_url=server.base_url, timeout=10) as c:
        yield c


def _assert_enveloped(response: httpx.Response) -> None:
    request = response.request
    assert response.status_code < 500, f"{request.method} {request.url}: {response.text}"
    assert response.headers["content-type"] == "application/json"
    if request.method == "HEAD":
        return
    body: Any = response.json()
    assert isinstance(body, dict)
    assert set(body) == {"success", "data", "error", "traceId"}
    assert TRACE_ID.fullmatch(body["traceId"])
    assert body["success"] is (response.status_code < 300)
    if not body["success"]:
        assert body["data"] is None
        assert isinstance(body["error"]["code"], str)
        assert body["error"]["code"]
    if response.status_code == 405:
        assert response.headers["allow"]


def _fill(path: str, values: list[str]) -> str:
    for name, value in zip(re.findall(r"\{[^}]+\}", path), values, strict=False):
        path = path.replace(name, quote(value, safe=""), 1)
    return path


@SETTINGS
@given(
    operation=st.sampled_from(OPERATIONS),
    body=bodies,
    content_type=content_types,
    key=keys,
)
def test_posted_bodies_never_500(
    client: httpx.Client, operation: Any, body: bytes, content_type: str, key: str
) -> None:
    path = _fill(operation.path, [PRIMARY, "f" * 24])
    headers = {"X-API-Key": key, "Content-Type": content_type}
    _assert_enveloped(client.request("POST", path, content=body, headers=headers))


@SETTINGS
@given(
    operation=st.sampled_from(OPERATIONS),
    method=st.sampled_from(METHODS),
    values=st.lists(path_values, min_size=2, max_size=2),
    key=keys,
)
def test_path_values_and_methods_never_500(
    client: httpx.Client, operation: Any, method: str, values: list[str], key: str
) -> None:
    path = _fill(operation.path, values)
    _assert_enveloped(client.request(method, path, headers={"X-API-Key": key}))


@SETTINGS
@given(
    path=st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=60),
    method=st.sampled_from(METHODS),
)
def test_unknown_routes_are_enveloped(client: httpx.Client, path: str, method: str) -> None:
    _assert_enveloped(client.request(method, "/" + quote(path, safe="/")))


@SETTINGS
@given(
    headers=st.dictionaries(
        st.sampled_from(["X-API-Key", "x-api-key", "Authorization", "Accept", "X-Other"]),
        header_text,
        max_size=3,
    )
)
def test_odd_headers_never_500(client: httpx.Client, headers: dict[str, str]) -> None:
    path = f"/v1/accounts/{PRIMARY}/sales-navigator/saved-searches"
    _assert_enveloped(client.get(path, headers=headers))
