"""The suite's one HTTP client for the Prospecting API, with the safety rails of a live target.

Every conformance test talks to the target through `ProspectingClient`: it builds URLs from
the spec, sends the role's key the way the target is configured to receive it, and returns an
`Observed` (the parsed envelope with the raw response) whatever the status, so that a test can
judge a 500 instead of the client hiding it. It also enforces what keeps a run polite on
staging: a request budget, a client-side rate limit and `Retry-After` after a 429 (R2), all
on an injectable clock so that unit tests never really wait. A key never appears in its repr,
its errors or its logs.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

import httpx

from prospecting_conformance.clock import Clock, Sleep
from prospecting_conformance.findings import Exchange, Finding
from prospecting_conformance.observed import Observed
from prospecting_conformance.redaction import Redactor
from prospecting_conformance.spec import Spec, load_spec
from prospecting_conformance.target import ENV_VARS, ROLE_SCOPES, WRITE_SCOPE, Role, TargetConfig

__all__ = [
    "DEFAULT_RETRY_AFTER_S",
    "ForeignURLRefused",
    "MissingRoleKey",
    "Observer",
    "ProspectingClient",
    "ProspectingClientError",
    "RequestBudgetExceeded",
    "TransportFailure",
    "WritesNotAllowed",
]

logger = logging.getLogger("prospecting_conformance.client")

Observer = Callable[[Observed], None]

# What the client waits after a 429 whose Retry-After is missing or unreadable (S2 reports
# the header; the client still must not hammer a target that asked it to slow down).
DEFAULT_RETRY_AFTER_S = 1.0

_SECONDS = re.compile(r"^[0-9]+$")


class ProspectingClientError(Exception):
    """The client refused or failed to get an answer; not a verdict on the target."""


class RequestBudgetExceeded(ProspectingClientError):
    """The run has sent as many requests as the target's budget allows."""


class MissingRoleKey(ProspectingClientError, LookupError):
    """The target has no key for the requested role (the test should be skipped)."""

    def __init__(self, role: Role) -> None:
        self.role = role
        super().__init__(
            f"the target has no key for role {role!r}: set {ENV_VARS['key_' + role]} to run "
            "the tests that need it."
        )


class WritesNotAllowed(ProspectingClientError):
    """The request would start or cancel a job, and the target does not allow writes."""


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
        transport: httpx.BaseTransport | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        timeout: float = 10.0,
    ) -> None:
        self.config = config
        self.spec = spec or load_spec()
        self.clock = clock
        self.sleep = sleep
        self.timeout = timeout
        self.redactor = Redactor.for_target(config)
        self._http = httpx.Client(
            base_url=config.base_url,
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
        )
        self._observers: list[Observer] = []
        self._lock = threading.Lock()
        self.requests_sent = 0
        # Clock readings at which each request left, so tests can prove the pacing (R2).
        self.sent_at: list[float] = []
        # No request leaves before this clock reading (set by a 429's Retry-After).
        self.ready_at = float("-inf")

    def __repr__(self) -> str:
        roles = [role for role in ROLE_SCOPES if self.config.key_for(role) is not None]
        return (
            f"ProspectingClient(base_url={self.config.base_url!r}, "
            f"account_group_id={self.config.account_group_id!r}, roles={roles}, "
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
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, str] | None = None,
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
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, str] | None = None,
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
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Observed:
        return self.request(
            "getProspectingJob",
            path_params={"jobId": job_id},
            key=key,
            raw_key=raw_key,
            account_group_id=account_group_id,
            headers=headers,
        )

    def cancel_job(
        self,
        job_id: str,
        *,
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, str] | None = None,
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
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        headers: Mapping[str, str] | None = None,
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
        headers: Mapping[str, str] | None = None,
        key: Role | None = "all",
        raw_key: str | None = None,
        account_group_id: str | None = None,
        method: str | None = None,
    ) -> Observed:
        """Any operation of the spec. `json=None` sends no JSON body; `content` sends raw bytes.

        `method` overrides the spec's method (405 tests); the account group defaults to the
        target's own.
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
        )

    def get_url(
        self,
        url: str,
        operation_id: str = "getProspectingJob",
        *,
        key: Role | None = "all",
        raw_key: str | None = None,
        headers: Mapping[str, str] | None = None,
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
            "GET", str(absolute), operation_id, headers=headers, key=key, raw_key=raw_key
        )

    def _auth_headers(self, key: Role | None, raw_key: str | None) -> dict[str, str]:
        if raw_key is not None:
            return {self.config.auth_header: raw_key}
        if key is None:
            return {}
        secret = self.config.key_for(key)
        if secret is None:
            raise MissingRoleKey(key)
        return {self.config.auth_header: self.config.auth_prefix + secret}

    def _wait_for_turn(self) -> float:
        """Enforce the budget and the pacing; return the clock reading at which we send."""
        with self._lock:
            if self.requests_sent >= self.config.max_requests:
                raise RequestBudgetExceeded(
                    f"request budget exhausted: {self.requests_sent} requests sent, the limit is "
                    f"{self.config.max_requests} ({ENV_VARS['max_requests']}); the run stops "
                    "here rather than load the target further."
                )
            earliest = self.ready_at
            if self.sent_at:
                earliest = max(earliest, self.sent_at[-1] + 1.0 / self.config.max_rate)
            now = self.clock()
            if earliest > now:
                self.sleep(earliest - now)
                now = self.clock()
            self.requests_sent += 1
            self.sent_at.append(now)
            return now

    def _after_response(self, observed: Observed) -> None:
        if observed.status != 429:
            return
        raw = (observed.header("retry-after") or "").strip()
        wait = float(raw) if _SECONDS.fullmatch(raw) else DEFAULT_RETRY_AFTER_S
        with self._lock:
            self.ready_at = max(self.ready_at, self.clock() + wait)

    def _send(
        self,
        method: str,
        url: str,
        operation_id: str,
        *,
        json: Any = None,
        content: bytes | str | None = None,
        headers: Mapping[str, str] | None = None,
        key: Role | None,
        raw_key: str | None,
    ) -> Observed:
        self._refuse_unallowed_write(method, operation_id)
        request = self._http.build_request(
            method,
            url,
            json=json,
            content=content,
            headers={**(headers or {}), **self._auth_headers(key, raw_key)},
        )
        self._wait_for_turn()
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
        self._after_response(observed)
        for observer in self._observers:
            observer(observed)
        return observed

    def _refuse_unallowed_write(self, method: str, operation_id: str) -> None:
        """The last safety rail: no request that could start or cancel a job unless allowed.

        Whatever key is sent: a broken API could accept an unknown key or ignore a scope, and
        the job would then be real on staging.
        """
        if self.config.allow_writes or operation_id not in self.spec.operations:
            return
        operation = self.spec.operation(operation_id)
        if WRITE_SCOPE in operation.required_scopes and method.lower() == operation.method:
            raise WritesNotAllowed(
                f"{operation_id} starts or cancels jobs; the target does not allow writes "
                f"(set {ENV_VARS['allow_writes']}=1 if it may)."
            )

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
