"""The suite's one HTTP client for the Prospecting API, with the safety rails of a live target.

Every conformance test talks to the target through `ProspectingClient`: it builds URLs from
the spec, sends the role's key the way the target is configured to receive it, and returns an
`Observed` (the parsed envelope with the raw response) whatever the status, so that a test can
judge a 500 instead of the client hiding it. It also enforces what keeps a run polite on
staging: a request budget, a client-side rate limit and `Retry-After` after a 429 (R2), all
on an injectable clock so that unit tests never really wait. Those rails are not the
client's own: it sends through the run's `Rails` (rails.py), the same gate schemathesis' requests
pass. A key never appears in its repr, its errors or its logs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import httpx

from prospecting_conformance.core.clock import Clock, Sleep
from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.rails.gate import Rails, RequestBudgetExceeded, WritesNotAllowed
from prospecting_conformance.rails.weather import WEATHER_STATUSES
from prospecting_conformance.rails.wire import RETRY_ON, RailsTransport
from prospecting_conformance.spec.model import Spec, load_spec
from prospecting_conformance.target.config import ENV_VARS, KEY_FIELDS, KeyName, TargetConfig

__all__ = [
    "ForeignURLRefused",
    "HeaderValue",
    "MissingRoleKey",
    "Observer",
    "ProspectingClient",
    "ProspectingClientError",
    "RequestBudgetExceeded",
    "TransportFailure",
    "WritesNotAllowed",
]

logger = logging.getLogger("prospecting_conformance.client.api")

Observer = Callable[[Observed], None]

# A header value the client sends: a plain string, or a credential it reveals only on the wire.
HeaderValue = str | Secret


class ProspectingClientError(Exception):
    """The client refused or failed to get an answer; not a verdict on the target."""


class MissingRoleKey(ProspectingClientError, LookupError):
    """The target has no key for the requested role (the test should be skipped)."""

    def __init__(self, role: KeyName) -> None:
        self.role = role
        super().__init__(
            f"the target has no key for role {role!r}: set {ENV_VARS[KEY_FIELDS[role]]} to run "
            "the tests that need it."
        )


class ForeignURLRefused(ProspectingClientError):
    """A URL (e.g. a Location header) points away from the target; no key is sent there."""


class TransportFailure(ProspectingClientError):
    """No HTTP response (connection error, timeout): carries the T1 finding to report."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding
        super().__init__(finding.describe())


