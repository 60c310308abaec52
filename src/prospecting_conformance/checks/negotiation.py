"""H2: whatever the client says it prefers, the API answers the JSON envelope (I12, I14).

Browsers rank `text/html` first, curl sends `*/*`, some clients send no Accept at all. The
contract has one representation, so each of them gets the answer a JSON client gets: the same
status, `application/json`, the envelope. A framework that serves its HTML error page to
browsers, or answers 406 to an Accept that does list `*/*`, breaks it.
"""

from __future__ import annotations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["ACCEPT_VALUES", "CANONICAL_ACCEPT", "check_negotiated"]

CANONICAL_ACCEPT = "application/json"
# The Accept a request carries, by label; None sends no Accept header (RFC 9110 §12.5.1: any
# media type is then acceptable).
ACCEPT_VALUES: dict[str, str | None] = {
    # Firefox's and Chrome's navigation Accept: text/html first, */* last.
    "browser": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "any": "*/*",
    "none": None,
}
ENVELOPE_KEYS = frozenset({"success", "data", "error", "traceId"})


def check_negotiated(observed: Observed, canonical: Observed, accept: str | None) -> list[Finding]:
    """H2: the answer to any Accept is the JSON envelope with the canonical request's status."""
    problems = []
    if observed.status != canonical.status:
        problems.append(f"status {observed.status}")
    if observed.media_type != CANONICAL_ACCEPT:
        problems.append(f"Content-Type {observed.header('content-type')!r}")
    if observed.body is None or not observed.body.keys() >= ENVELOPE_KEYS:
        problems.append(f"body {observed.excerpt()}")
    if not problems:
        return []
    sent = f"Accept {accept!r}" if accept is not None else "no Accept header"
    return [
        observed.finding(
            "H2",
            f"Sent {sent}: received {'; '.join(problems)}; expected {canonical.status} with "
            "the JSON envelope, as a JSON client got.",
        )
    ]
