"""The registry of rules the suite checks (DESIGN.md §5).

Every finding names one of these ids. The registry is the single place where a rule's family,
provenance and one-line statement live; reports, regression drafts and the mutation matrix
read them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FAMILIES", "RULES", "Family", "Provenance", "Rule", "rule"]

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
}


@dataclass(frozen=True)
class Rule:
    id: str
    statement: str
    provenance: Provenance

    @property
    def family(self) -> Family:
        return FAMILIES[self.id[0]]


_RULES = [
    Rule("E1", "body is a JSON object with success (bool), data, error, traceId", "documented"),
    Rule("E2", "success: true iff 2xx; then error is null and data is not null", "inferred"),
    Rule(
        "E3",
        "success: false iff 4xx/5xx; then data is null, error.code and error.message "
        "are non-empty strings, details a string if present",
        "inferred",
    ),
    Rule("E4", "traceId is non-empty and unique across the run", "inferred"),
    Rule("E5", "Content-Type is application/json", "inferred"),
    Rule("E6", "error.code is the stable code the spec declares for the status", "inferred"),
    Rule("S1", "only status codes the spec documents for the operation", "documented"),
    Rule("S2", "body and headers match the spec's schema for that status", "documented"),
    Rule("S3", "no 500 for any input", "documented"),
    Rule(
        "S4", "invalid input is rejected with a 4xx envelope; valid input is accepted", "inferred"
    ),
    Rule("A1", "no key: 401 on every operation", "documented"),
    Rule("A2", "invalid key (unknown, empty, wrong header, wrong prefix): 401", "documented"),
    Rule(
        "A3",
        "every operation x every role key: 2xx iff the key holds the required scope, else 403",
        "documented",
    ),
    Rule(
        "A4",
        "another account group's paths: 403; jobs of one group unreachable from the other",
        "inferred",
    ),
    Rule("A5", "authentication before validation (no key + bad body: 401)", "inferred"),
    Rule(
        "A6",
        "precedence on every operation: a request that breaks several conditions at once gets "
        "the first in I10's order (401, then 403 for scope or group, then 400, then 404)",
        "inferred",
    ),
    Rule(
        "U1",
        "unknown paths answer 404 (or 401 without a valid key) and unsupported methods 405 "
        "with Allow and method_not_allowed, always in the envelope",
        "inferred",
    ),
    Rule(
        "L1",
        "start: 202, job envelope, status queued or running, Location resolves to the job",
        "documented",
    ),
    Rule(
        "L2",
        "polling: enum statuses, legal transitions only, terminal stays terminal, "
        "processed never decreases, createdAt never changes, a job once seen never vanishes, "
        "terminal within the deadline, completed has a result, failed an error",
        "inferred",
    ),
    Rule(
        "L3", "cancel a running job: 200 cancelled, stays cancelled, no more progress", "documented"
    ),
    Rule("L4", "cancel again: 200 (idempotent)", "inferred"),
    Rule("L5", "cancel a completed or failed job: 409, status unchanged", "inferred"),
    Rule("L6", "unknown job id: 404 on get and cancel", "inferred"),
    Rule("L7", "unknown saved search: 404; malformed body: 400", "inferred"),
    Rule("L8", "the job records source and savedSearchId", "inferred"),
    Rule("L9", "job ids are unique", "inferred"),
    Rule(
        "R1",
        "a 429 is an error envelope with whole-second Retry-After; after waiting, the "
        "request succeeds",
        "documented",
    ),
    Rule("R2", "the suite's client never sends faster than allowed after a 429", "ours"),
    Rule("P1", "known provider id: 200 with that providerId; unknown: 404", "inferred"),
    Rule("T1", "the target answered: no transport error, timeout or exhausted retry", "ours"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}


def rule(rule_id: str) -> Rule:
    """The rule with this id; a KeyError names the unknown id."""
    return RULES[rule_id]
