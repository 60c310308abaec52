"""S5: an answer for an id is an answer for that id, compared exactly (I2, I6, I9).

A store that matches ids loosely (a case-insensitive collation, trailing spaces ignored, an
id parser that normalises) answers a near-miss id with the stored resource: a 200 for an id
nobody has, carrying another id. Two checks see it. `check_identity` holds every 2xx the run
sees to the ids its request named (the spec's `x-identity` says where the body carries each);
`check_other_id` holds the answer to a near-miss of a real id to an unknown id's answer.
"""

from __future__ import annotations

from collections.abc import Callable

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

__all__ = ["ID_VARIANTS", "check_identity", "check_other_id"]

# Spellings of a real id that name another id: a loose store answers them with the real one.
ID_VARIANTS: dict[str, Callable[[str], str]] = {
    # What a case-insensitive collation or index (MySQL's *_ci, SQL Server's default) ignores.
    "other-case": str.swapcase,
    # What a PAD SPACE collation (MySQL's default) ignores.
    "trailing-space": lambda real: real + " ",
}


def check_identity(observed: Observed, spec: Spec) -> list[Finding]:
    """S5: a 2xx that answers for an id the request named carries that id, exactly."""
    operation = spec.operations.get(observed.operation_id)
    if (
        operation is None
        or not operation.identities
        or not 200 <= observed.status <= 299
        or observed.method != operation.method.upper()
    ):
        return []
    asked = operation.path_values(observed.url) or {}
    findings = []
    for name, pointer in operation.identities.items():
        carried = observed.member(pointer)
        # An absent id is the schema's to report (S2): this rule speaks of a different one.
        if name in asked and carried is not None and carried != asked[name]:
            findings.append(
                observed.finding(
                    "S5",
                    f"Asked for {name} {asked[name]!r}: received {observed.status} carrying "
                    f"{pointer.lstrip('/').replace('/', '.')} {carried!r}; expected the id asked "
                    "for, exactly.",
                )
            )
    return findings


def check_other_id(observed: Observed, real: str, variant: str) -> list[Finding]:
    """S5: an id that differs from a real one only in case or form is unknown: 404."""
    if observed.status == 404:
        return []
    return [
        observed.finding(
            "S5",
            f"Asked for {variant!r}, which differs from the real id {real!r} only in case or "
            f"form: received {observed.status}; expected 404, as for any unknown id.",
        )
    ]
