"""The five operations of the spec, as the reference server implements them.

A handler runs once the request has passed the method check and the guard (app.py,
guard.py): the key is known, allowed and in the path's account group, so a handler only
validates, looks up and answers.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from prospecting_conformance.reference.faults import ActiveFaults, FaultName
from prospecting_conformance.reference.http.representations import Representations, prospect_json
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.reference.http.start_body import parse_start
from prospecting_conformance.reference.store import Store

__all__ = ["Handlers"]

# The faults that look a start's saved search up in every account group (A7).
FOREIGN_SEARCH_FAULTS: tuple[FaultName, ...] = (
    "foreign_saved_search_accepted",
    "foreign_saved_search_forbidden",
)


class Handlers:
    """The operations, sharing one store, one responder and one fault set."""

    def __init__(self, store: Store, responder: Responder, faults: ActiveFaults) -> None:
        self.store = store
        self.respond = responder.respond
        self.error = responder.error
        self.trace_id = responder.trace_id
        self.faults = faults
        self.json = Representations(store, faults)

    async def list_saved_searches(self, request: Request) -> Response:
        items = self.json.items.get(request.path_params["accountGroupId"], [])
        if "items_not_wrapped" in self.faults:
            return self.respond(200, items)
        return self.respond(200, {"items": items})

    async def start_job(self, request: Request) -> Response:
        group = request.path_params["accountGroupId"]
        saved_search_id, problem = parse_start(request, await request.body(), self.faults)
        if saved_search_id is None:
            if "malformed_body_returns_500" in self.faults:
                return self.error(500, "Internal server error.")
            return self.error(400, "The request body is invalid.", problem)
        saved = self.store.find_saved_search(group, saved_search_id)
        if saved is None and self.faults.any_of(FOREIGN_SEARCH_FAULTS):
            # A look-up by id alone, as if ids were unique across tenants.
            saved = self.store.find_saved_search(None, saved_search_id)
            if saved is not None and "foreign_saved_search_forbidden" in self.faults:
                return self.error(403, "Forbidden.", "The saved search belongs to another group.")
        if saved is None and "unknown_saved_search_accepted" not in self.faults:
            return self.error(404, "No such saved search.", f"savedSearchId {saved_search_id!r}")
        view = self.store.start_job(group, saved_search_id, saved.kind if saved else "failing")
        data = self.json.job_json(view)
        if "job_id_not_pollable" in self.faults:
            # The 202 hands out the request's id, not the id the job is stored under.
            data["id"] = self.trace_id()
        headers = None
        if "location_header_missing" not in self.faults:
            headers = {"Location": self.json.location(group, data["id"])}
        self.json.job_started(group, data["id"], saved_search_id)
        status = 200 if "start_job_returns_200" in self.faults else 202
        return self.respond(status, data, None, headers)

    async def get_job(self, request: Request) -> Response:
        group = self._job_scope(request.path_params["accountGroupId"])
        view = self.store.get_job(group, request.path_params["jobId"])
        if view is None:
            return self._no_such_job()
        return self.respond(200, self.json.polled_json(view))

    async def cancel_job(self, request: Request) -> Response:
        group = self._job_scope(request.path_params["accountGroupId"])
        outcome, view = self.store.cancel_job(group, request.path_params["jobId"])
        if view is None:
            return self._no_such_job()
        if outcome == "conflict":
            return self.error(409, f"The job is already {view.status}.", "It cannot be cancelled.")
        return self.respond(200, self.json.polled_json(view))

    async def get_prospect(self, request: Request) -> Response:
        params = request.path_params
        prospect = self.store.find_prospect(params["accountGroupId"], params["providerId"])
        if prospect is None:
            return self.error(404, "No such prospect.", "No prospect has that provider id.")
        return self.respond(200, prospect_json(prospect))

    def _job_scope(self, group: str) -> str | None:
        """The group a job is looked up in; None (every group) under cross_tenant_job_access."""
        return None if "cross_tenant_job_access" in self.faults else group

    def _no_such_job(self) -> Response:
        if "unknown_job_returns_500" in self.faults:
            return self.error(500, "Internal server error.")
        return self.error(404, "No such prospecting job.")
