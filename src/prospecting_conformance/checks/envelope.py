"""The envelope rules E1-E6: the shape every Prospecting API response shares.

Each rule is one plain function whose docstring starts with its id, listed in order in
`ENVELOPE_CHECKS`; the unit tests, the conformance tests and the schemathesis checks all call
these, so a rule exists once.
Each rule owns one concern and stays silent when another rule owns the defect (a non-JSON body
is E1's, not also E2's), so one defect yields one finding per rule that it really breaks.
E4's uniqueness half needs the whole run's trace ids: `TraceIds` holds them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

__all__ = [
    "ENVELOPE_CHECKS",
    "ENVELOPE_KEYS",
    "Check",
    "TraceIds",
    "check_envelope",
    "expected_error_code",
]

ENVELOPE_KEYS = frozenset({"success", "data", "error", "traceId"})

# What every per-response check is: one response and the spec in, its findings out.
Check = Callable[[Observed, Spec], list[Finding]]


def _envelope(observed: Observed) -> dict[str, Any] | None:
    """The body when it is an object with all four envelope keys, else None (E1's problem)."""
    body = observed.body
    if body is None or not body.keys() >= ENVELOPE_KEYS:
        return None
    return body


def _is_error_status(status: int) -> bool:
    return 400 <= status <= 599


def _empty(value: Any) -> bool:
    return not isinstance(value, str) or not value


def _said(*problems: tuple[str, bool]) -> list[str]:
    """What to say of each problem the response has, in order."""
    return [said for said, present in problems if present]


def _problems(
    observed: Observed, rule: str, received: str, problems: list[str], expected: str, sep: str
) -> list[Finding]:
    """One finding that lists every problem of the response, or none when there is none."""
    if not problems:
        return []
    return [
        observed.finding(
            rule, f"Received {received} with {sep.join(problems)}; expected {expected}."
        )
    ]


def _charset(content_type: str) -> str | None:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower()
    return None


def check_shape(observed: Observed, spec: Spec) -> list[Finding]:
    """E1: the body is a JSON object with exactly success (bool), data, error and traceId."""
    if not observed.is_json:
        return [
            observed.finding(
                "E1",
                f"Received a body that is not JSON ({observed.media_type or 'no Content-Type'}: "
                f"{observed.excerpt()}); expected a JSON object envelope.",
            )
        ]
    body = observed.body
    if body is None:
        kind = type(observed.json).__name__ if observed.json is not None else "null"
        return [
            observed.finding("E1", f"Received a JSON {kind} body; expected a JSON object envelope.")
        ]
    problems = []
    missing = sorted(ENVELOPE_KEYS - body.keys())
    extra = sorted(body.keys() - ENVELOPE_KEYS)
    if missing:
        problems.append(f"missing keys {missing}")
    if extra:
        problems.append(f"unexpected keys {extra}")
    if "success" in body and not isinstance(body["success"], bool):
        problems.append(f"success {body['success']!r} ({type(body['success']).__name__})")
    expected = "exactly success (boolean), data, error and traceId"
    return _problems(observed, "E1", "an envelope", problems, expected, sep="; ")


def check_success_pairing(observed: Observed, spec: Spec) -> list[Finding]:
    """E2: a 2xx has success true, error null and data not null."""
    body = _envelope(observed)
    if body is None or not 200 <= observed.status <= 299:
        return []
    # A non-boolean success is E1's finding; the pairing is only judged on booleans.
    problems = _said(
        ("success false", body["success"] is False),
        ("error not null", body["error"] is not None),
        ("data null", body["data"] is None),
    )
    expected = "success true, error null and data not null on a 2xx"
    return _problems(observed, "E2", str(observed.status), problems, expected, sep=", ")


def check_error_pairing(observed: Observed, spec: Spec) -> list[Finding]:
    """E3: a 4xx/5xx has success false, data null, and an error with code and message."""
    body = _envelope(observed)
    if body is None or not _is_error_status(observed.status):
        return []
    problems = _said(
        ("success true", body["success"] is True),
        ("data not null", body["data"] is not None),
    )
    error = body["error"]
    if not isinstance(error, dict):
        problems.append(f"error {error!r}" if error is None else f"error a {type(error).__name__}")
    else:
        for field in ("code", "message"):
            if _empty(error.get(field)):
                problems.append(f"error.{field} {error.get(field, '<missing>')!r}")
        if "details" in error and not isinstance(error["details"], str):
            problems.append(f"error.details {error['details']!r} (not a string)")
    expected = (
        "success false, data null and error.code, error.message non-empty strings "
        "(details a string)"
    )
    return _problems(observed, "E3", str(observed.status), problems, expected, sep=", ")


def check_trace_id_present(observed: Observed, spec: Spec) -> list[Finding]:
    """E4 (per response): traceId is a non-empty string; uniqueness is `TraceIds`' job."""
    body = _envelope(observed)
    if body is None or not _empty(body["traceId"]):
        return []
    return [
        observed.finding(
            "E4", f"Received traceId {body['traceId']!r}; expected a non-empty string."
        )
    ]


def check_content_type(observed: Observed, spec: Spec) -> list[Finding]:
    """E5: Content-Type is application/json (a utf-8 charset parameter is allowed)."""
    value = observed.header("content-type")
    # RFC 8259 §8.1: JSON exchanged between systems is UTF-8, so no other charset is right.
    if observed.media_type == "application/json" and _charset(value or "") in (None, "utf-8"):
        return []
    return [
        observed.finding(
            "E5",
            f"Received Content-Type {value!r}; expected application/json.",
        )
    ]


def expected_error_code(spec: Spec, operation_id: str, status: int) -> str | None:
    """The stable error code the spec declares for this status (I13), if any.

    The operation's own response wins; a status it does not list (a 500 the fuzzer provokes on
    an operation that omits it) takes the code any other operation declares for that status.
    """
    operation = spec.operations.get(operation_id)
    if operation is not None and status in operation.responses:
        return operation.responses[status].error_code
    for other in spec.operations.values():
        response = other.responses.get(status)
        if response is not None and response.error_code is not None:
            return response.error_code
    return None


def check_error_code(observed: Observed, spec: Spec) -> list[Finding]:
    """E6: error.code is the stable code the spec declares for the status."""
    body = _envelope(observed)
    if body is None or not _is_error_status(observed.status):
        return []
    error = body["error"]
    code = error.get("code") if isinstance(error, dict) else None
    expected = expected_error_code(spec, observed.operation_id, observed.status)
    if expected is None or _empty(code) or code == expected:
        return []  # no declared code, or a missing code (E3's finding)
    return [
        observed.finding(
            "E6",
            f"Received error.code {code!r} on {observed.status}; expected {expected!r}.",
        )
    ]


# In the order their findings are reported.
ENVELOPE_CHECKS: tuple[Check, ...] = (
    check_shape,
    check_success_pairing,
    check_error_pairing,
    check_trace_id_present,
    check_content_type,
    check_error_code,
)


class TraceIds:
    """The run's trace ids: E4 in full (present and unique across the run), thread-safe."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._seen)

    def check(self, observed: Observed, spec: Spec | None = None) -> list[Finding]:
        """E4 for this response: non-empty, and not seen before in the run."""
        if spec is not None:
            absent = check_trace_id_present(observed, spec)
            if absent:
                return absent
        trace_id = observed.trace_id
        if not trace_id:
            return []
        with self._lock:
            first = self._seen.get(trace_id)
            if first is None:
                self._seen[trace_id] = (observed.operation_id, observed.status)
                return []
        operation, status = first
        return [
            observed.finding(
                "E4",
                f"Received traceId {trace_id!r}, already returned by {operation} -> {status}; "
                "expected a traceId unique to each request.",
            )
        ]


def check_envelope(
    observed: Observed, spec: Spec, trace_ids: TraceIds | None = None
) -> list[Finding]:
    """Every envelope rule on one response; with `trace_ids`, E4 includes run-wide uniqueness."""
    checks = ENVELOPE_CHECKS
    if trace_ids is not None:
        # `trace_ids.check` is E4 in full (present and unique): it takes the per-response
        # check's place, so E4's findings still come between E3's and E5's.
        checks = tuple(
            trace_ids.check if check is check_trace_id_present else check for check in checks
        )
    return [finding for check in checks for finding in check(observed, spec)]
