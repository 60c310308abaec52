"""H1 and H3: how a request is spelled, and what the API must make of each spelling.

A client, a proxy or another language's HTTP stack spells the same request differently: the
media type's case and parameters, a header name's case (RFC 9110 §5.1, §8.3.1). Those
spellings are equivalent and must get the canonical request's answer (H1). A path spelled
with a trailing or doubled slash or in another case is not equivalent (RFC 3986 §6.2.2: paths
compare case-sensitively, segment by segment): it is a path the API does not have, answered
404 in the envelope, never redirected (H3). Nothing in the contract redirects, so a 3xx is a
finding wherever the run sees one.

The tables are built from the spec's operations and the target's configured header, so an
operation the spec grows gets its rows.
"""

from __future__ import annotations

import re

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = [
    "JSON_SPELLINGS",
    "check_no_redirect",
    "check_same_answer",
    "header_name_spellings",
    "path_spellings",
]

# `application/json` as RFC 9110 lets a client write it: type and subtype are
# case-insensitive (§8.3.1), so is the charset parameter's name and value (§8.3.2), a
# parameter value may be quoted (§5.6.6), and whitespace may surround the ";" (§5.6.6).
JSON_SPELLINGS: dict[str, str] = {
    "charset-parameter": "application/json; charset=utf-8",
    "charset-upper-no-space": "application/json;charset=UTF-8",
    "type-in-capitals": "Application/JSON",
    "quoted-charset": 'APPLICATION/json ; charset="utf-8"',
}


def header_name_spellings(name: str) -> dict[str, str]:
    """Other spellings of a header name: field names are case-insensitive (RFC 9110 §5.1)."""
    spellings = {"lower-case": name.lower(), "upper-case": name.upper()}
    return {label: spelled for label, spelled in spellings.items() if spelled != name}


def path_spellings(path: str) -> dict[str, str]:
    """Spellings of a route that are other paths (RFC 3986 §6.2.2.1, §6.2.3): each is unknown.

    Only the literal segments change case: the parameters' values are ids, which S5 varies.
    """
    literals = re.compile(r"(?<=/)([^/{}]+)(?=/|$)")
    last_slash = path.rfind("/")
    return {
        "trailing-slash": path + "/",
        "doubled-slash": path[:last_slash] + "/" + path[last_slash:],
        "other-case": literals.sub(lambda m: m.group(1).upper(), path),
    }


def check_same_answer(observed: Observed, canonical: Observed, spelling: str) -> list[Finding]:
    """H1: a request spelled another equivalent way gets the canonical spelling's status."""
    if observed.status == canonical.status:
        return []
    return [
        observed.finding(
            "H1",
            f"Sent the request with {spelling}, which RFC 9110 makes equivalent to the canonical "
            f"spelling: received {observed.status}; expected {canonical.status}, as the "
            "canonical request got.",
        )
    ]


def check_no_redirect(observed: Observed) -> list[Finding]:
    """H3: no answer of this API redirects; a client never follows one silently."""
    if not 300 <= observed.status <= 399:
        return []
    location = observed.header("location")
    to = f" to {location!r}" if location else ""
    return [
        observed.finding(
            "H3",
            f"Received a {observed.status} redirect{to}; expected no 3xx: nothing in the "
            "contract redirects (I14).",
        )
    ]
