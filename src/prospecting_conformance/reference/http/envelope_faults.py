"""The envelope faults as one layer: every envelope the server writes passes through it.

The layer sits where the envelope is written (`Responder.respond`), not in front of the app
as ASGI middleware: the gateway's weather answers (variations) and the 500 of an unhandled
exception are written there too and must be bent the same way, and bending the document
before it is serialised keeps the bytes exactly those of a server that writes it wrong.
"""

from __future__ import annotations

from typing import Any

from prospecting_conformance.reference.faults import ENVELOPE_FAULTS, ActiveFaults

__all__ = ["JSON_TYPE", "EnvelopeFaults"]

JSON_TYPE = "application/json"
TEXT_TYPE = "text/plain; charset=utf-8"
CONSTANT_TRACE_ID = "000000000000000000000001"


class EnvelopeFaults:
    """Bends an envelope document the way the switched-on envelope faults say."""

    def __init__(self, faults: ActiveFaults) -> None:
        self.faults = faults
        # One flag keeps the clean path to one test.
        self.active = faults.any_of(ENVELOPE_FAULTS)

    def bend(self, body: dict[str, Any]) -> str:
        """Rewrite `body` in place; the content type the response is then labelled with."""
        if not self.active:
            return JSON_TYPE
        faults, error = self.faults, body["error"]
        if error is not None:
            self._bend_error(body, error)
        elif "error_not_null_on_success" in faults:
            body["error"] = {"code": "", "message": ""}
        if "trace_id_constant" in faults:
            body["traceId"] = CONSTANT_TRACE_ID
        if "trace_id_missing" in faults:
            del body["traceId"]
        return TEXT_TYPE if "content_type_text_plain" in faults else JSON_TYPE

    def _bend_error(self, body: dict[str, Any], error: dict[str, Any]) -> None:
        faults = self.faults
        if "success_true_on_errors" in faults:
            body["success"] = True
        if "data_not_null_on_error" in faults:
            body["data"] = {}
        if "error_code_generic" in faults:
            error["code"] = "error"
        if "error_code_missing" in faults:
            del error["code"]
        if "error_details_not_string" in faults:
            error["details"] = {"reason": error.get("details", "")}
