"""The wire witness: a recording proxy between the suite and a reference server.

Used by the selftests (tests/selftest/test_rails_on_the_wire.py); it lives in the library so
that it is typed and linted like the rest, and so that QA can put it in front of a reference
server to see exactly what a run sent.

The rails promise what reaches the target (no write with writes off, the budget, the rate,
the pause after a 429, the configured auth header); a counter inside the suite's own client
proves only the client. This proxy sits where staging would be, forwards every request to a
reference server and records what arrived: method, path, time, whether it carried a key, and
the status it got. It can also play a gateway that takes `Authorization: Bearer` in front of
an API that wants `X-API-Key`, and answer a 429 or a 502 now and then, as a real gateway does.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from prospecting_conformance.core.http import is_write
from prospecting_conformance.reference import seed
from prospecting_conformance.reference.server import ReferenceServer, serve_in_thread

__all__ = [
    "Arrival",
    "RecordingProxy",
    "Witness",
    "busiest_second",
    "early_after_pause",
    "upstream_url",
]

# Headers that belong to one hop, not to the exchange (RFC 9110 §7.6.1), plus what httpx
# recomputes for the body it forwards.
HOP_HEADERS = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "te", "upgrade", "host", "content-length"}
)
KEY_HEADERS = ("x-api-key", "authorization")


@dataclass(frozen=True)
class Arrival:
    """One request as it reached the proxy, and what it was answered."""

    method: str
    path: str
    at: float
    answered_at: float
    had_key: bool
    status: int
    retry_after: float | None = None
    # Who sent it, as the client says: python-httpx (the suite's client) or schemathesis.
    agent: str = ""
    # Answered by the proxy itself (a 429 or 502 it plays), not by the server behind it.
    injected: bool = False

    @property
    def writes(self) -> bool:
        return is_write(self.method)


@dataclass
class RecordingProxy:
    """An ASGI app that forwards to `upstream` and records every arrival.

    `bearer_gateway`: the client must send `Authorization: Bearer <key>`; the proxy hands the
    key on as `X-API-Key` and drops any `X-API-Key` the client sent (the gateway does not know
    that header). `throttle_every`: every Nth request is answered 429 with `Retry-After: 1`
    by the proxy itself. `hiccup_every`: every Nth GET is answered 502, as when the upstream
    behind a gateway stumbles (a GET only: whether a write took effect before a 502 is
    something no client can tell). Neither touches requests with a key in `spared_keys`
    (the rate-limit tests' own key, whose 429s they ask to see unretried).
    """

    upstream: str
    bearer_gateway: bool = False
    throttle_every: int | None = None
    hiccup_every: int | None = None
    spared_keys: frozenset[str] = frozenset()
    arrivals: list[Arrival] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        at = time.monotonic()
        body = await request.body()
        headers = {k: v for k, v in request.headers.items() if k not in HOP_HEADERS}
        had_key = any(headers.get(name) for name in KEY_HEADERS)
        with self._lock:
            count = len(self.arrivals) + 1
            gets = 1 + sum(a.method == "GET" for a in self.arrivals)
        spared = any(key in value for key in self.spared_keys for value in headers.values())
        injected = True
        if not spared and self.throttle_every and count % self.throttle_every == 0:
            response = _gateway_error(429, "rate_limited", {"Retry-After": "1"})
        elif (
            not spared
            and self.hiccup_every
            and request.method == "GET"
            and gets % self.hiccup_every == 0
        ):
            response = _gateway_error(502, "upstream_error", {})
        else:
            injected = False
            response = await self._forward(scope, self._upstream_headers(headers), body)
        retry_after = response.headers.get("retry-after")
        arrival = Arrival(
            method=request.method,
            path=request.url.path,
            at=at,
            answered_at=time.monotonic(),
            had_key=had_key,
            status=response.status_code,
            retry_after=float(retry_after) if retry_after else None,
            agent=request.headers.get("user-agent", ""),
            injected=injected,
        )
        with self._lock:
            self.arrivals.append(arrival)
        await response(scope, receive, send)

    def _upstream_headers(self, headers: dict[str, str]) -> dict[str, str]:
        if not self.bearer_gateway:
            return headers
        authorization = headers.get("authorization")
        headers = {k: v for k, v in headers.items() if k not in KEY_HEADERS}
        if authorization is not None:
            scheme, _, credential = authorization.partition(" ")
            # Anything but a Bearer credential is no key at all for this gateway.
            headers["x-api-key"] = credential if scheme == "Bearer" else ""
        return headers

    async def _forward(self, scope: Scope, headers: dict[str, str], body: bytes) -> Response:
        url = upstream_url(self.upstream, scope)
        # A client per request: nothing is left open when the witness stops.
        async with httpx.AsyncClient(timeout=30.0) as client:
            upstream = await client.request(scope["method"], url, headers=headers, content=body)
        kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
        kept.pop("content-encoding", None)
        return Response(upstream.content, status_code=upstream.status_code, headers=kept)


def upstream_url(upstream: str, scope: Scope) -> httpx.URL:
    """`upstream` with the request's path and query as they arrived, byte for byte: generated
    cases send what no router would."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    return httpx.URL(upstream).copy_with(raw_path=raw_path + (b"?" + query if query else b""))


def _gateway_error(status: int, code: str, headers: dict[str, str]) -> Response:
    body = {
        "success": False,
        "data": None,
        "error": {"code": code, "message": "The gateway answered for the API.", "details": ""},
        "traceId": f"gateway-{uuid.uuid4()}",
    }
    return Response(
        json.dumps(body), status_code=status, headers=headers, media_type="application/json"
    )


class Witness:
    """A reference server behind a recording proxy, both in threads of this process."""

    def __init__(
        self,
        faults: Sequence[str] = (),
        *,
        bearer_gateway: bool = False,
        throttle_every: int | None = None,
        hiccup_every: int | None = None,
    ) -> None:
        self.reference = ReferenceServer(faults).start()
        self.proxy = RecordingProxy(
            self.reference.base_url,
            bearer_gateway=bearer_gateway,
            throttle_every=throttle_every,
            hiccup_every=hiccup_every,
            spared_keys=frozenset({seed.KEY_LOW_QUOTA}),
        )
        self._server: uvicorn.Server
        self._server, self._thread, self.base_url = serve_in_thread(self.proxy, name="witness")

    @property
    def arrivals(self) -> list[Arrival]:
        return list(self.proxy.arrivals)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.reference.stop()


def busiest_second(times: Sequence[float]) -> int:
    """The most arrivals inside any one-second window [t, t + 1)."""
    ordered = sorted(times)
    most, first = 0, 0
    for last, at in enumerate(ordered):
        while ordered[first] <= at - 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


def early_after_pause(arrivals: Sequence[Arrival]) -> list[tuple[Arrival, Arrival]]:
    """(a 429, a request that arrived before its Retry-After was over) pairs."""
    early = []
    for limited in arrivals:
        if limited.status != 429 or limited.retry_after is None:
            continue
        resumes = limited.answered_at + limited.retry_after
        early += [
            (limited, other) for other in arrivals if limited.answered_at < other.at < resumes
        ]
    return early
