"""The look-up rule (P1): a known provider id answers 200.

An unknown id's 404 is a status (`status.check_status`). That the 200 carries the prospect
asked for is the identity rule S5, which the run's observer judges on every answer
(`identity.check_identity`): judged here too, one wrong prospect would be two findings and two
drafts for one cause.
"""

from __future__ import annotations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["check_prospect"]


def check_prospect(observed: Observed, provider_id: str) -> list[Finding]:
    """P1: the look-up of a known provider id answers 200."""
    if observed.status == 200:
        return []
    return [
        observed.finding(
            "P1",
            f"Looked up known provider id {provider_id!r}: received "
            f"{observed.status}; expected 200.",
        )
    ]
