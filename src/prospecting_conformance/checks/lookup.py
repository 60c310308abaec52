"""The look-up rule (P1): a known provider id answers that prospect.

An unknown id's 404 is a status (`status.check_status`); here the known id's answer is held
to the prospect it names.
"""

from __future__ import annotations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["check_prospect"]


def check_prospect(observed: Observed, provider_id: str) -> list[Finding]:
    """P1: the look-up of a known provider id answers that prospect."""
    if observed.status != 200:
        return [
            observed.finding(
                "P1",
                f"Looked up known provider id {provider_id!r}: received "
                f"{observed.status}; expected 200.",
            )
        ]
    found = (observed.data or {}).get("providerId")
    if found != provider_id:
        return [
            observed.finding(
                "P1", f"Looked up provider id {provider_id!r}: received prospect {found!r}."
            )
        ]
    return []
