"""The reference server as a real deployment serves it: an ASGI layer that applies variations.

Staging is never the reference server: a gateway in front of it compresses and reframes
bodies, another framework writes the JSON its own way, the network adds latency, and now and
then the upstream hiccups. `Gateway` wraps the app and does all of that for the variations
switched on (variations.py), so that the handlers stay exactly the reference implementation
and a variation can never hide a fault by accident: it only rewrites what the app answered
(or answers first, for weather), and every rewrite keeps the meaning (a constant traceId stays
constant, an epoch-number timestamp stays a number).

The order is that of a request through a real stack: latency, then weather (answered by the
gateway before the service sees the request), then the service, then the representation
(framework), then the transport (gateway).
"""

from __future__ import annotations

import asyncio
import gzip
import itertools
import math
import random
import re
import time
from collections.abc import Callable

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.gateway_body import rewrite_body
from prospecting_conformance.reference.variations import BODY_REWRITES, ActiveVariations
from prospecting_conformance.spec.model import load_spec

__all__ = ["ErrorResponder", "Gateway"]

# The app's own error envelope: status, message, details, headers (Responder.error).
ErrorResponder = Callable[[int, str, str, dict[str, str] | None], Response]

LATENCY_RANGE_S = (0.001, 0.008)
NETWORK_LATENCY_RANGE_S = (0.05, 0.40)
SLOW_FIRST_BYTE_EVERY, SLOW_FIRST_BYTE_S = 100, 0.5
OUTAGE_EVERY, OUTAGE_AT = 29, 17
BURST_FIRST, BURST_EVERY, BURST_SECONDS = 60, 200, 1.0
# rate_limit_storm: a key's requests from the STORM_AT-th on, STORM_LENGTH of them, get 429.
STORM_AT, STORM_LENGTH = 2, 21
CLOSE_EVERY = 15
CHUNKS = 3


def _route_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")


class _Captured:
    """The app's answer, held back so that it can be rewritten before it leaves."""

    def __init__(self) -> None:
        self.start: Message = {}
        self.body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.body.append(message.get("body", b""))


