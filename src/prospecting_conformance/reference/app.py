"""The reference server's HTTP layer: a Starlette app implementing the spec's five operations.

It follows DESIGN.md §2 to the letter, inferred rules included: every response (unknown routes
and wrong methods too) is the JSON envelope with a fresh 24-hex traceId; checks run in the
order authentication → quota → permission → validation → existence (I10); a key reaches only
its own account group (I11). The paths and required scopes come from the spec itself, so the
server cannot drift from the document the suite tests against.

Faults (faults.py) are switched on per app. Each is a plain membership test at the point where
the regression would live in a real service, so the unfaulted request path stays lean.
"""

from __future__ import annotations

import itertools
import json
import secrets
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import resolve_faults
from prospecting_conformance.reference.gateway import Gateway
from prospecting_conformance.reference.seed import DemoKey
from prospecting_conformance.reference.store import JobView, Prospect, ReferenceSettings, Store
from prospecting_conformance.reference.variations import resolve_variations, vary_settings
from prospecting_conformance.spec.model import load_spec

__all__ = ["ERROR_CODES", "create_app"]

# The stable codes of I13, by status; the spec's x-error-code agrees (a selftest checks).
ERROR_CODES: dict[int, str] = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "rate_limited",
    500: "internal_error",
    502: "upstream_error",
}

READ, WRITE, PROSPECTS = "prospecting:read", "prospecting:write", "prospects:read"
SOURCE = "sales_navigator"
JSON_TYPE = "application/json"

Endpoint = Callable[[Request], Awaitable[Response]]


class _TraceIds:
    """24-hex ids like the docs' examples; a counter from a random start keeps them unique."""

    def __init__(self) -> None:
        self._next = itertools.count(secrets.randbits(92)).__next__

    def __call__(self) -> str:
        return f"{self._next():024x}"


class _RecycledTraceIds(_TraceIds):
    """trace_id_recycled: a ring of ids, so one comes back every `size` responses."""

    def __init__(self, size: int) -> None:
        fresh = _TraceIds()
        self._ring = [fresh() for _ in range(size)]
        self._position = itertools.count()

    def __call__(self) -> str:
        return self._ring[next(self._position) % len(self._ring)]


# The I10 checks, in their order, with the status each answers when it fails.
CHECK_STATUS: dict[str, int] = {"auth": 401, "scope": 403, "group": 403, "body": 400, "exists": 404}

# Precedence faults: (the check run too early, the check it jumps ahead of, operations). The
# swap shows when exactly those two checks fail: the early one answers instead of the due one.
PRECEDENCE_SWAPS: dict[str, tuple[str, str, frozenset[str]]] = {
    "group_checked_before_auth": ("group", "auth", frozenset({"*"})),
    "job_loaded_before_auth": ("exists", "auth", frozenset({"get", "cancel"})),
    "body_validated_before_scope_check": ("body", "scope", frozenset({"start"})),
    "body_validated_before_group_check": ("body", "group", frozenset({"start"})),
    "saved_search_checked_before_scope_check": ("exists", "scope", frozenset({"start"})),
    "job_loaded_before_scope_check": ("exists", "scope", frozenset({"get", "cancel"})),
    "job_loaded_before_group_check": ("exists", "group", frozenset({"get", "cancel"})),
    "prospect_looked_up_before_scope_check": ("exists", "scope", frozenset({"lookup"})),
    "saved_search_checked_before_body": ("exists", "body", frozenset({"start"})),
}


