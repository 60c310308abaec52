"""Reading faults: how the service reads a request beyond what its schemas vary (issue 20).

Regressions that a suite varying only values, fields, keys, paths and methods never meets:
whose resource a body names, how a media type or a route is spelled, what the client says it
accepts, which id exactly it asked for. Each was the kind an outside reviewer wrote and the
suite then missed.
"""

from __future__ import annotations

from prospecting_conformance.reference.faults.fault import Fault

__all__ = ["READING_FAULTS"]

READING_FAULTS: tuple[Fault, ...] = (
    # a body naming another group's resource
    Fault(
        "foreign_saved_search_accepted",
        "reading",
        "start-job finds the savedSearchId in any account group: another group's saved search "
        "starts a job over their data (202)",
        ("A7",),
    ),
    Fault(
        "foreign_saved_search_forbidden",
        "reading",
        "start-job answers another group's saved search 403 (it exists, not for you), not 404",
        ("A7",),
    ),
    # equivalent spellings
    Fault(
        "content_type_compared_verbatim",
        "reading",
        "start-job accepts only the exact header 'application/json': with a charset parameter "
        "it answers 400",
        ("H1",),
    ),
    Fault(
        "content_type_case_sensitive",
        "reading",
        "start-job compares the media type case-sensitively: 'Application/JSON' answers 400",
        ("H1",),
    ),
    # negotiation
    Fault(
        "html_error_page_for_browsers",
        "reading",
        "an error answer to an Accept that ranks text/html first is an HTML error page",
        ("H2", "E1", "E5"),
    ),
    Fault(
        "accept_first_type_only",
        "reading",
        "negotiation reads only the first media range: a browser's Accept (text/html first, "
        "*/* last) answers 406",
        ("H2", "S1"),
    ),
    Fault(
        "missing_accept_rejected",
        "reading",
        "a request without Accept answers 406, though no Accept means any type will do",
        ("H2", "S1"),
    ),
    # identity
    Fault(
        "job_lookup_case_insensitive",
        "reading",
        "get and cancel find a job whatever the letter case of the id asked for (a "
        "case-insensitive index), and answer the stored job",
        ("S5",),
    ),
    Fault(
        "provider_lookup_collation",
        "reading",
        "the look-up compares provider ids as MySQL's default collation does: another letter "
        "case or a trailing space finds the stored prospect",
        ("S5",),
    ),
    # redirects and path spellings
    Fault(
        "trailing_slash_redirect",
        "reading",
        "a route spelled with a trailing slash answers a bare 307 to the route without it",
        ("H3",),
    ),
    Fault(
        "routes_case_insensitive",
        "reading",
        "routes match their literal segments in any letter case (/V1/ACCOUNTS/...)",
        ("H3",),
    ),
    Fault(
        "doubled_slashes_merged",
        "reading",
        "doubled slashes are merged before routing, as nginx's merge_slashes does",
        ("H3",),
    ),
)
