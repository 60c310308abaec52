"""The status a test expected, for whichever rule the test checks.

Many rules come down to "this request gets that status" (A1: no key, 401; L6: an unknown job,
404). The test knows the rule and what it did; `check_status` says so in the one message shape
every such finding shares.
"""

from __future__ import annotations

from collections.abc import Collection

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["check_status"]


def _shown(expected: Collection[int]) -> str:
    return " or ".join(str(s) for s in sorted(expected))


def check_status(
    observed: Observed, rule: str, expected: int | Collection[int], why: str
) -> list[Finding]:
    """`rule` holds when the status is one of `expected`; `why` says what the test did."""
    allowed = {expected} if isinstance(expected, int) else set(expected)
    if observed.status in allowed:
        return []
    return [
        observed.finding(rule, f"{why}: received {observed.status}; expected {_shown(allowed)}.")
    ]
