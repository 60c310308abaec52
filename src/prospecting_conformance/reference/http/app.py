"""The reference server's HTTP layer: a Starlette app implementing the spec's five operations.

It follows docs/contract.md §2 to the letter, inferred rules included: every response (unknown
routes and wrong methods too) is the JSON envelope with a fresh 24-hex traceId (responses.py);
checks run in the order authentication → quota → permission → validation → existence (I10);
a key reaches only its own account group (I11). The paths and required scopes come from the
spec itself (scopes.py), so the server cannot drift from the document the suite tests against.

A request to an operation passes, in this order: the method check (405 with Allow), the
precedence faults (precedence.py), the guard (guard.py), then the handler (handlers.py).
The faults of a lenient front end (front_faults.py) wrap the app; conformant variations
(variations.py) wrap all of it as a gateway would (gateway.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from prospecting_conformance.reference.faults import ActiveFaults, resolve_faults
from prospecting_conformance.reference.gateway import Gateway
from prospecting_conformance.reference.http.front_faults import FRONT_FAULTS, FrontFaults
from prospecting_conformance.reference.http.guard import Guard
from prospecting_conformance.reference.http.handlers import Handlers
from prospecting_conformance.reference.http.precedence import Precedence
from prospecting_conformance.reference.http.responses import ERROR_CODES, Responder
from prospecting_conformance.reference.http.scopes import scope_table
from prospecting_conformance.reference.settings import ReferenceSettings
from prospecting_conformance.reference.store import Store
from prospecting_conformance.reference.variations import (
    ActiveVariations,
    resolve_variations,
    vary_settings,
)
from prospecting_conformance.spec.model import load_spec

__all__ = ["create_app"]

Endpoint = Callable[[Request], Awaitable[Response]]
ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


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
    settings = vary_settings(settings or ReferenceSettings(), varied)
    store = store or Store(settings, chosen)
    responder = Responder(chosen)
    app = Starlette(
        routes=_routes(store, responder, chosen, varied),
        exception_handlers={
            HTTPException: _http_exception(responder, chosen),
            Exception: _server_error(responder),
        },
    )
    # A trailing slash must be a 404 envelope, not a bare 307 redirect (unless a fault says).
    app.router.redirect_slashes = "trailing_slash_redirect" in chosen
    if chosen.any_of(FRONT_FAULTS):
        app.add_middleware(FrontFaults, faults=chosen, responder=responder)
    if varied:
        app.add_middleware(Gateway, variations=varied, error=responder.error)
    app.state.store = store
    app.state.faults = chosen
    app.state.variations = varied
    return app


def _routes(
    store: Store, responder: Responder, faults: ActiveFaults, variations: ActiveVariations
) -> list[Route]:
    spec = load_spec()
    scopes = scope_table(spec)
    guard = Guard(scopes, store.quotas, responder, faults)
    precedence = Precedence(guard, store, responder, faults)
    handlers = Handlers(store, responder, faults)
    by_operation: dict[str, Endpoint] = {
        "listSalesNavigatorSavedSearches": handlers.list_saved_searches,
        "startProspectingJob": handlers.start_job,
        "getProspectingJob": handlers.get_job,
        "cancelProspectingJob": handlers.cancel_job,
        "getProspectByProviderId": handlers.get_prospect,
    }
    routes = []
    for operation_id, handler in by_operation.items():
        operation = spec.operation(operation_id)
        allow = operation.method.upper()
        # head_as_get: HEAD is GET without a body (RFC 9110 §9.3.2); uvicorn drops the body.
        served = (allow, "HEAD") if allow == "GET" and "head_as_get" in variations else (allow,)
        endpoint = _checked(operation_id, served, handler, precedence, guard, responder)
        route = Route(operation.path, _framework_defaults(endpoint, allow, faults))
        # Every method reaches the endpoint, which answers all but its own with 405 and Allow
        # (I12, schemathesis' unsupported_method). Starlette's own method filter would let
        # HEAD through to GET handlers and answer the rest without the envelope.
        route.methods = None
        routes.append(route)
    return routes


def _checked(
    operation_id: str,
    served: tuple[str, ...],
    handler: Endpoint,
    precedence: Precedence,
    guard: Guard,
    responder: Responder,
) -> Endpoint:
    """The handler behind the checks every operation shares: the method, then the guard (and
    a precedence fault's check run too early, if one is on)."""

    async def endpoint(request: Request) -> Response:
        if request.method not in served:
            return responder.method_not_allowed(", ".join(served))
        rejected = await precedence.early_answer(request, operation_id)
        if rejected is None:
            rejected = guard.admit(request, operation_id)
        return rejected if rejected is not None else await handler(request)

    return endpoint


def _framework_defaults(handler: Endpoint, allow: str, faults: ActiveFaults) -> Endpoint:
    """head_answered_blindly, options_default_page: what a framework or a gateway answers when
    left to itself."""
    if not faults.any_of(("head_answered_blindly", "options_default_page")):
        return handler

    async def endpoint(request: Request) -> Response:
        if request.method == "HEAD" and allow == "GET" and "head_answered_blindly" in faults:
            return Response(status_code=200, media_type="application/json")
        if request.method == "OPTIONS" and "options_default_page" in faults:
            return PlainTextResponse("OK", 200, headers={"Allow": f"{allow}, OPTIONS"})
        return await handler(request)

    return endpoint


def _http_exception(responder: Responder, faults: ActiveFaults) -> ExceptionHandler:
    """The framework's own rejections (unknown routes above all) in the envelope."""

    async def answer(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        status = exc.status_code if exc.status_code in ERROR_CODES else 400
        if status == 404:
            if "unknown_route_plain_404" in faults:
                return PlainTextResponse("Not Found", 404)
            return responder.error(404, "No such route.", f"{request.method} {request.url.path}")
        headers = dict(exc.headers) if exc.headers else None
        return responder.error(status, exc.detail or "Request rejected.", "", headers)

    return answer


def _server_error(responder: Responder) -> ExceptionHandler:
    async def answer(request: Request, exc: Exception) -> Response:
        return responder.error(500, "Internal server error.")

    return answer
