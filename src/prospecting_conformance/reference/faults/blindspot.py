"""Blindspot faults: regressions a catalogue written beside the tests tends to miss (issue 14).

They show only on a second job, a later poll or a request no test sends on purpose, so only
a rule judged on every response, a precedence table or a look at the undeclared surface
catches them.
"""

from __future__ import annotations

from prospecting_conformance.reference.faults.fault import Fault

__all__ = ["BLINDSPOT_FAULTS"]

BLINDSPOT_FAULTS: tuple[Fault, ...] = (
    Fault(
        "location_names_previous_job",
        "blindspot",
        "the 202's Location names the job started before it in the group (the first is right)",
        ("L1",),
    ),
    Fault(
        "location_off_target",
        "blindspot",
        "the 202's Location is an absolute URL on an internal host, off the target",
        ("L1",),
    ),
    Fault(
        "saved_search_from_shared_builder",
        "blindspot",
        "get and cancel show the savedSearchId of the group's latest started job, not the job's",
        ("L8",),
    ),
    Fault(
        "job_answer_cached_per_search",
        "blindspot",
        "a job's polls in its first 0.4 s answer the search's previous completed job (its "
        "createdAt, progress, result) under the new id",
        ("L2",),
    ),
    Fault(
        "created_at_follows_updated_at",
        "blindspot",
        "createdAt moves with updatedAt whenever the job changes",
        ("L2",),
    ),
    Fault(
        "progress_lost_after_completion",
        "blindspot",
        "a job completed more than 1 s ago reports processed 0 (an archive that drops progress)",
        ("L2",),
    ),
    Fault(
        "job_forgotten_after_completion",
        "blindspot",
        "a job that ended more than 1 s ago answers 404 (an expiring cache used as the store)",
        ("L2", "L6"),
    ),
    Fault(
        "cancel_reverts_later",
        "blindspot",
        "a cancelled job reads as running again from 1 s after the cancel (the worker resumes)",
        ("L3", "L2"),
    ),
    Fault(
        "job_ids_recycled",
        "blindspot",
        "job ids come from a pool of 4: the fifth job reuses the first job's id",
        ("L9",),
    ),
    Fault(
        "trace_id_recycled",
        "blindspot",
        "traceIds come from a ring of 512: the 513th response repeats the first one's",
        ("E4",),
    ),
    Fault(
        "group_checked_before_auth",
        "blindspot",
        "another account group's paths answer 403 before the key is checked (no key: 403)",
        ("A6",),
    ),
    Fault(
        "job_loaded_before_auth",
        "blindspot",
        "get and cancel load the job first: no key or a bad key with an unknown job id gets 404",
        ("A6", "A1", "A2"),
    ),
    Fault(
        "body_validated_before_scope_check",
        "blindspot",
        "start-job validates the body before the scope: no prospecting:write + bad body gets 400",
        ("A6",),
    ),
    Fault(
        "body_validated_before_group_check",
        "blindspot",
        "start-job validates the body before the group: a bad body on another group's path "
        "gets 400",
        ("A6",),
    ),
    Fault(
        "saved_search_checked_before_scope_check",
        "blindspot",
        "start-job looks the saved search up before the scope: no prospecting:write + unknown "
        "saved search gets 404",
        ("A6",),
    ),
    Fault(
        "job_loaded_before_scope_check",
        "blindspot",
        "get and cancel load the job before the scope: a key without it + unknown job gets 404",
        ("A6",),
    ),
    Fault(
        "job_loaded_before_group_check",
        "blindspot",
        "get and cancel look the job up before the group check: an unknown job id on another "
        "group's path gets 404",
        ("A6", "A4"),
    ),
    Fault(
        "prospect_looked_up_before_scope_check",
        "blindspot",
        "the look-up searches before the scope: no prospects:read + unknown provider id gets 404",
        ("A6",),
    ),
    Fault(
        "saved_search_checked_before_body",
        "blindspot",
        "start-job looks the saved search up before validating the body: an unknown saved "
        "search with a bad source gets 404, not 400",
        ("A6", "L7"),
    ),
    Fault(
        "unknown_route_plain_404",
        "blindspot",
        "unknown routes answer the framework's default text/plain 404 'Not Found'",
        ("U1", "E1", "E5"),
    ),
    Fault(
        "head_answered_blindly",
        "blindspot",
        "HEAD on a GET path answers 200 without running the GET (a gateway's shortcut), even "
        "where the GET answers 404",
        ("U1",),
    ),
    Fault(
        "options_default_page",
        "blindspot",
        "OPTIONS answers a default 200 text/plain page with Allow (a CORS default), not a 405",
        ("U1", "E1", "E5"),
    ),
)
