"""What another framework or a gateway does to a JSON body: the representation variations.

Every rewrite keeps the meaning, so a variation can never hide a fault by accident: a
constant traceId stays constant, an epoch-number timestamp stays a number.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from prospecting_conformance.reference.variations import ActiveVariations

__all__ = ["rewrite_body"]

OFFSET = timezone(timedelta(hours=5, minutes=30))
TRACE_NAMESPACE = uuid.UUID("6f1c3e4a-2b7d-4c59-9a0e-5d8f7b6a1c20")


def rewrite_body(body: bytes, on: ActiveVariations) -> bytes:
    """The JSON body as another framework writes it: same meaning, other bytes."""
    try:
        document = json.loads(body)
    except ValueError:
        return body
    if isinstance(document, dict):
        data = document.get("data")
        if "extra_data_fields" in on:
            _add_fields(data)
        if "timestamp_offsets" in on and isinstance(data, dict):
            _offset_timestamps(data)
        if "empty_details_omitted" in on:
            for holder in (document, data):
                _omit_empty_details(holder)
        trace_id = document.get("traceId")
        if "uuid_ids" in on and isinstance(trace_id, str) and trace_id:
            # Derived, not drawn: a constant traceId (a fault) stays constant.
            document["traceId"] = str(uuid.uuid5(TRACE_NAMESPACE, trace_id))
    pretty = "pretty_printed" in on
    text = json.dumps(
        document,
        ensure_ascii=False,
        sort_keys="members_reordered" in on,
        indent=2 if pretty else None,
        separators=(",", ": ") if pretty else (",", ":"),
    )
    return (text + "\n" if pretty else text).encode()


def _add_fields(data: Any) -> None:
    """Fields a richer deployment adds inside data (never names the spec uses)."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("items"), list):
        data["nextCursor"] = None
        for item in data["items"]:
            if isinstance(item, dict):
                item["createdAt"] = "2026-01-05T09:00:00Z"
                item["resultCount"] = 42
    if "status" in data and "progress" in data:
        data["priority"] = "normal"
        data["labels"] = []
        for name, extra in (
            ("progress", {"unit": "prospects"}),
            ("result", {"duplicatesSkipped": 0}),
            ("error", {"retryable": True}),
        ):
            if isinstance(data.get(name), dict):
                data[name].update(extra)
    if "providerId" in data:
        data["company"] = "Example GmbH"
        data["location"] = "Berlin, Germany"


def _omit_empty_details(holder: Any) -> None:
    error = holder.get("error") if isinstance(holder, dict) else None
    if isinstance(error, dict) and error.get("details") == "":
        del error["details"]


def _offset_timestamps(data: dict[str, Any]) -> None:
    for name in ("createdAt", "updatedAt"):
        value = data.get(name)
        if not isinstance(value, str):
            continue  # a number (a fault) stays a number
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            continue
        if instant.tzinfo is not None:
            data[name] = instant.astimezone(OFFSET).isoformat(timespec="microseconds")
