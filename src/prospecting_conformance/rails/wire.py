"""Where the rails meet the wire: httpx and requests both send through them.

The suite's client speaks httpx; schemathesis speaks requests. Each gets the rails at the
one point its requests cannot avoid:

- `RailsTransport`, an httpx transport, for the suite's client (and so the contract tests,
  the preflight and settle);
- `RailsAdapter`, a requests adapter, which sees every request a session sends, redirects
  included. `fuzz/transport.py` puts it on every session schemathesis sends with.

The wire witness selftests (tests/selftest/test_rails_on_the_wire.py) count what reaches the
target through a recording proxy: an upgrade of schemathesis that opens a new path around
these points shows there.

Both send a request again, once, when its kept-alive connection drops before the answer
(`Rails.send_again_after_drop`): the idle-timeout race every client that reuses connections
meets, and mends with a new one.

Both also time what they send: from the request leaving to the response's headers arriving,
the last attempt only (`elapsed_s`). What callers could time themselves would include the
rails' own waits (rate, Retry-After, retries), which are not the target's latency.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
import requests
import urllib3
from requests.adapters import HTTPAdapter

from prospecting_conformance.rails.gate import BudgetRefusal, Rails, RequestBudgetExceeded, Tries
from prospecting_conformance.rails.weather import WEATHER_STATUSES

__all__ = ["RETRY_ON", "RailsAdapter", "RailsTransport", "elapsed_s", "mount_rails"]

# Request (httpx or requests) -> seconds its last attempt took to get an answer. Weak: an
# entry goes with its request, whoever keeps it.
_Sent = TypeVar("_Sent")
_ELAPSED: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()


def elapsed_s(request: Any) -> float | None:
    """How long the target took to answer `request` (its last attempt), if the rails sent it."""
    return _ELAPSED.get(request)


def _timed(request: object, send: Callable[[], _Sent]) -> _Sent:
    started = time.perf_counter()
    response = send()
    _ELAPSED[request] = time.perf_counter() - started
    return response


# What httpx and requests raise when the connection dropped before the answer (a reset, a
# close): not a refused connection or a timeout, which a new connection does not mend.
_HTTPX_DROPS = (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)


def _dropped(exc: requests.ConnectionError) -> bool:
    """Whether requests' connection error is a drop: urllib3 says "Connection aborted"."""
    return isinstance(exc.args[0] if exc.args else None, urllib3.exceptions.ProtocolError)


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
        tries = Tries()
        while True:
            self.rails.admit(request.method, str(request.url), settling=self.settling)
            try:
                response = _timed(request, lambda: self.inner.handle_request(request))
            except _HTTPX_DROPS:
                if self.rails.send_again_after_drop(request.method, str(request.url), tries):
                    continue
                raise
            status = response.status_code
            self.rails.answered(status, response.headers.get("retry-after"))
            if status not in retry_on or not self.rails.send_again(
                request.method,
                str(request.url),
                status,
                tries,
                created="location" in response.headers,
            ):
                return response
            response.close()

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
        try:
            return self._send(request, *args, **kwargs)
        except RequestBudgetExceeded as spent:
            if not self.in_worker_thread:
                raise
            raise BudgetRefusal(str(spent)) from None

    def _send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        method, url = str(request.method), str(request.url)
        tries = Tries()
        while True:
            self.rails.admit(method, url)
            try:
                response = _timed(
                    request, lambda: super(RailsAdapter, self).send(request, *args, **kwargs)
                )
            except requests.ConnectionError as exc:
                if _dropped(exc) and self.rails.send_again_after_drop(method, url, tries):
                    continue
                raise
            self.rails.answered(response.status_code, response.headers.get("Retry-After"))
            if not self.rails.send_again(
                method, url, response.status_code, tries, created="Location" in response.headers
            ):
                return response
            response.close()


def mount_rails(session: requests.Session, adapter: RailsAdapter) -> requests.Session:
    """`session`, sending every request, http or https, through the rails' adapter."""
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
