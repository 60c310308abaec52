"""The fault catalogue: named, realistic regressions the reference server can be started with.

The suite proves its worth by detecting every one of these (the mutation score, DESIGN.md §6).
Each fault says in one line what it breaks and names the rules (rules.py) that must catch it;
the selftests check that the server really deviates that way when the fault is on, and the
mutation matrix checks that the suite then fails on one of those rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from prospecting_conformance.reference.catalogue import resolve_names

__all__ = ["FAULTS", "Fault", "FaultFamily", "describe_faults", "resolve_faults"]

FaultFamily = Literal[
    "envelope", "status", "schema", "tenancy", "lifecycle", "rate", "lookup", "blindspot"
]


@dataclass(frozen=True)
class Fault:
    name: str
    family: FaultFamily
    summary: str
    caught_by: tuple[str, ...]


_FAULTS = (
    # envelope
    Fault("trace_id_missing", "envelope", "every body lacks traceId", ("E1", "S2")),
    Fault("trace_id_constant", "envelope", "every response carries the same traceId", ("E4",)),
    Fault("success_true_on_errors", "envelope", "error responses say success: true", ("E2", "E3")),
    Fault(
        "data_not_null_on_error",
        "envelope",
        "error responses carry data: {} instead of null",
        ("E3",),
    ),
    Fault(
        "error_not_null_on_success",
        "envelope",
        "success responses carry an error object instead of null",
        ("E2",),
    ),
    Fault("error_code_missing", "envelope", "error objects lack their code", ("E3",)),
    Fault(
        "error_code_generic",
        "envelope",
        "every error code is the generic 'error' instead of the I13 code",
        ("E6",),
    ),
    Fault(
        "error_details_not_string",
        "envelope",
        "error.details is an object instead of a string",
        ("E3",),
    ),
    Fault(
        "content_type_text_plain",
        "envelope",
        "every response is labelled text/plain (the body is still JSON)",
        ("E5",),
    ),
    # status codes
    Fault(
        "start_job_returns_200", "status", "starting a job answers 200 instead of 202", ("L1", "S1")
    ),
    Fault(
        "missing_key_returns_403", "status", "a request without a key answers 403, not 401", ("A1",)
    ),
    Fault(
        "invalid_key_accepted",
        "status",
        "any unknown or empty key is accepted as the primary all-scopes key",
        ("A2",),
    ),
    Fault(
        "unknown_job_returns_500",
        "status",
        "an unknown job id answers 500 instead of 404",
        ("S3", "L6"),
    ),
    Fault(
        "malformed_body_returns_500",
        "status",
        "a malformed start-job body answers 500 instead of 400",
        ("S3", "S4", "L7"),
    ),
    Fault(
        "location_header_missing",
        "status",
        "the 202 of start-job has no Location header",
        ("L1", "S2"),
    ),
    Fault(
        "auth_checked_after_validation",
        "status",
        "start-job validates the body before the key (no key + bad body answers 400)",
        ("A5",),
    ),
    # schema
    Fault("saved_search_name_missing", "schema", "saved searches lack their name", ("S2",)),
    Fault(
        "saved_search_id_integer", "schema", "saved-search ids are integers, not strings", ("S2",)
    ),
    Fault(
        "items_not_wrapped",
        "schema",
        "the saved-searches data is the bare array, not {items: [...]}",
        ("S2",),
    ),
    Fault(
        "job_status_unknown_value",
        "schema",
        "completed jobs report status 'done', outside the enum",
        ("S2", "L2"),
    ),
    Fault(
        "timestamps_epoch_numbers",
        "schema",
        "createdAt/updatedAt are epoch numbers, not RFC 3339 strings",
        ("S2",),
    ),
    # permissions and tenancy
    Fault(
        "read_scope_allows_write",
        "tenancy",
        "a prospecting:read key may start and cancel jobs",
        ("A3",),
    ),
    Fault(
        "write_scope_allows_read",
        "tenancy",
        "a prospecting:write key may list saved searches and read jobs",
        ("A3",),
    ),
    Fault(
        "prospects_scope_not_enforced",
        "tenancy",
        "the provider-id look-up accepts any valid key, without prospects:read",
        ("A3",),
    ),
    Fault(
        "cross_tenant_saved_searches",
        "tenancy",
        "any key lists the saved searches of any account group in the path",
        ("A4",),
    ),
    Fault(
        "cross_tenant_job_access",
        "tenancy",
        "jobs are found by id across account groups (get and cancel)",
        ("A4",),
    ),
    Fault(
        "cross_tenant_prospect_lookup",
        "tenancy",
        "the provider-id look-up finds prospects of other account groups",
        ("A4", "P1"),
    ),
    # lifecycle
    Fault(
        "job_never_completes",
        "lifecycle",
        "jobs stay running forever (progress stalls just short of the total)",
        ("L2",),
    ),
    Fault(
        "status_regresses_after_completion",
        "lifecycle",
        "a completed job is reported as running on every later poll",
        ("L2",),
    ),
    Fault(
        "cancel_ignored",
        "lifecycle",
        "cancel answers 200 cancelled, but the job carries on and completes",
        ("L3",),
    ),
    Fault(
        "cancelled_job_keeps_progressing",
        "lifecycle",
        "a cancelled job stays cancelled but its processed count keeps growing",
        ("L3",),
    ),
    Fault(
        "cancel_completed_job_allowed",
        "lifecycle",
        "cancelling a completed or failed job answers 200 and flips it to cancelled",
        ("L5",),
    ),
    Fault(
        "cancel_not_idempotent",
        "lifecycle",
        "cancelling an already cancelled job answers 409 instead of 200",
        ("L4",),
    ),
    Fault(
        "progress_decreases",
        "lifecycle",
        "every second poll of a running job reports processed 0 again",
        ("L2",),
    ),
    Fault("completed_without_result", "lifecycle", "completed jobs have result: null", ("L2",)),
    Fault("failed_without_error", "lifecycle", "failed jobs have error: null", ("L2",)),
    Fault(
        "job_id_not_pollable",
        "lifecycle",
        "the 202 returns an id (and Location) that GET answers with 404",
        ("L1",),
    ),
    Fault(
        "job_records_wrong_saved_search",
        "lifecycle",
        "the job's savedSearchId echoes the job id instead of the requested search",
        ("L8",),
    ),
    Fault(
        "job_ids_reused",
        "lifecycle",
        "the job id is derived from the saved search, so a second job reuses the id",
        ("L9",),
    ),
    Fault(
        "unknown_saved_search_accepted",
        "lifecycle",
        "start-job accepts an unknown savedSearchId with 202 (the job fails later)",
        ("L7",),
    ),
    # rate limiting
    Fault("rate_limit_not_enforced", "rate", "the low-quota key is never rate limited", ("R1",)),
    Fault(
        "rate_limit_without_retry_after",
        "rate",
        "the 429 lacks its Retry-After header (the spec requires it: S2)",
        ("R1", "S2"),
    ),
    Fault(
        "retry_after_not_honoured",
        "rate",
        "Retry-After says 1 s but the key stays blocked for seconds longer",
        ("R1",),
    ),
    # look-up
    Fault(
        "provider_lookup_returns_other_prospect",
        "lookup",
        "the look-up answers with the next prospect, not the one with that provider id",
        ("P1",),
    ),
    Fault(
        "unknown_provider_id_found",
        "lookup",
        "an unknown provider id answers 200 with some other prospect, not 404",
        ("P1",),
    ),
    # blindspot: regressions a catalogue written beside the tests tends to miss. They show
    # only on a second job, a later poll or a request no test sends on purpose, so only a
    # rule judged on every response, a precedence table or a look at the undeclared surface
    # catches them (issue 14).
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
        "head_served_as_get",
        "blindspot",
        "HEAD on a GET path runs the GET handler and answers 200 (a framework default), not 405",
        ("U1",),
    ),
    Fault(
        "options_default_page",
        "blindspot",
        "OPTIONS answers a default 200 text/plain page with Allow (a CORS default), not a 405",
        ("U1", "E1", "E5"),
    ),
)

FAULTS: dict[str, Fault] = {f.name: f for f in _FAULTS}


def resolve_faults(names: Iterable[str]) -> frozenset[str]:
    """The named faults as a set; a ValueError names the unknown ones and lists the valid."""
    return resolve_names(names, FAULTS, "fault")


def describe_faults() -> list[str]:
    """One line per fault: name, family, the rules that catch it, what it breaks."""
    width = max(len(name) for name in FAULTS)
    return [
        f"{f.name:<{width}}  {f.family:<9}  {','.join(f.caught_by):<10}  {f.summary}"
        for f in FAULTS.values()
    ]
