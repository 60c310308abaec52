"""The faults against the contract as written: the envelope, statuses, schemas, tenancy,
the job lifecycle, rate limits and the look-up, each a regression the suite's own tests aim at.
"""

from __future__ import annotations

from prospecting_conformance.reference.faults.fault import Fault

__all__ = ["CONTRACT_FAULTS"]

CONTRACT_FAULTS: tuple[Fault, ...] = (
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
        "retry_after_fractional",
        "rate",
        "the 429 says Retry-After: 0.5, fractional seconds as some limiters write, not the "
        "whole seconds of I12 and RFC 9110",
        ("R1", "S2"),
    ),
    # look-up
    Fault(
        "provider_lookup_returns_other_prospect",
        "lookup",
        "the look-up answers with the next prospect, not the one with that provider id",
        ("S5",),
    ),
    Fault(
        "unknown_provider_id_found",
        "lookup",
        "an unknown provider id answers 200 with some other prospect, not 404",
        ("P1",),
    ),
)
