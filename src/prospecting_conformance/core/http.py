"""HTTP facts the suite's layers share: which methods write, and how long a 429 asks to wait.

The rails refuse writes, the U1 table skips them with writes off and the schemathesis layer
drops them from its method probes: one definition, so that the three never disagree.
"""

from __future__ import annotations

__all__ = ["READ_METHODS", "is_write", "retry_after_seconds"]

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_write(method: str) -> bool:
    """Whether a request with this method writes: any but GET, HEAD, OPTIONS (contract §4)."""
    return method.upper() not in READ_METHODS


def retry_after_seconds(value: str | None) -> int | None:
    """The whole seconds a `Retry-After` value asks for (I12), or None when absent or not whole."""
    raw = (value or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None
