"""The reading faults of a lenient front end: routes matched loosely (H3) and Accept misread
(H2), before the router sees the request and after the app has answered.

A real service gets these from its framework or the proxy in front of it (nginx merging
slashes, a router matching case-insensitively, an error page rendered for browsers), not from
its handlers, so they live in an ASGI layer around the app, inside the gateway of the
variations: a variation never changes what they do.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prospecting_conformance.reference.faults import ActiveFaults, FaultName
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.spec.model import load_spec

__all__ = ["FRONT_FAULTS", "FrontFaults"]

FRONT_FAULTS: tuple[FaultName, ...] = (
    "routes_case_insensitive",
    "doubled_slashes_merged",
    "html_error_page_for_browsers",
    "accept_first_type_only",
    "missing_accept_rejected",
)
# Media ranges a JSON answer satisfies (RFC 9110 §12.5.1).
JSON_RANGES = frozenset({"application/json", "application/*", "*/*"})


def _accept(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name.lower() == b"accept":
            return bytes(value).decode("latin-1")
    return None


def _first_range(accept: str) -> str:
    return accept.split(",")[0].partition(";")[0].strip().lower()


def _html_page(status: int) -> bytes:
    title = f"{status} {HTTPStatus(status).phrase}"
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>"
        "<hr><p>Server</p></body></html>".encode()
    )


class FrontFaults:
    """ASGI middleware: `FrontFaults(app, faults, responder)`; the fault names are FRONT_FAULTS."""

    def __init__(self, app: ASGIApp, faults: ActiveFaults, responder: Responder) -> None:
        self.app = app
        self.faults = faults
        self.responder = responder
        self._routes = [
            re.compile(
                "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(operation.path)) + "$",
                re.IGNORECASE,
            )
            for operation in load_spec().operations.values()
        ]
        self._templates = [operation.path for operation in load_spec().operations.values()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = self._routed_path(scope["path"])
        if path != scope["path"]:
            scope = dict(scope, path=path, raw_path=path.encode())
        accept = _accept(scope)
        if self._refuses(accept):
            details = f"Accept {accept!r} names no type this API produces." if accept else ""
            error = {"code": "not_acceptable", "message": "Not acceptable.", "details": details}
            await self.responder.respond(406, None, error)(scope, receive, send)
            return
        html = "html_error_page_for_browsers" in self.faults and accept is not None
        if html and _first_range(accept or "") == "text/html":
            await self.app(scope, receive, _ErrorPage(send))
            return
        await self.app(scope, receive, send)

    def _routed_path(self, path: str) -> str:
        """The path the router sees: slashes merged, literal segments in the route's case."""
        if "doubled_slashes_merged" in self.faults:
            path = re.sub("/{2,}", "/", path)
        if "routes_case_insensitive" in self.faults:
            for pattern, template in zip(self._routes, self._templates, strict=True):
                if pattern.match(path):
                    pairs = zip(template.split("/"), path.split("/"), strict=True)
                    return "/".join(given if "{" in t else t for t, given in pairs)
        return path

    def _refuses(self, accept: str | None) -> bool:
        if accept is None:
            return "missing_accept_rejected" in self.faults
        return "accept_first_type_only" in self.faults and _first_range(accept) not in JSON_RANGES


class _ErrorPage:
    """A send that turns an error answer into the framework's HTML error page."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.status = 200

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            if self.status >= 400:
                page = _html_page(self.status)
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if name.lower() not in (b"content-type", b"content-length")
                ]
                headers += [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(page)).encode()),
                ]
                await self.send({**message, "headers": headers})
                await self.send({"type": "http.response.body", "body": page})
                return
        elif message["type"] == "http.response.body" and self.status >= 400:
            return
        await self.send(message)
