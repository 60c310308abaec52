"""What a fault is: its name, its family, what it breaks and the rules that must catch it.

`FaultName` lists every name of the catalogue once; the server's code tests the faults
switched on (`ActiveFaults`) with these names only, so mypy reports a misspelt fault at the
place it is misspelt, and a catalogue entry (contract.py, blindspot.py, reading.py) with a
name missing here does not type-check either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from prospecting_conformance.reference.catalogue import Switches

__all__ = [
    "ENVELOPE_FAULTS",
    "FAULT_NAMES",
    "ActiveFaults",
    "EnvelopeFault",
    "Fault",
    "FaultFamily",
    "FaultName",
]

FaultFamily = Literal[
    "envelope", "status", "schema", "tenancy", "lifecycle", "rate", "lookup", "blindspot", "reading"
]

# The faults that bend the response envelope itself (envelope_faults.py applies them all).
EnvelopeFault = Literal[
    "trace_id_missing",
    "trace_id_constant",
    "success_true_on_errors",
    "data_not_null_on_error",
    "error_not_null_on_success",
    "error_code_missing",
    "error_code_generic",
    "error_details_not_string",
    "content_type_text_plain",
]
FaultName = Literal[
    EnvelopeFault,
    # status
    "start_job_returns_200",
    "missing_key_returns_403",
    "invalid_key_accepted",
    "unknown_job_returns_500",
    "malformed_body_returns_500",
    "location_header_missing",
    "auth_checked_after_validation",
    # schema
    "saved_search_name_missing",
    "saved_search_id_integer",
    "items_not_wrapped",
    "job_status_unknown_value",
    "timestamps_epoch_numbers",
    # tenancy
    "read_scope_allows_write",
    "write_scope_allows_read",
    "prospects_scope_not_enforced",
    "cross_tenant_saved_searches",
    "cross_tenant_job_access",
    "cross_tenant_prospect_lookup",
    # lifecycle
    "job_never_completes",
    "status_regresses_after_completion",
    "cancel_ignored",
    "cancelled_job_keeps_progressing",
    "cancel_completed_job_allowed",
    "cancel_not_idempotent",
    "progress_decreases",
    "completed_without_result",
    "failed_without_error",
    "job_id_not_pollable",
    "job_records_wrong_saved_search",
    "job_ids_reused",
    "unknown_saved_search_accepted",
    # rate
    "rate_limit_not_enforced",
    "rate_limit_without_retry_after",
    "retry_after_fractional",
    # lookup
    "provider_lookup_returns_other_prospect",
    "unknown_provider_id_found",
    # blindspot
    "location_names_previous_job",
    "location_off_target",
    "saved_search_from_shared_builder",
    "job_answer_cached_per_search",
    "created_at_follows_updated_at",
    "progress_lost_after_completion",
    "job_forgotten_after_completion",
    "cancel_reverts_later",
    "job_ids_recycled",
    "trace_id_recycled",
    "group_checked_before_auth",
    "job_loaded_before_auth",
    "body_validated_before_scope_check",
    "body_validated_before_group_check",
    "saved_search_checked_before_scope_check",
    "job_loaded_before_scope_check",
    "job_loaded_before_group_check",
    "prospect_looked_up_before_scope_check",
    "saved_search_checked_before_body",
    "unknown_route_plain_404",
    "head_answered_blindly",
    "options_default_page",
    # reading
    "foreign_saved_search_accepted",
    "foreign_saved_search_forbidden",
    "content_type_compared_verbatim",
    "content_type_case_sensitive",
    "html_error_page_for_browsers",
    "accept_first_type_only",
    "missing_accept_rejected",
    "job_lookup_case_insensitive",
    "provider_lookup_collation",
    "trailing_slash_redirect",
    "routes_case_insensitive",
    "doubled_slashes_merged",
]

FAULT_NAMES: tuple[FaultName, ...] = get_args(FaultName)
ENVELOPE_FAULTS: tuple[EnvelopeFault, ...] = get_args(EnvelopeFault)

ActiveFaults = Switches[FaultName]


@dataclass(frozen=True)
class Fault:
    name: FaultName
    family: FaultFamily
    summary: str
    caught_by: tuple[str, ...]
