"""Precedence faults: checks run in the wrong order, so the wrong one answers (A5, A6).

The I10 order is authentication → quota → permission → validation → existence, and the guard
(guard.py) keeps it. A swap fault runs one check too early: it shows only when exactly the
two checks it swaps both fail, and then the early one answers instead of the one that is due.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from prospecting_conformance.reference.faults import ActiveFaults, FaultName
from prospecting_conformance.reference.http.guard import Guard
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.reference.http.start_body import claimed_saved_search, parse_start
from prospecting_conformance.reference.store import Store

__all__ = ["Precedence"]

START = "startProspectingJob"
LOOKUP = "getProspectByProviderId"
JOB_OPERATIONS = frozenset({"getProspectingJob", "cancelProspectingJob"})
ANY = "*"
EVERY_OPERATION = frozenset({ANY})

# The I10 checks, with the status each answers when it fails.
CHECK_STATUS: dict[str, int] = {"auth": 401, "scope": 403, "group": 403, "body": 400, "exists": 404}

# Swap faults: (the check run too early, the check it jumps ahead of, operation ids).
PRECEDENCE_SWAPS: dict[FaultName, tuple[str, str, frozenset[str]]] = {
    "group_checked_before_auth": ("group", "auth", EVERY_OPERATION),
    "job_loaded_before_auth": ("exists", "auth", JOB_OPERATIONS),
    "body_validated_before_scope_check": ("body", "scope", frozenset({START})),
    "body_validated_before_group_check": ("body", "group", frozenset({START})),
    "saved_search_checked_before_scope_check": ("exists", "scope", frozenset({START})),
    "job_loaded_before_scope_check": ("exists", "scope", JOB_OPERATIONS),
    "job_loaded_before_group_check": ("exists", "group", JOB_OPERATIONS),
    "prospect_looked_up_before_scope_check": ("exists", "scope", frozenset({LOOKUP})),
    "saved_search_checked_before_body": ("exists", "body", frozenset({START})),
}


class Precedence:
    """`early_answer(request, operation_id)`: what a check run out of order answers, if any."""

    def __init__(
        self, guard: Guard, store: Store, responder: Responder, faults: ActiveFaults
    ) -> None:
        self.guard = guard
        self.store = store
        self.error = responder.error
        self.faults = faults
        self.swaps = [swap for name, swap in PRECEDENCE_SWAPS.items() if name in faults]
        self.body_before_auth = "auth_checked_after_validation" in faults

    async def early_answer(self, request: Request, operation_id: str) -> Response | None:
        if self.swaps:
            failing = await self._failing_checks(request, operation_id)
            for early, due, operations in self.swaps:
                applies = ANY in operations or operation_id in operations
                if failing == {early, due} and applies:
                    return self.error(CHECK_STATUS[early], f"Rejected by the {early} check.")
        if self.body_before_auth and operation_id == START:
            _, problem = parse_start(request, await request.body(), self.faults)
            if problem:
                return self.error(400, "The request body is invalid.", problem)
        return None

    async def _failing_checks(self, request: Request, operation_id: str) -> set[str]:
        params = request.path_params
        group = params["accountGroupId"]
        failing = self.guard.failing_checks(request, operation_id)
        if operation_id == START:
            body = await request.body()
            if parse_start(request, body, self.faults)[0] is None:
                failing.add("body")
            claimed = claimed_saved_search(body)
            found = claimed is None or self.store.find_saved_search(group, claimed) is not None
        elif operation_id in JOB_OPERATIONS:
            found = self.store.has_job(group, params["jobId"])
        elif operation_id == LOOKUP:
            found = self.store.find_prospect(group, params["providerId"]) is not None
        else:
            found = True
        return failing if found else failing | {"exists"}
