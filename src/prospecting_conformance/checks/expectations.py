"""The contract rules that judge a response against what the test did (A, L, R, P rules).

The envelope and spec rules judge any response on its own; these need to know the request:
which key was sent, which job was started, what a 429 asked for. Each is a plain function
returning findings, named for its rule, so the contract tests and the unit tests share them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.http import retry_after_seconds
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import ROLE_SCOPES, Role

__all__ = [
    "ACCEPTED_STATUSES",
    "check_accepted_job",
    "check_groups_disjoint",
    "check_job_ids_unique",
    "check_job_status",
    "check_not_reachable",
    "check_pacing",
    "check_prospect",
    "check_retry_after",
    "check_status",
    "permission_matrix",
]

# What a freshly started job may say (L1).
ACCEPTED_STATUSES = frozenset({"queued", "running"})


def _shown(expected: Collection[int]) -> str:
    return " or ".join(str(s) for s in sorted(expected))


def check_status(
    observed: Observed, rule: str, expected: int | Collection[int], why: str
) -> list[Finding]:
    """`rule` holds when the status is one of `expected`; `why` says what the test did."""
    allowed = {expected} if isinstance(expected, int) else set(expected)
    if observed.status in allowed:
        return []
    return [
        observed.finding(rule, f"{why}: received {observed.status}; expected {_shown(allowed)}.")
    ]


def check_not_reachable(observed: Observed, rule: str, why: str) -> list[Finding]:
    """A4: another tenant's resource is never served: no 2xx, whatever the error chosen."""
    if 200 <= observed.status <= 299:
        return [observed.finding(rule, f"{why}: received {observed.status}; expected 403 or 404.")]
    return []


def permission_matrix(spec: Spec) -> list[tuple[str, Role, bool]]:
    """A3: every operation x every role, and whether the role's scopes allow the operation."""
    return [
        (operation_id, role, operation.required_scopes <= scopes)
        for operation_id, operation in spec.operations.items()
        for role, scopes in ROLE_SCOPES.items()
    ]


def check_accepted_job(observed: Observed) -> list[Finding]:
    """L1: a start answers 202 with the job (id, queued or running) and a Location header."""
    if observed.status != 202:
        return [observed.finding("L1", f"Started a job: received {observed.status}; expected 202.")]
    findings = []
    job = observed.data
    if job is None or not isinstance(job.get("id"), str) or not job["id"]:
        findings.append(observed.finding("L1", "The 202 carries no job id in data.id."))
    elif job.get("status") not in ACCEPTED_STATUSES:
        findings.append(
            observed.finding(
                "L1",
                f"A new job says status {job.get('status')!r}; expected queued or running.",
            )
        )
    if not observed.header("location"):
        findings.append(observed.finding("L1", "The 202 has no Location header."))
    return findings


def check_job_status(observed: Observed, rule: str, expected: str, why: str) -> list[Finding]:
    """`rule` holds when the job this response carries says status `expected`."""
    job = observed.data or {}
    if job.get("status") == expected:
        return []
    return [
        observed.finding(rule, f"{why}: job says {job.get('status')!r}; expected {expected!r}.")
    ]


def check_groups_disjoint(ours: Observed, theirs: Observed) -> list[Finding]:
    """A4: another account group's saved-search list holds none of ours."""
    our_ids = {item.get("id") for item in (ours.data or {}).get("items") or []}
    their_ids = {item.get("id") for item in (theirs.data or {}).get("items") or []}
    shared = sorted(str(i) for i in our_ids & their_ids)
    if not shared:
        return []
    return [theirs.finding("A4", f"The foreign group's list holds our saved searches {shared}.")]


def check_job_ids_unique(started: Iterable[Observed]) -> list[Finding]:
    """L9: every start gives a new job id."""
    seen: dict[str, Observed] = {}
    findings = []
    for observed in started:
        job = observed.data
        job_id = job.get("id") if job else None
        if not isinstance(job_id, str):
            continue
        if job_id in seen:
            findings.append(observed.finding("L9", f"Job id {job_id!r} was given to two jobs."))
        seen[job_id] = observed
    return findings


def check_retry_after(observed: Observed) -> list[Finding]:
    """R1: a 429 is an error envelope with a whole-second Retry-After."""
    if observed.status != 429:
        return [observed.finding("R1", f"Expected a 429 here; received {observed.status}.")]
    if retry_after_seconds(observed.header("retry-after")) is None:
        shown = observed.header("retry-after")
        return [
            observed.finding(
                "R1", f"Received Retry-After {shown!r}; expected whole seconds (e.g. '1')."
            )
        ]
    return []


def check_pacing(
    observed_429: Observed, sent_429_at: float, next_sent_at: float, retry_after: int
) -> list[Finding]:
    """R2: after a 429 the suite's client waited at least Retry-After before sending again."""
    waited = next_sent_at - sent_429_at
    if waited >= retry_after:
        return []
    return [
        observed_429.finding(
            "R2",
            f"The client sent again {waited:.3f}s after a 429 with Retry-After {retry_after}.",
        )
    ]


def check_prospect(observed: Observed, provider_id: str) -> list[Finding]:
    """P1: the look-up of a known provider id answers that prospect."""
    if observed.status != 200:
        return [
            observed.finding(
                "P1",
                f"Looked up known provider id {provider_id!r}: received "
                f"{observed.status}; expected 200.",
            )
        ]
    body = observed.body or {}
    data = body.get("data")
    found = data.get("providerId") if isinstance(data, dict) else None
    if found != provider_id:
        return [
            observed.finding(
                "P1", f"Looked up provider id {provider_id!r}: received prospect {found!r}."
            )
        ]
    return []
