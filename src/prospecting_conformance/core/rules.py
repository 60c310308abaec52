"""The registry of rules the suite checks (docs/contract.md §5).

Every finding names one of these ids. The registry is the single place where a rule's family,
provenance and one-line statement live, and where it says which functions check it (from a
rule id to its code in one step); reports, regression drafts and the mutation matrix read
them from here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["FAMILIES", "RULES", "Family", "Provenance", "Rule", "rule"]

# A statement up to its first "," or ";" outside parentheses.
_FIRST_CLAUSE = re.compile(r"((?:[^,;(]|\([^)]*\))+)[,;]")
TITLE_CHARS = 64

Family = Literal["envelope", "spec", "auth", "lifecycle", "rate", "lookup", "transport"]
Provenance = Literal["documented", "inferred", "ours"]

FAMILIES: dict[str, Family] = {
    "E": "envelope",
    "S": "spec",
    "A": "auth",
    "L": "lifecycle",
    "R": "rate",
    "P": "lookup",
    "T": "transport",
    # U1 judges the API's surface against the spec (paths and methods it does not list): a
    # spec rule, and no new family, so the reports' per-family counts keep their shape.
    "U": "spec",
    # H1-H3 judge how the API reads a request's spellings, negotiation and paths: the surface
    # again, so the spec family too, for the same reason.
    "H": "spec",
}


@dataclass(frozen=True)
class Rule:
    """One rule: its id, what it says, how firm it is, and the functions that check it.

    `checks` are the functions whose findings name the rule, as names inside the package
    (`checks.envelope:check_shape`, `module:qualified.name`) for a reader to follow: strings,
    because core is the bottom layer and imports nothing of the suite's. The unit tests of
    this module resolve every name, so none goes stale. A shared check (`check_status`) is
    named by every rule whose tests call it with that rule.
    """

    id: str
    statement: str
    provenance: Provenance
    checks: tuple[str, ...]

    @property
    def family(self) -> Family:
        return FAMILIES[self.id[0]]

    @property
    def title(self) -> str:
        """The statement's first clause, for a title: a draft's names each of its rules."""
        clause = _FIRST_CLAUSE.match(self.statement)
        lead = clause[1] if clause else self.statement
        if len(lead) <= TITLE_CHARS:
            return lead
        return lead[: TITLE_CHARS - 1].rsplit(" ", 1)[0] + "…"


_RULES = [
    Rule(
        "E1",
        "body is a JSON object with success (bool), data, error, traceId",
        "documented",
        checks=("checks.envelope:check_shape",),
    ),
    Rule(
        "E2",
        "success: true iff 2xx; then error is null and data is not null",
        "inferred",
        checks=("checks.envelope:check_success_pairing",),
    ),
    Rule(
        "E3",
        "success: false iff 4xx/5xx; then data is null, error.code and error.message are "
        "non-empty strings, details a string if present",
        "inferred",
        checks=("checks.envelope:check_error_pairing",),
    ),
    Rule(
        "E4",
        "traceId is non-empty and unique across the run",
        "inferred",
        checks=(
            "checks.envelope:check_trace_id_present",
            "checks.envelope:TraceIds.check",
            "run.recorder:merge",
        ),
    ),
    Rule(
        "E5",
        "Content-Type is application/json",
        "inferred",
        checks=("checks.envelope:check_content_type",),
    ),
    Rule(
        "E6",
        "error.code is the stable code the spec declares for the status",
        "inferred",
        checks=("checks.envelope:check_error_code",),
    ),
    Rule(
        "S1",
        "only status codes the spec documents for the operation",
        "documented",
        checks=("checks.schema:check_documented_status",),
    ),
    Rule(
        "S2",
        "body and headers match the spec's schema for that status",
        "documented",
        checks=("checks.schema:check_schema",),
    ),
    Rule(
        "S3",
        "no 500 for any input",
        "documented",
        checks=("fuzz.checks:prospecting_s3_no_server_error",),
    ),
    Rule(
        "S4",
        "invalid input is rejected with a 4xx envelope; valid input is accepted",
        "inferred",
        checks=("fuzz.checks:_adapt",),
    ),
    Rule(
        "S5",
        "identity: a 2xx that answers for an id the request named carries that id (data.id, "
        "data.providerId); an id that differs only in case or form is another id",
        "inferred",
        checks=("checks.identity:check_identity", "checks.identity:check_other_id"),
    ),
    Rule(
        "A1",
        "no key: 401 on every operation",
        "documented",
        checks=("checks.status:check_status", "fuzz.checks:_adapt"),
    ),
    Rule(
        "A2",
        "invalid key (unknown, empty, wrong header, wrong prefix): 401",
        "documented",
        checks=("checks.status:check_status",),
    ),
    Rule(
        "A3",
        "every operation x every role key: 2xx iff the key holds the required scope, else 403",
        "documented",
        checks=("checks.auth:permission_matrix", "checks.status:check_status"),
    ),
    Rule(
        "A4",
        "another account group's paths: 403; jobs of one group unreachable from the other",
        "inferred",
        checks=(
            "checks.auth:check_not_reachable",
            "checks.auth:check_groups_disjoint",
            "checks.status:check_status",
        ),
    ),
    Rule(
        "A5",
        "authentication before validation (no key + bad body: 401)",
        "inferred",
        checks=("checks.status:check_status",),
    ),
    Rule(
        "A6",
        "precedence on every operation: a request that breaks several conditions at once gets "
        "the first in I10's order (401, then 403 for scope or group, then 400, then 404)",
        "inferred",
        checks=("checks.precedence:precedence_table", "checks.precedence:check_precedence"),
    ),
    Rule(
        "A7",
        "a body or query that names another group's resource (a foreign savedSearchId): 404, "
        "never a 2xx over their data",
        "inferred",
        checks=("checks.status:check_status",),
    ),
    Rule(
        "U1",
        "unknown paths answer 404 (or 401 without a valid key) and unsupported methods 405 with"
        " Allow and method_not_allowed, always in the envelope; HEAD on a GET path may be the"
        " GET without its body",
        "inferred",
        checks=(
            "checks.undeclared:undeclared_methods",
            "checks.undeclared:check_unknown_path",
            "checks.undeclared:check_method_not_allowed",
            "checks.undeclared:check_head",
        ),
    ),
    Rule(
        "H1",
        "equivalent spellings of a request get the answer of the canonical one: media type "
        "case and parameters (RFC 9110 §8.3), header-name case",
        "inferred",
        checks=("checks.spelling:check_same_answer",),
    ),
    Rule(
        "H2",
        "whatever Accept the client sends (text/html first, */*, none), the answer is the JSON "
        "envelope",
        "inferred",
        checks=("checks.negotiation:check_negotiated",),
    ),
    Rule(
        "H3",
        "no 3xx anywhere; a known route spelled with a trailing or doubled slash or another "
        "case is a path the API does not have (U1)",
        "inferred",
        checks=("checks.spelling:check_no_redirect", "checks.undeclared:check_unknown_path"),
    ),
    Rule(
        "L1",
        "start: 202, job envelope, status queued or running, Location resolves to the job",
        "documented",
        checks=(
            "checks.jobs:check_accepted_job",
            "checks.job_history:JobHistory.judge",
            "checks.status:check_status",
            "fuzz.checks:_adapt",
        ),
    ),
    Rule(
        "L2",
        "polling: enum statuses, legal transitions only, terminal stays terminal, processed "
        "never decreases, createdAt never changes, a job once seen never vanishes, terminal "
        "within the deadline, completed has a result, failed an error",
        "inferred",
        checks=(
            "checks.lifecycle:JobTracker.follow",
            "checks.job_history:JobHistory.judge",
            "checks.jobs:check_job_status",
        ),
    ),
    Rule(
        "L3",
        "cancel a running job: 200 cancelled, stays cancelled, no more progress",
        "documented",
        checks=(
            "checks.lifecycle:JobTracker.follow",
            "checks.jobs:check_job_status",
            "checks.status:check_status",
        ),
    ),
    Rule(
        "L4",
        "cancel again: 200 (idempotent)",
        "inferred",
        checks=("checks.jobs:check_job_status", "checks.status:check_status"),
    ),
    Rule(
        "L5",
        "cancel a completed or failed job: 409, status unchanged",
        "inferred",
        checks=("checks.jobs:check_job_status", "checks.status:check_status"),
    ),
    Rule(
        "L6",
        "unknown job id: 404 on get and cancel",
        "inferred",
        checks=("checks.status:check_status", "fuzz.checks:_adapt"),
    ),
    Rule(
        "L7",
        "unknown saved search: 404; malformed body: 400",
        "inferred",
        checks=("checks.status:check_status",),
    ),
    Rule(
        "L8",
        "the job records source and savedSearchId",
        "inferred",
        checks=("checks.lifecycle:JobTracker.follow", "checks.job_history:JobHistory.judge"),
    ),
    Rule(
        "L9",
        "job ids are unique",
        "inferred",
        checks=(
            "checks.jobs:check_job_ids_unique",
            "checks.job_history:JobHistory.judge",
            "run.recorder:merge",
        ),
    ),
    Rule(
        "R1",
        "a 429 is an error envelope with whole-second Retry-After; after waiting, the request "
        "succeeds",
        "documented",
        checks=("checks.rate:check_retry_after", "checks.status:check_status"),
    ),
    Rule(
        "R2",
        "the suite's client never sends faster than allowed after a 429",
        "ours",
        checks=("checks.rate:check_pacing",),
    ),
    Rule(
        "P1",
        "known provider id: 200 (with that providerId: S5); unknown: 404",
        "inferred",
        checks=("checks.lookup:check_prospect", "checks.status:check_status"),
    ),
    Rule(
        "T1",
        "the target answered: no transport error, timeout or exhausted retry",
        "ours",
        checks=("client.errors:transport_finding",),
    ),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError names the unknown id."""
    return RULES[rule_id]
