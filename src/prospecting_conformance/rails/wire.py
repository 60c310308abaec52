"""Where the rails meet the wire: httpx, requests and schemathesis all send through them.

The suite's client speaks httpx; schemathesis speaks requests, and sends some requests
(auth probes, the stateful phase) outside any session the suite could hand it. Each gets the
rails at the one point its requests cannot avoid:

- `RailsTransport`, an httpx transport, for the suite's client (and so the contract tests,
  the preflight and settle);
- `RailsAdapter`, a requests adapter, which sees every request a session sends, redirects
  included;
- `railed_schema`, which makes a schemathesis schema send every case and auth probe through
  a session that carries that adapter, and `railed_engine_sessions`, which gives the same
  adapter to the sessions schemathesis' engine opens for itself (the stateful phase and its
  capability probes).

The wire witness selftests (tests/selftest/test_rails_on_the_wire.py) count what reaches the
target through a recording proxy: an upgrade of schemathesis that opens a new path around
these points shows there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import httpx
import requests
from requests.adapters import HTTPAdapter
from schemathesis.engine import context as engine_context
from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport

from prospecting_conformance.rails.gate import BudgetRefusal, Rails, RequestBudgetExceeded
from prospecting_conformance.rails.weather import WEATHER_STATUSES

__all__ = [
    "RETRY_ON",
    "RailsAdapter",
    "RailsTransport",
    "railed_engine_sessions",
    "railed_schema",
]


# An httpx request extension: the weather statuses the rails may send this request again on
# (the rate-limit tests leave out 429, to see it; the poller keeps its own count, and none).
RETRY_ON = "prospecting_retry_on"


class RailsTransport(httpx.BaseTransport):
    """An httpx transport that admits every request through the rails, and retries weather."""

    def __init__(
        self, rails: Rails, inner: httpx.BaseTransport | None = None, *, settling: bool = False
    ) -> None:
        self.rails = rails
        self.inner = inner or httpx.HTTPTransport()
        self.settling = settling

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        retry_on = request.extensions.get(RETRY_ON, WEATHER_STATUSES)
        attempt = 1
        while True:
            self.rails.admit(request.method, str(request.url), settling=self.settling)
            response = self.inner.handle_request(request)
            status = response.status_code
            self.rails.answered(status, response.headers.get("retry-after"))
            if status not in retry_on or not self.rails.send_again(
                request.method,
                str(request.url),
                status,
                attempt,
                created="location" in response.headers,
            ):
                return response
            response.close()
            attempt += 1

    def close(self) -> None:
        self.inner.close()


class RailsAdapter(HTTPAdapter):
    """A requests adapter that admits every request through the rails.

    `in_worker_thread`: the sessions it serves send from threads that the run does not own
    (schemathesis' engine), where a spent budget must be an ordinary error (`BudgetRefusal`).
    """

    def __init__(self, rails: Rails, *, in_worker_thread: bool = False) -> None:
        super().__init__()
        self.rails = rails
        self.in_worker_thread = in_worker_thread

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        method, url = str(request.method), str(request.url)
        attempt = 1
        while True:
            self._admit(method, url)
            response = super().send(request, *args, **kwargs)
            self.rails.answered(response.status_code, response.headers.get("Retry-After"))
            if not self.rails.send_again(
                method, url, response.status_code, attempt, created="Location" in response.headers
            ):
                return response
            response.close()
            attempt += 1

    def _admit(self, method: str, url: str) -> None:
        try:
            self.rails.admit(method, url)
        except RequestBudgetExceeded as spent:
            if not self.in_worker_thread:
                raise
            raise BudgetRefusal(str(spent)) from None


def mount_rails(session: requests.Session, adapter: RailsAdapter) -> requests.Session:
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class _RailedTransport(RequestsTransport):
    """schemathesis' requests transport with the rails' adapter on whatever session it uses.

    Without a session (generated cases, and the auth probes, which drop the run's session on
    purpose) it would open a plain one; the run's own railed session stands in for it.
    """

    def __init__(self, adapter: RailsAdapter) -> None:
        super().__init__()
        # Serializers are registered on schemathesis' own transport object: share its registry
        # (the same dict), so every media type it can send, this one can.
        self._serializers = REQUESTS_TRANSPORT._serializers
        self.adapter = adapter
        self.session = mount_rails(requests.Session(), adapter)

    def send(self, case: Any, *, session: requests.Session | None = None, **kwargs: Any) -> Any:
        if session is None:
            session = self.session
        elif not isinstance(session.get_adapter("http://"), RailsAdapter):
            mount_rails(session, self.adapter)
        return super().send(case, session=session, **kwargs)


def railed_schema(schema: Any, rails: Rails) -> Any:
    """`schema`, sending through the rails; its clones (include, exclude) do too.

    schemathesis reads a schema's transport from a property of its class and clones a schema
    through `self.__class__`, so the one place that holds for every request and every clone is
    a subclass that answers the railed transport.
    """
    transport = _RailedTransport(RailsAdapter(rails))
    railed = type(
        f"Railed{type(schema).__name__}",
        (type(schema),),
        {"transport": property(lambda self: transport)},
    )
    schema.__class__ = railed
    return schema


@contextmanager
def railed_engine_sessions(rails: Rails) -> Iterator[None]:
    """While open, every session schemathesis' engine makes sends through the rails.

    The engine builds its sessions, and the capability probes it sends before a phase, with
    `engine.context.make_session`, looked up at call time; it offers no other way in.
    """
    adapter = RailsAdapter(rails, in_worker_thread=True)
    make_session = engine_context.make_session

    def railed_make_session(*args: Any, **kwargs: Any) -> requests.Session:
        return mount_rails(make_session(*args, **kwargs), adapter)

    with mock.patch.object(engine_context, "make_session", railed_make_session):
        yield
