"""The suite's one HTTP client for the Prospecting API, with the safety rails of a live target.

Every conformance test talks to the target through `ProspectingClient`, and so do the
preflight and settle: it builds URLs from the spec, sends the role's key the way the target is
configured to receive it, and returns an `Observed` (the parsed envelope with the raw
response) whatever the status, so that a test can judge a 500 instead of the client hiding
it. It is httpx with two extension points filled in: `KeyAuth` (auth.py) puts the key in the
request, and `RailsTransport` (rails/wire.py) sends it through the run's `Rails`, the same
gate schemathesis' requests pass (budget, rate, `Retry-After`, writes, origin, weather), on
the rails' injectable clock so that unit tests never really wait. A key never appears in its
repr, its errors or its logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypedDict, Unpack

import httpx

from prospecting_conformance.client.auth import HeaderValue, KeyAuth, reveal
from prospecting_conformance.client.errors import (
    ForeignURLRefused,
    TransportFailure,
    transport_finding,
)
from prospecting_conformance.core.clock import Clock, Sleep
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.rails.weather import WEATHER_STATUSES
from prospecting_conformance.rails.wire import RETRY_ON, RailsTransport, elapsed_s
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import KEY_FIELDS, KeyName, TargetConfig

__all__ = ["Observer", "OperationOptions", "ProspectingClient", "SendOptions"]

logger = logging.getLogger("prospecting_conformance.client.api")

Observer = Callable[[Observed], object]


class SendOptions(TypedDict, total=False):
    """How one request is sent; every field may be left out.

    `key` is the role whose configured key is sent (default "all"; None sends no key);
    `raw_key` sends that exact header value instead (invalid-key tests). `retry_on` are the
    weather statuses the rails may send it again on (default all of them; the rate-limit
    tests leave out 429, since they need to see it). `without_headers` leaves out headers
    httpx adds by default (a request with no Accept, H2).
    """

    key: KeyName | None
    raw_key: HeaderValue | None
    headers: Mapping[str, HeaderValue] | None
    retry_on: frozenset[int]
    without_headers: Collection[str]


class OperationOptions(SendOptions, total=False):
    """A spec operation's options: also the account group (default the target's own)."""

    account_group_id: str | None


class ProspectingClient:
    """The five operations of the spec, plus generic requests, against one target."""

    def __init__(
        self,
        config: TargetConfig,
        rails: Rails,
        *,
        spec: Spec | None = None,
        timeout: float = 10.0,
        settling: bool = False,
    ) -> None:
        """A client for `config` that sends through `rails`, the run's one gate.

        The rails have no default: a client with rails of its own would spend outside the
        run's budget and rate.
        """
        self.config = config
        self.rails = rails
        self.spec = spec or rails.spec
        # The poller waits on the same clock as the rails, so unit tests never really wait.
        self.clock: Clock = self.rails.clock
        self.sleep: Sleep = self.rails.sleep
        self.timeout = timeout
        self.redactor = config.redactor()
        self._http = httpx.Client(
            base_url=config.base_url,
            transport=RailsTransport(self.rails, settling=settling),
            timeout=timeout,
            follow_redirects=False,
            # A request hook runs once the auth has put the key in: the log shows which key.
            event_hooks={"request": [self._log_request]},
        )
        self._observers: list[Observer] = []

    @property
    def sent_at(self) -> list[float]:
        """Clock readings at which this process's requests left, so tests can prove pacing (R2)."""
        return self.rails.sent_at

    def __repr__(self) -> str:
        keys = [name for name, f in KEY_FIELDS.items() if getattr(self.config, f) is not None]
        return (
            f"ProspectingClient(base_url={self.config.base_url!r}, "
            f"account_group_id={self.config.account_group_id!r}, keys={keys}, "
            f"requests_sent={self.rails.requests_sent}/{self.config.request_budget})"
        )

    def __enter__(self) -> ProspectingClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def add_observer(self, observer: Observer) -> None:
        """Call `observer` with every response this client receives."""
        self._observers.append(observer)

    # The five operations of the spec, each one line over `request`.

    def list_saved_searches(self, **options: Unpack[OperationOptions]) -> Observed:
        return self.request("listSalesNavigatorSavedSearches", **options)

    def start_job(self, body: Any, **options: Unpack[OperationOptions]) -> Observed:
        return self.request("startProspectingJob", json=body, **options)

    def get_job(self, job_id: str, **options: Unpack[OperationOptions]) -> Observed:
        return self.request("getProspectingJob", path_params={"jobId": job_id}, **options)

    def cancel_job(self, job_id: str, **options: Unpack[OperationOptions]) -> Observed:
        return self.request("cancelProspectingJob", path_params={"jobId": job_id}, **options)

    def get_prospect(self, provider_id: str, **options: Unpack[OperationOptions]) -> Observed:
        path_params = {"providerId": provider_id}
        return self.request("getProspectByProviderId", path_params=path_params, **options)

    def request(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        method: str | None = None,
        **options: Unpack[OperationOptions],
    ) -> Observed:
        """Any operation of the spec. `json=None` sends no JSON body; `content` sends raw bytes.

        `method` overrides the spec's method (405 tests); the account group defaults to the
        target's own.
        """
        operation = self.spec.operation(operation_id)
        group = options.get("account_group_id") or self.config.account_group_id
        url = operation.url(
            self.config.base_url, **{"accountGroupId": group, **(path_params or {})}
        )
        return self._send(
            method or operation.method, url, operation_id, options, json=json, content=content
        )

    def get_url(
        self,
        url: str,
        operation_id: str = "getProspectingJob",
        **options: Unpack[SendOptions],
    ) -> Observed:
        """GET a URL the target gave us (a Location header), relative or absolute."""
        absolute = self._http.base_url.join(url)
        base = self._http.base_url
        if (absolute.scheme, absolute.host, absolute.port) != (base.scheme, base.host, base.port):
            raise ForeignURLRefused(
                f"refusing to send a key to {self.redactor.text(str(absolute))}: it is not on "
                f"the target {self.config.base_url}."
            )
        return self._send("GET", str(absolute), operation_id, options)

    def send_undeclared(
        self, method: str, url: str, label: str, **options: Unpack[SendOptions]
    ) -> Observed:
        """Send a method or path the spec does not declare (U1); its answer is named `label`.

        A declared operation's name would hold the answer to that operation's documented
        statuses, which no undeclared request has. The rails still refuse a write with writes
        off and any URL off the target.
        """
        return self._send(method, url, label, options)

    def auth(self, options: SendOptions) -> KeyAuth | None:
        """Whose key the request carries: a raw value, the role's key, or none."""
        raw_key = options.get("raw_key")
        if raw_key is not None:
            return KeyAuth.raw(self.config, raw_key)
        key = options.get("key", "all")
        return None if key is None else KeyAuth.for_role(self.config, key)

    def _send(
        self,
        method: str,
        url: str,
        operation_id: str,
        options: SendOptions,
        *,
        json: Any = None,
        content: bytes | str | None = None,
    ) -> Observed:
        auth = self.auth(options)
        request = self._http.build_request(
            method,
            url,
            json=json,
            content=content,
            # Only the request object holds revealed credentials.
            headers={name: reveal(v) for name, v in (options.get("headers") or {}).items()},
            extensions={RETRY_ON: options.get("retry_on", WEATHER_STATUSES)},
        )
        for name in options.get("without_headers", ()):
            request.headers.pop(name, None)
        try:
            response = self._http.send(request, auth=auth)
        except httpx.TransportError as exc:
            finding = transport_finding(
                request, operation_id, exc, redactor=self.redactor, timeout=self.timeout
            )
            self._log("%s", finding.message)
            # Not chained: the httpx error holds the request, whose headers hold the key.
            raise TransportFailure(finding, error_type=type(exc)) from None
        observed = Observed.from_httpx(
            response, operation_id, self.redactor, elapsed_s(response.request)
        )
        self._log(
            "%s %s -> %s traceId=%s",
            observed.method,
            observed.url,
            observed.status,
            observed.trace_id,
        )
        for observer in self._observers:
            observer(observed)
        return observed

    def _log_request(self, request: httpx.Request) -> None:
        self._log(
            "%s %s headers=%s",
            request.method,
            request.url,
            self.redactor.headers(dict(request.headers.items())),
        )

    def _log(self, message: str, *args: object) -> None:
        # Redacted before the record exists, so no handler or formatter can see a key.
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", self.redactor.text(message % args))
