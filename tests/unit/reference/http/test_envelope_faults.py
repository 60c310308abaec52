"""The envelope-fault layer: each fault bends the envelope one way, on errors or successes."""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.reference.faults import ENVELOPE_FAULTS, FAULTS, resolve_faults
from prospecting_conformance.reference.http.envelope_faults import EnvelopeFaults

TRACE = "0123456789abcdef01234567"
JSON, TEXT = "application/json", "text/plain; charset=utf-8"


def _error() -> dict[str, Any]:
    error = {"code": "not_found", "message": "No such job.", "details": "gone"}
    return {"success": False, "data": None, "error": error, "traceId": TRACE}


def _success() -> dict[str, Any]:
    return {"success": True, "data": {"id": "j1"}, "error": None, "traceId": TRACE}


def _bent(faults: tuple[str, ...], body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    media_type = EnvelopeFaults(resolve_faults(faults)).bend(body)
    return body, media_type


@pytest.mark.parametrize(
    ("fault", "make", "changed", "media_type"),
    [
        pytest.param("trace_id_missing", _error, {"traceId": None}, JSON, id="trace_id_missing"),
        pytest.param(
            "trace_id_constant",
            _success,
            {"traceId": "000000000000000000000001"},
            JSON,
            id="trace_id_constant",
        ),
        pytest.param("success_true_on_errors", _error, {"success": True}, JSON, id="success-true"),
        pytest.param("data_not_null_on_error", _error, {"data": {}}, JSON, id="data-not-null"),
        pytest.param(
            "error_not_null_on_success",
            _success,
            {"error": {"code": "", "message": ""}},
            JSON,
            id="error-not-null",
        ),
        pytest.param(
            "error_code_missing",
            _error,
            {"error": {"message": "No such job.", "details": "gone"}},
            JSON,
            id="error-code-missing",
        ),
        pytest.param(
            "error_code_generic",
            _error,
            {"error": {"code": "error", "message": "No such job.", "details": "gone"}},
            JSON,
            id="error-code-generic",
        ),
        pytest.param(
            "error_details_not_string",
            _error,
            {
                "error": {
                    "code": "not_found",
                    "message": "No such job.",
                    "details": {"reason": "gone"},
                }
            },
            JSON,
            id="error-details-not-string",
        ),
        pytest.param("content_type_text_plain", _success, {}, TEXT, id="text-plain"),
    ],
)
def test_each_envelope_fault_bends_one_thing(
    fault: str, make: Any, changed: dict[str, Any], media_type: str
) -> None:
    expected = make()
    for name, value in changed.items():
        if value is None:
            del expected[name]
        else:
            expected[name] = value
    assert _bent((fault,), make()) == (expected, media_type)


@pytest.mark.parametrize(
    ("fault", "make"),
    [
        pytest.param("success_true_on_errors", _success, id="success-true-leaves-successes"),
        pytest.param("data_not_null_on_error", _success, id="data-not-null-leaves-successes"),
        pytest.param("error_code_generic", _success, id="code-generic-leaves-successes"),
        pytest.param("error_not_null_on_success", _error, id="error-not-null-leaves-errors"),
    ],
)
def test_error_faults_leave_the_other_kind_of_response_alone(fault: str, make: Any) -> None:
    assert _bent((fault,), make()) == (make(), JSON)


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param((), id="no-faults"),
        pytest.param(("cancel_ignored", "trace_id_recycled"), id="other-faults-only"),
    ],
)
def test_without_envelope_faults_the_layer_is_transparent(faults: tuple[str, ...]) -> None:
    layer = EnvelopeFaults(resolve_faults(faults))
    assert not layer.active
    body = _error()
    assert layer.bend(body) == JSON
    assert body == _error()


def test_the_layer_applies_exactly_the_envelope_family() -> None:
    envelope_family = {name for name, f in FAULTS.items() if f.family == "envelope"}
    assert set(ENVELOPE_FAULTS) == envelope_family
