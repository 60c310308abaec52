"""How the reference server answers: the JSON envelope of docs/contract.md §2, with a fresh traceId.

Every answer, handlers', the guard's, the framework's and the gateway's alike, is written by
one `Responder`, so the envelope (and the envelope faults, envelope_faults.py) is the same on
every path.
"""

from __future__ import annotations

import itertools
import json
import secrets
from typing import Any

from starlette.responses import Response

from prospecting_conformance.reference.faults import ActiveFaults
from prospecting_conformance.reference.http.envelope_faults import EnvelopeFaults

__all__ = ["ERROR_CODES", "Responder", "TraceIds"]

# The stable codes of I13, by status; the spec's x-error-code agrees (a selftest checks).
ERROR_CODES: dict[int, str] = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
    500: "internal_error",
    502: "upstream_error",
}
# trace_id_recycled: the size of the ring the ids come from.
RECYCLED_TRACE_IDS = 512


class TraceIds:
    """24-hex ids like the docs' examples; a counter from a random start keeps them unique."""

    def __init__(self) -> None:
        self._next = itertools.count(secrets.randbits(92)).__next__

    def __call__(self) -> str:
        return f"{self._next():024x}"


class RecycledTraceIds(TraceIds):
    """trace_id_recycled: a ring of ids, so one comes back every `size` responses."""

    def __init__(self, size: int) -> None:
        fresh = TraceIds()
        self._ring = [fresh() for _ in range(size)]
        self._position = itertools.count()

    def __call__(self) -> str:
        return self._ring[next(self._position) % len(self._ring)]


class Responder:
    """Writes envelopes; `error` is also what the gateway answers its weather with."""

    def __init__(self, faults: ActiveFaults) -> None:
        recycled = "trace_id_recycled" in faults
        self.trace_id = RecycledTraceIds(RECYCLED_TRACE_IDS) if recycled else TraceIds()
        self.envelope_faults = EnvelopeFaults(faults)

    def respond(
        self,
        status: int,
        data: Any = None,
        error: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body: dict[str, Any] = {
            "success": 200 <= status < 300,
            "data": data,
            "error": error,
            "traceId": self.trace_id(),
        }
        media_type = self.envelope_faults.bend(body)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(content, status, headers, media_type)

    def error(
        self, status: int, message: str, details: str = "", headers: dict[str, str] | None = None
    ) -> Response:
        error = {"code": ERROR_CODES[status], "message": message, "details": details}
        return self.respond(status, None, error, headers)

    def method_not_allowed(self, allow: str) -> Response:
        return self.error(
            405, "Method not allowed.", f"This path allows {allow} only.", {"Allow": allow}
        )
