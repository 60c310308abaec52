"""Job envelopes for the unit tests' tables, which are built at import time (no fixture can
serve them there): `tests/support` is on pytest's `pythonpath`."""

from __future__ import annotations

from typing import Any


def job(status: str, processed: int = 0, **changes: Any) -> dict[str, Any]:
    """A job envelope whose result and error agree with its status."""
    data = {
        "id": "job-1",
        "status": status,
        "source": "sales_navigator",
        "savedSearchId": "ss-1",
        "createdAt": "2026-11-26T10:00:00Z",
        "updatedAt": "2026-11-26T10:00:01Z",
        "progress": {"processed": processed, "total": 10},
        "result": {"prospectCount": processed} if status == "completed" else None,
        "error": {"code": "upstream_error", "message": "Gone."} if status == "failed" else None,
    }
    return {"success": True, "data": {**data, **changes}, "error": None, "traceId": "t"}