class Gateway:
    """ASGI middleware: `Gateway(app, variations, error)`; `error` builds the app's envelope."""

    def __init__(
        self,
        app: ASGIApp,
        variations: ActiveVariations,
        error: ErrorResponder,
        *,
        seed_value: int = 13,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.on = variations
        self.error = error
        self.clock = clock
        self._random = random.Random(seed_value)
        # Its own generator: switching one latency on does not shift the other's draws.
        self._network = random.Random(seed_value + 1)
        self._requests = itertools.count(1)
        self._per_operation: dict[str, int] = {}
        self._outages = 0
        self._per_key: dict[str, int] = {}
        self._storm_per_key: dict[str, int] = {}
        self._blocked_until: dict[str, float] = {}
        self._operations = [
            (op.method.upper(), _route_pattern(op.path), op_id)
            for op_id, op in load_spec().operations.items()
        ]
        self._rewrites_body = variations.any_of(BODY_REWRITES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        number = next(self._requests)
        delay = self._delay(number)
        if delay:
            await asyncio.sleep(delay)
        captured = _Captured()
        weather = self._weather(scope)
        await (weather or self.app)(scope, receive, captured)
        await self._emit(scope, captured, number, send)

    # -- timing and weather --------------------------------------------------------------------

    def _delay(self, number: int) -> float:
        delay = 0.0
        if "latency_jitter" in self.on:
            delay += self._random.uniform(*LATENCY_RANGE_S)
        if "network_latency" in self.on:
            delay += self._network.uniform(*NETWORK_LATENCY_RANGE_S)
        if "slow_first_byte" in self.on and number % SLOW_FIRST_BYTE_EVERY == 0:
            delay += SLOW_FIRST_BYTE_S
        return delay

    def _operation(self, scope: Scope) -> str | None:
        method, path = scope["method"].upper(), scope["path"]
        for op_method, pattern, op_id in self._operations:
            if op_method == method and pattern.match(path):
                return op_id
        return None

    def _weather(self, scope: Scope) -> Response | None:
        """A gateway's answer instead of the service's, or None to let the request through."""
        if not self.on.any_of(("occasional_5xx", "rate_limit_burst", "rate_limit_storm")):
            return None
        operation = self._operation(scope)
        if operation is None:
            return None  # unknown paths and unsupported methods: the service answers
        if "occasional_5xx" in self.on:
            count = self._per_operation[operation] = self._per_operation.get(operation, 0) + 1
            if count % OUTAGE_EVERY == OUTAGE_AT:
                self._outages += 1
                if self._outages % 2:
                    details = "The gateway could not reach the service."
                    return self.error(502, "Upstream service error.", details, None)
                return self.error(500, "Internal server error.", "", None)
        # Rate limits count per key, after authentication (I10): an unknown key is the
        # service's 401 to give, never a 429.
        key = _header(scope, b"x-api-key")
        if key is None or key not in seed.DEMO_KEYS:
            return None
        if "rate_limit_storm" in self.on:
            count = self._storm_per_key[key] = self._storm_per_key.get(key, 0) + 1
            if STORM_AT <= count < STORM_AT + STORM_LENGTH:
                return self._rate_limited(1)
        if "rate_limit_burst" in self.on:
            return self._burst(key)
        return None

    def _burst(self, key: str) -> Response | None:
        now = self.clock()
        blocked_until = self._blocked_until.get(key, 0.0)
        if now >= blocked_until:
            count = self._per_key[key] = self._per_key.get(key, 0) + 1
            opens = count == BURST_FIRST or (
                count > BURST_FIRST and (count - BURST_FIRST) % BURST_EVERY == 0
            )
            if not opens:
                return None
            blocked_until = self._blocked_until[key] = now + BURST_SECONDS
        return self._rate_limited(max(1, math.ceil(blocked_until - now)))  # whole seconds (I12)

    def _rate_limited(self, wait: int) -> Response:
        return self.error(
            429, "Rate limit exceeded.", f"Retry in {wait} s.", {"Retry-After": str(wait)}
        )

    # -- the answer, rewritten -----------------------------------------------------------------

    async def _emit(self, scope: Scope, captured: _Captured, number: int, send: Send) -> None:
        start = captured.start
        body = b"".join(captured.body)
        headers = [(name.lower(), value) for name, value in start.get("headers", [])]
        if self._rewrites_body and _is_json(headers):
            body = rewrite_body(body, self.on)
        if "content_type_charset" in self.on and _is_json(headers):
            headers = _replace(headers, b"content-type", b"application/json;charset=UTF-8")
        if "absolute_location" in self.on:
            location = _value(headers, b"location")
            if location is not None and location.startswith(b"/"):
                headers = _replace(headers, b"location", _origin(scope) + location)
        if "connection_close" in self.on and number % CLOSE_EVERY == 0:
            headers.append((b"connection", b"close"))
        if "gzip_when_accepted" in self.on and _accepts_gzip(scope):
            body = gzip.compress(body, mtime=0)
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        headers = [(n, v) for n, v in headers if n != b"content-length"]
        chunked = "chunked_bodies" in self.on
        if not chunked:
            headers.append((b"content-length", str(len(body)).encode()))
        if "header_names_title_case" in self.on:
            headers = [(_title(name), value) for name, value in headers]
        await send({**start, "headers": headers})
        if not chunked or len(body) < CHUNKS:
            await send({"type": "http.response.body", "body": body})
            return
        size = -(-len(body) // CHUNKS)
        for offset in range(0, len(body), size):
            more = offset + size < len(body)
            await send(
                {
                    "type": "http.response.body",
                    "body": body[offset : offset + size],
                    "more_body": more,
                }
            )


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _accepts_gzip(scope: Scope) -> bool:
    for coding in (_header(scope, b"accept-encoding") or "").split(","):
        token, _, params = coding.strip().partition(";")
        if token.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def _is_json(headers: list[tuple[bytes, bytes]]) -> bool:
    content_type = _value(headers, b"content-type") or b""
    return content_type.split(b";")[0].strip().lower() == b"application/json"


def _value(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((v for n, v in headers if n == name), None)


def _replace(
    headers: list[tuple[bytes, bytes]], name: bytes, value: bytes
) -> list[tuple[bytes, bytes]]:
    return [(n, value if n == name else v) for n, v in headers]


def _origin(scope: Scope) -> bytes:
    host = _header(scope, b"host")
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}".encode("latin-1")


def _title(name: bytes) -> bytes:
    return b"-".join(part.capitalize() for part in name.split(b"-"))
