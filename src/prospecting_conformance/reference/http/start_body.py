"""The start-job body (I4): what makes it valid, and the savedSearchId it names."""

from __future__ import annotations

import json

from starlette.requests import Request

from prospecting_conformance.reference.faults import ActiveFaults

__all__ = ["JSON_TYPE", "SOURCE", "claimed_saved_search", "media_type", "parse_start"]

JSON_TYPE = "application/json"
SOURCE = "sales_navigator"


def media_type(content_type: str, faults: ActiveFaults) -> str:
    """The media type a Content-Type names, read as RFC 9110 §8.3.1 says (type and subtype
    case-insensitive, parameters apart), unless a reading fault misreads it."""
    if "content_type_compared_verbatim" in faults:
        return content_type
    named = content_type.partition(";")[0].strip()
    return named if "content_type_case_sensitive" in faults else named.lower()


def parse_start(request: Request, body: bytes, faults: ActiveFaults) -> tuple[str | None, str]:
    """The savedSearchId of a valid start-job body (I4), or None and why it is invalid."""
    if media_type(request.headers.get("content-type", ""), faults) != JSON_TYPE:
        return None, "The body must be application/json."
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None, "The body is not valid JSON."
    if not isinstance(document, dict):
        return None, "The body must be a JSON object."
    if document.get("source") != SOURCE:
        return None, f"source is required and must be {SOURCE!r}."
    saved_search_id = document.get("savedSearchId")
    if not isinstance(saved_search_id, str) or not saved_search_id:
        return None, "savedSearchId is required and must be a non-empty string."
    return saved_search_id, ""


def claimed_saved_search(body: bytes) -> str | None:
    """The savedSearchId a start body names, valid or not (precedence faults look it up)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    claimed = document.get("savedSearchId") if isinstance(document, dict) else None
    return claimed if isinstance(claimed, str) and claimed else None
