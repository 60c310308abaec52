"""The HTTP facts every layer shares: which methods write, and how to read a Retry-After."""

from __future__ import annotations

import pytest

from prospecting_conformance.core.http import is_write, retry_after_seconds


@pytest.mark.parametrize(
    ("method", "writes"),
    [
        pytest.param("GET", False, id="GET reads"),
        pytest.param("head", False, id="HEAD reads, whatever the case"),
        pytest.param("OPTIONS", False, id="OPTIONS reads"),
        pytest.param("POST", True, id="POST writes"),
        pytest.param("DELETE", True, id="DELETE writes"),
        pytest.param("TRACE", True, id="TRACE counts as a write: it is not a read"),
    ],
)
def test_every_method_but_get_head_options_is_a_write(method: str, writes: bool) -> None:
    assert is_write(method) is writes


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("1", 1, id="whole seconds"),
        pytest.param(" 30 ", 30, id="surrounding spaces"),
        pytest.param(None, None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("1.5", None, id="fractional"),
        pytest.param("-1", None, id="negative"),
        pytest.param("Wed, 21 Oct 2026 07:28:00 GMT", None, id="an HTTP date is not whole seconds"),
        pytest.param("\u0663", None, id="a non-ASCII digit"),
    ],
)
def test_retry_after_is_read_as_whole_seconds_or_not_at_all(
    value: str | None, seconds: int | None
) -> None:
    assert retry_after_seconds(value) == seconds