class ProspectingClient:
    """The five operations of the spec, plus generic requests, against one target."""

    def __init__(
        self,
        config: TargetConfig,
        *,
        spec: Spec | None = None,
        rails: Rails | None = None,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        timeout: float = 10.0,
        settling: bool = False,
    ) -> None:
        self.config = config
        self.spec = spec or load_spec()
        self.rails = rails or Rails(config, clock=clock, sleep=sleep)
        # The poller waits on the same clock as the rails, so unit tests never really wait.
        self.clock = self.rails.clock
        self.sleep = self.rails.sleep
        self.timeout = timeout
        self.redactor = Redactor.for_target(config)
        self._http = httpx.Client(
            base_url=config.base_url,
            transport=RailsTransport(self.rails, transport, settling=settling),
            timeout=timeout,
            follow_redirects=False,
        )
        self._observers: list[Observer] = []

    @property
    def sent_at(self) -> list[float]:
        """Clock readings at which this process's requests left, so tests can prove pacing (R2)."""
        return self.rails.sent_at

    @property
    def requests_sent(self) -> int:
        return self.rails.requests_sent

    @property
    def ready_at(self) -> float:
        """No request leaves before this clock reading (set by a 429's Retry-After)."""
        return self.rails.paused_until

    def __repr__(self) -> str:
        keys = [name for name, f in KEY_FIELDS.items() if getattr(self.config, f) is not None]
        return (
            f"ProspectingClient(base_url={self.config.base_url!r}, "
            f"account_group_id={self.config.account_group_id!r}, keys={keys}, "
            f"requests_sent={self.requests_sent}/{self.config.max_requests})"
        )

    def __enter__(self) -> ProspectingClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def add_observer(self, observer: Observer) -> None:
        """Call `observer` with every response this client receives."""
        self._observers.append(observer)

    # The five operations. `key` is a role whose configured key is sent (None: no key);
    # `raw_key` sends that exact header value instead (invalid-key tests).

    def list_saved_searches(
        self,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
    ) -> Observed:
        return self.request(
            "listSalesNavigatorSavedSearches",
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
        )

    def start_job(
        self,
        body: Any,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
    ) -> Observed:
        return self.request(
            "startProspectingJob",
            json=body,
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
        )

    def get_job(
        self,
        job_id: str,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
        retry_on: frozenset[int] = WEATHER_STATUSES,
    ) -> Observed:
        return self.request(
            "getProspectingJob",
            path_params={"jobId": job_id},
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
            retry_on=retry_on,
        )

    def cancel_job(
        self,
        job_id: str,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
    ) -> Observed:
        return self.request(
            "cancelProspectingJob",
            path_params={"jobId": job_id},
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
        )

    def get_prospect(
        self,
        provider_id: str,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
    ) -> Observed:
        return self.request(
            "getProspectByProviderId",
            path_params={"providerId": provider_id},
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
        )

    def request(
        self,
        operation_id: str,
        *,
        path_params: Mapping[str, str] | None = None,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        account_group_id: str | None = None,
        method: str | None = None,
        retry_on: frozenset[int] = WEATHER_STATUSES,
    ) -> Observed:
        """Any operation of the spec. `json=None` sends no JSON body; `content` sends raw bytes.

        `method` overrides the spec's method (405 tests); the account group defaults to the
        target's own. `retry_on` are the weather statuses the rails may send it again on
        (default all of them; the rate-limit tests leave out 429, since they need to see it).
        """
        operation = self.spec.operation(operation_id)
        params = {"accountGroupId": account_group_id or self.config.account_group_id}
        params.update(path_params or {})
        url = operation.url(self.config.base_url, **params)
        return self._send(
            method or operation.method,
            url,
            operation_id,
            json=json,
            content=content,
            headers=headers,
            key=key,
            raw_key=raw_key,
            retry_on=retry_on,
        )

    def get_url(
        self,
        url: str,
        operation_id: str = "getProspectingJob",
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
        retry_on: frozenset[int] = WEATHER_STATUSES,
    ) -> Observed:
        """GET a URL the target gave us (a Location header), relative or absolute."""
        absolute = self._http.base_url.join(url)
        base = self._http.base_url
        if (absolute.scheme, absolute.host, absolute.port) != (base.scheme, base.host, base.port):
            raise ForeignURLRefused(
                f"refusing to send a key to {self.redactor.text(str(absolute))}: it is not on "
                f"the target {self.config.base_url}."
            )
        return self._send(
            "GET",
            str(absolute),
            operation_id,
            headers=headers,
            key=key,
            raw_key=raw_key,
            retry_on=retry_on,
        )

    def send_undeclared(
        self,
        method: str,
        url: str,
        label: str,
        *,
        key: KeyName | None = "all",
        raw_key: HeaderValue | None = None,
    ) -> Observed:
        """Send a method or path the spec does not declare (U1); its answer is named `label`.

        A declared operation's name would hold the answer to that operation's documented
        statuses, which no undeclared request has. The rails still refuse a write with writes
        off and any URL off the target.
        """
        return self._send(method, url, label, key=key, raw_key=raw_key)

    def _headers(
        self,
        headers: Mapping[str, HeaderValue] | None,
        key: KeyName | None,
        raw_key: HeaderValue | None,
    ) -> dict[str, str]:
        """The request's headers with credentials revealed: only the request object holds them."""
        chosen: Mapping[str, HeaderValue] = dict(headers or {})
        if raw_key is not None:
            chosen = {**chosen, self.config.auth_header: raw_key}
        elif key is not None:
            credential = self.config.credential(key)
            if credential is None:
                raise MissingRoleKey(key)
            chosen = {**chosen, self.config.auth_header: credential}
        return {
            name: value.reveal() if isinstance(value, Secret) else value
            for name, value in chosen.items()
        }

    def _send(
        self,
        method: str,
        url: str,
        operation_id: str,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, HeaderValue] | None = None,
        key: KeyName | None,
        raw_key: HeaderValue | None,
        retry_on: frozenset[int] = WEATHER_STATUSES,
    ) -> Observed:
        request = self._http.build_request(
            method,
            url,
            json=json,
            content=content,
            headers=self._headers(headers, key, raw_key),
            extensions={RETRY_ON: retry_on},
        )
        self._log(
            "%s %s headers=%s",
            request.method,
            request.url,
            self.redactor.headers(dict(request.headers.items())),
        )
        try:
            response = self._http.send(request)
        except httpx.TransportError as exc:
            failure = self._transport_finding(request, operation_id, exc)
            self._log("%s", failure.message)
            # Not chained: the httpx error holds the request, whose headers hold the key.
            raise TransportFailure(failure) from None
        observed = Observed.from_httpx(response, operation_id, self.redactor)
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

    def _log(self, message: str, *args: object) -> None:
        # Redacted before the record exists, so no handler or formatter can see a key.
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s", self.redactor.text(message % args))

    def _transport_finding(
        self, request: httpx.Request, operation_id: str, exc: httpx.TransportError
    ) -> Finding:
        kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
        url = self.redactor.text(str(request.url))
        return Finding(
            rule="T1",
            operation=operation_id,
            message=(
                f"Received no response: {request.method} {url} {kind} "
                f"({type(exc).__name__}: {self.redactor.text(str(exc)) or 'no detail'}); "
                f"expected an HTTP response within {self.timeout:g} s."
            ),
            exchange=Exchange(
                method=request.method,
                url=url,
                request_headers=self.redactor.headers(dict(request.headers.items())),
                request_body=self.redactor.text(request.content.decode("utf-8", "replace"))
                if request.content
                else None,
            ),
        )