class _Api:
    """The handlers, sharing one store, one traceId source and one fault set."""

    def __init__(self, store: Store, faults: frozenset[str]) -> None:
        self.store = store
        self.faults = faults
        self.trace_id = _TraceIds()
        # Envelope faults touch every response; one flag keeps the clean path to one test.
        self.bend_envelope = any(
            f in faults
            for f in (
                "trace_id_missing",
                "trace_id_constant",
                "success_true_on_errors",
                "data_not_null_on_error",
                "error_not_null_on_success",
                "error_code_missing",
                "error_code_generic",
                "error_details_not_string",
                "content_type_text_plain",
            )
        )
        if "trace_id_recycled" in faults:
            self.trace_id = _RecycledTraceIds(512)
        self.swaps = {name: PRECEDENCE_SWAPS[name] for name in faults if name in PRECEDENCE_SWAPS}
        # Per account group: the latest job started, and its saved search (blindspot faults).
        self.latest_job: dict[str, tuple[str, str]] = {}
        # The saved-search lists never change: render their items once.
        self.items: dict[str, list[dict[str, Any]]] = {
            group: self._saved_search_items(group) for group in seed.ACCOUNT_GROUPS
        }

    # -- responses -----------------------------------------------------------------------------

    def respond(
        self,
        status: int,
        data: Any = None,
        error: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        body: dict[str, Any] = {
            "success": 200 <= status < 300,
            "data": data,
            "error": error,
            "traceId": self.trace_id(),
        }
        media_type = JSON_TYPE
        if self.bend_envelope:
            media_type = self._bend(body)
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(content, status, headers, media_type)

    def error(
        self, status: int, message: str, details: str = "", headers: dict[str, str] | None = None
    ) -> Response:
        error = {"code": ERROR_CODES[status], "message": message, "details": details}
        return self.respond(status, None, error, headers)

    def _bend(self, body: dict[str, Any]) -> str:
        faults, error = self.faults, body["error"]
        if error is not None:
            if "success_true_on_errors" in faults:
                body["success"] = True
            if "data_not_null_on_error" in faults:
                body["data"] = {}
            if "error_code_generic" in faults:
                error["code"] = "error"
            if "error_code_missing" in faults:
                del error["code"]
            if "error_details_not_string" in faults:
                error["details"] = {"reason": error.get("details", "")}
        elif "error_not_null_on_success" in faults:
            body["error"] = {"code": "", "message": ""}
        if "trace_id_constant" in faults:
            body["traceId"] = "000000000000000000000001"
        if "trace_id_missing" in faults:
            del body["traceId"]
        return "text/plain; charset=utf-8" if "content_type_text_plain" in faults else JSON_TYPE

    def method_not_allowed(self, allow: str) -> Response:
        return self.error(
            405, "Method not allowed.", f"This path allows {allow} only.", {"Allow": allow}
        )

    # -- authentication, quota, permission (I10, I11) -------------------------------------------

    def authorize(
        self, request: Request, scope: str, account_group_id: str, *, any_group: bool = False
    ) -> DemoKey | Response:
        faults = self.faults
        key = request.headers.get("x-api-key")
        if key is None:
            if "missing_key_returns_403" in faults:
                return self.error(403, "Missing required permission.")
            return self.error(401, "Invalid or missing API key.", "Send the key in X-API-Key.")
        demo = seed.DEMO_KEYS.get(key)
        if demo is None:
            if "invalid_key_accepted" not in faults:
                return self.error(401, "Invalid or missing API key.", "The key is not known.")
            demo = seed.DEMO_KEYS[seed.KEY_ALL]
        if demo.low_quota:
            wait = self.store.retry_after(demo.key)
            if wait is not None:
                headers = None
                if "rate_limit_without_retry_after" not in faults:
                    headers = {"Retry-After": str(wait)}
                return self.error(429, "Rate limit exceeded.", f"Retry in {wait} s.", headers)
        if not self._holds(demo, scope):
            return self.error(403, "Missing required permission.", f"The key lacks {scope}.")
        if demo.account_group_id != account_group_id and not any_group:
            return self.error(
                403, "Missing required permission.", "The key belongs to another account group."
            )
        return demo

    def _holds(self, demo: DemoKey, scope: str) -> bool:
        if scope in demo.scopes:
            return True
        faults = self.faults
        if not faults:
            return False
        return (
            (scope == WRITE and READ in demo.scopes and "read_scope_allows_write" in faults)
            or (scope == READ and WRITE in demo.scopes and "write_scope_allows_read" in faults)
            or (scope == PROSPECTS and "prospects_scope_not_enforced" in faults)
        )

    # -- precedence faults (blindspot) ---------------------------------------------------------

    async def swapped_precedence(
        self, request: Request, operation: str, scope: str
    ) -> Response | None:
        """When exactly the two checks of a swap fault fail, the one run too early answers."""
        failing = await self._failing_checks(request, operation, scope)
        for early, due, operations in self.swaps.values():
            if failing == {early, due} and ("*" in operations or operation in operations):
                return self.error(CHECK_STATUS[early], f"Rejected by the {early} check.")
        return None

    async def _failing_checks(self, request: Request, operation: str, scope: str) -> set[str]:
        params = request.path_params
        group = params["accountGroupId"]
        demo = seed.DEMO_KEYS.get(request.headers.get("x-api-key", ""))
        failing = set()
        if demo is None:
            # Without a known key, the tenant router takes the primary group for home.
            failing |= {"auth"} | ({"group"} if group != seed.PRIMARY_ACCOUNT_GROUP_ID else set())
        else:
            failing |= {"scope"} if scope not in demo.scopes else set()
            failing |= {"group"} if demo.account_group_id != group else set()
        if operation == "start":
            body = await request.body()
            if _parse_start(request, body)[0] is None:
                failing.add("body")
            claimed = _claimed_saved_search(body)
            found = claimed is None or self.store.find_saved_search(group, claimed) is not None
        elif operation in ("get", "cancel"):
            found = self.store.has_job(group, params["jobId"])
        elif operation == "lookup":
            found = self.store.find_prospect(group, params["providerId"]) is not None
        else:
            found = True
        return failing if found else failing | {"exists"}

    # -- operations ----------------------------------------------------------------------------

    async def list_saved_searches(self, request: Request) -> Response:
        if request.method != "GET":
            return self.method_not_allowed("GET")
        if self.swaps and (swapped := await self.swapped_precedence(request, "list", READ)):
            return swapped
        group = request.path_params["accountGroupId"]
        cross = "cross_tenant_saved_searches" in self.faults
        auth = self.authorize(request, READ, group, any_group=cross)
        if isinstance(auth, Response):
            return auth
        items = self.items.get(group, [])
        if "items_not_wrapped" in self.faults:
            return self.respond(200, items)
        return self.respond(200, {"items": items})

    async def start_job(self, request: Request) -> Response:
        if request.method != "POST":
            return self.method_not_allowed("POST")
        if self.swaps and (swapped := await self.swapped_precedence(request, "start", WRITE)):
            return swapped
        group = request.path_params["accountGroupId"]
        if "auth_checked_after_validation" in self.faults:
            _, problem = _parse_start(request, await request.body())
            if problem:
                return self.error(400, "The request body is invalid.", problem)
        auth = self.authorize(request, WRITE, group)
        if isinstance(auth, Response):
            return auth
        saved_search_id, problem = _parse_start(request, await request.body())
        if saved_search_id is None:
            if "malformed_body_returns_500" in self.faults:
                return self.error(500, "Internal server error.")
            return self.error(400, "The request body is invalid.", problem)
        saved = self.store.find_saved_search(group, saved_search_id)
        if saved is None and "unknown_saved_search_accepted" not in self.faults:
            return self.error(404, "No such saved search.", f"savedSearchId {saved_search_id!r}")
        view = self.store.start_job(group, saved_search_id, saved.kind if saved else "failing")
        data = self.job_json(view)
        if "job_id_not_pollable" in self.faults:
            # The 202 hands out the request's id, not the id the job is stored under.
            data["id"] = self.trace_id()
        headers = None
        if "location_header_missing" not in self.faults:
            headers = {"Location": self.location(group, data["id"])}
        self.latest_job[group] = (data["id"], saved_search_id)
        return self.respond(
            200 if "start_job_returns_200" in self.faults else 202, data, None, headers
        )

    async def get_job(self, request: Request) -> Response:
        if request.method != "GET":
            return self.method_not_allowed("GET")
        if self.swaps and (swapped := await self.swapped_precedence(request, "get", READ)):
            return swapped
        group = request.path_params["accountGroupId"]
        auth = self.authorize(request, READ, group)
        if isinstance(auth, Response):
            return auth
        view = self.store.get_job(self._job_scope(group), request.path_params["jobId"])
        if view is None:
            return self._no_such_job()
        return self.respond(200, self.polled_json(view))

    async def cancel_job(self, request: Request) -> Response:
        if request.method != "POST":
            return self.method_not_allowed("POST")
        if self.swaps and (swapped := await self.swapped_precedence(request, "cancel", WRITE)):
            return swapped
        group = request.path_params["accountGroupId"]
        auth = self.authorize(request, WRITE, group)
        if isinstance(auth, Response):
            return auth
        outcome, view = self.store.cancel_job(self._job_scope(group), request.path_params["jobId"])
        if view is None:
            return self._no_such_job()
        if outcome == "conflict":
            return self.error(409, f"The job is already {view.status}.", "It cannot be cancelled.")
        return self.respond(200, self.polled_json(view))

    async def get_prospect(self, request: Request) -> Response:
        if request.method != "GET":
            return self.method_not_allowed("GET")
        if self.swaps and (swapped := await self.swapped_precedence(request, "lookup", PROSPECTS)):
            return swapped
        group = request.path_params["accountGroupId"]
        auth = self.authorize(request, PROSPECTS, group)
        if isinstance(auth, Response):
            return auth
        prospect = self.store.find_prospect(group, request.path_params["providerId"])
        if prospect is None:
            return self.error(404, "No such prospect.", "No prospect has that provider id.")
        return self.respond(200, _prospect_json(prospect))

    # -- representations -----------------------------------------------------------------------

    def job_json(self, view: JobView) -> dict[str, Any]:
        faults = self.faults
        status: str = view.status
        result = None if view.prospect_count is None else {"prospectCount": view.prospect_count}
        error = view.error
        created: str | float = _rfc3339(view.created_at.isoformat(timespec="milliseconds"))
        updated: str | float = _rfc3339(view.updated_at.isoformat(timespec="milliseconds"))
        saved_search_id = view.saved_search_id
        if faults:
            if status == "completed" and "completed_without_result" in faults:
                result = None
            if status == "failed" and "failed_without_error" in faults:
                error = None
            if status == "completed" and "job_status_unknown_value" in faults:
                status = "done"
            if "timestamps_epoch_numbers" in faults:
                created, updated = view.created_at.timestamp(), view.updated_at.timestamp()
            if "job_records_wrong_saved_search" in faults:
                saved_search_id = view.id
            if "created_at_follows_updated_at" in faults:
                created = updated
        return {
            "id": view.id,
            "status": status,
            "source": SOURCE,
            "savedSearchId": saved_search_id,
            "createdAt": created,
            "updatedAt": updated,
            "progress": {"processed": view.processed, "total": view.total},
            "result": result,
            "error": error,
        }

    def location(self, group: str, job_id: str) -> str:
        """The 202's Location: the job's own path, unless a blindspot fault points it away."""
        if "location_names_previous_job" in self.faults and group in self.latest_job:
            job_id = self.latest_job[group][0]
        path = f"/v1/accounts/{quote(group, safe='')}/prospecting/{job_id}"
        if "location_off_target" in self.faults:
            return f"http://jobs.internal.invalid{path}"
        return path

    def polled_json(self, view: JobView) -> dict[str, Any]:
        """The job as get and cancel show it (a shared builder fault bends its saved search)."""
        data = self.job_json(view)
        latest = self.latest_job.get(view.account_group_id)
        if "saved_search_from_shared_builder" in self.faults and latest is not None:
            data["savedSearchId"] = latest[1]
        return data

    def _saved_search_items(self, group: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for number, saved in enumerate(self.store.saved_searches(group), start=1001):
            item: dict[str, Any] = {"id": saved.id, "name": saved.name}
            if "saved_search_id_integer" in self.faults:
                item["id"] = number
            if "saved_search_name_missing" in self.faults:
                del item["name"]
            items.append(item)
        return items

    def _job_scope(self, group: str) -> str | None:
        return None if "cross_tenant_job_access" in self.faults else group

    def _no_such_job(self) -> Response:
        if "unknown_job_returns_500" in self.faults:
            return self.error(500, "Internal server error.")
        return self.error(404, "No such prospecting job.")

    # -- framework-level answers -----------------------------------------------------------------

    async def http_exception(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in ERROR_CODES else 400
        if status == 404:
            if "unknown_route_plain_404" in self.faults:
                return PlainTextResponse("Not Found", 404)
            return self.error(404, "No such route.", f"{request.method} {request.url.path}")
        headers = dict(exc.headers) if exc.headers else None
        return self.error(status, exc.detail or "Request rejected.", "", headers)

    async def server_error(self, request: Request, exc: Exception) -> Response:
        return self.error(500, "Internal server error.")


def _parse_start(request: Request, body: bytes) -> tuple[str | None, str]:
    """The savedSearchId of a valid start-job body (I4), or None and why it is invalid."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type != JSON_TYPE:
        return None, "The body must be application/json."
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None, "The body is not valid JSON."
    if not isinstance(document, dict):
        return None, "The body must be a JSON object."
    if document.get("source") != SOURCE:
        return None, f"source is required and must be {SOURCE!r}."
    saved_search_id = document.get("savedSearchId")
    if not isinstance(saved_search_id, str) or not saved_search_id:
        return None, "savedSearchId is required and must be a non-empty string."
    return saved_search_id, ""


def _claimed_saved_search(body: bytes) -> str | None:
    """The savedSearchId a start body names, valid or not (precedence faults look it up)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    claimed = document.get("savedSearchId") if isinstance(document, dict) else None
    return claimed if isinstance(claimed, str) and claimed else None


def _framework_defaults(handler: Endpoint, allow: str, faults: frozenset[str]) -> Endpoint:
    """head_served_as_get, options_default_page: what a framework answers when left to itself."""

    async def endpoint(request: Request) -> Response:
        if request.method == "HEAD" and allow == "GET" and "head_served_as_get" in faults:
            return await handler(Request(dict(request.scope, method="GET"), request.receive))
        if request.method == "OPTIONS" and "options_default_page" in faults:
            return PlainTextResponse("OK", 200, headers={"Allow": f"{allow}, OPTIONS"})
        return await handler(request)

    return endpoint


def _rfc3339(isoformat: str) -> str:
    return isoformat.replace("+00:00", "Z")


def _prospect_json(prospect: Prospect) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": prospect.id,
        "providerId": prospect.provider_id,
        "fullName": prospect.full_name,
        "profileUrl": prospect.profile_url,
        "sourceJobId": prospect.source_job_id,
    }
    # headline is optional, not nullable: leave it out when unknown.
    if prospect.headline is not None:
        data["headline"] = prospect.headline
    return data


def create_app(
    faults: Iterable[str] = (),
    settings: ReferenceSettings | None = None,
    *,
    store: Store | None = None,
    variations: Iterable[str] = (),
) -> Starlette:
    """The reference app; `faults` are names from FAULTS, `variations` from VARIATIONS
    (a ValueError lists the valid ones)."""
    chosen = resolve_faults(faults)
    varied = resolve_variations(variations)
    if varied:
        settings = vary_settings(settings or ReferenceSettings(), varied)
    store = store or Store(settings, chosen)
    api = _Api(store, chosen)
    spec = load_spec()
    handlers: dict[str, Endpoint] = {
        "listSalesNavigatorSavedSearches": api.list_saved_searches,
        "startProspectingJob": api.start_job,
        "getProspectingJob": api.get_job,
        "cancelProspectingJob": api.cancel_job,
        "getProspectByProviderId": api.get_prospect,
    }
    if chosen & {"head_served_as_get", "options_default_page"}:
        handlers = {
            op: _framework_defaults(handler, spec.operation(op).method.upper(), chosen)
            for op, handler in handlers.items()
        }
    routes = [Route(spec.operation(op).path, handler) for op, handler in handlers.items()]
    for route in routes:
        # Every method reaches the handler, which answers all but its own with 405 and Allow
        # (I12, schemathesis' unsupported_method). Starlette's own method filter would let
        # HEAD through to GET handlers and answer the rest without the envelope.
        route.methods = None
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: api.http_exception, Exception: api.server_error},
    )
    # A trailing slash must be a 404 envelope, not a bare 307 redirect.
    app.router.redirect_slashes = False
    if varied:
        # Conformant variations (variations.py) wrap the app as a gateway would.
        app.add_middleware(Gateway, variations=varied, error=api.error)
    app.state.store = store
    app.state.faults = chosen
    app.state.variations = varied
    return app
