"""The rate rules (R1, R2): what a 429 says, and that the suite's client heeds it.

R1 judges the API's 429 (the envelope and a whole-second `Retry-After`); R2 judges the suite
itself: a client that sent again too soon would turn a polite run into a load test.
"""

from __future__ import annotations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.http import retry_after_seconds
from prospecting_conformance.core.observed import Observed

__all__ = ["check_pacing", "check_retry_after"]


def check_retry_after(observed: Observed) -> list[Finding]:
    """R1: a 429 is an error envelope with a whole-second Retry-After."""
    if observed.status != 429:
        return [observed.finding("R1", f"Expected a 429 here; received {observed.status}.")]
    if retry_after_seconds(observed.header("retry-after")) is None:
        shown = observed.header("retry-after")
        return [
            observed.finding(
                "R1", f"Received Retry-After {shown!r}; expected whole seconds (e.g. '1')."
            )
        ]
    return []


def check_pacing(
    observed_429: Observed, sent_429_at: float, next_sent_at: float, retry_after: int
) -> list[Finding]:
    """R2: after a 429 the suite's client waited at least Retry-After before sending again."""
    waited = next_sent_at - sent_429_at
    if waited >= retry_after:
        return []
    return [
        observed_429.finding(
            "R2",
            f"The client sent again {waited:.3f}s after a 429 with Retry-After {retry_after}.",
        )
    ]
