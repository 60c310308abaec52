"""What the client raises: it refused, or it got no answer. Never a verdict on the target.

    ProspectingClientError
    ├── MissingRoleKey      the target has no key for the role (the test is skipped)
    ├── ForeignURLRefused   a URL points away from the target; no key is sent there
    └── TransportFailure    no HTTP response; carries the T1 finding

The rails' own refusals (writes off, a foreign origin, a spent budget) come from
rails/gate.py, whoever sent the request.
"""

from __future__ import annotations

import httpx

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.target.config import KEY_FIELDS, KeyName

__all__ = [
    "ForeignURLRefused",
    "MissingRoleKey",
    "ProspectingClientError",
    "TransportFailure",
    "transport_finding",
]


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
    """No HTTP response (connection error, timeout): carries the T1 finding to report.

    `error_type` is the httpx error's class (the preflight waits out a refused connection);
    the error itself is not kept, since its request holds the key.
    """

    def __init__(
        self, finding: Finding, *, error_type: type[httpx.TransportError] = httpx.TransportError
    ) -> None:
        self.finding = finding
        self.error_type = error_type
        super().__init__(finding.describe())


def transport_finding(
    request: httpx.Request,
    operation_id: str,
    exc: httpx.TransportError,
    *,
    redactor: Redactor,
    timeout: float,
) -> Finding:
    """T1: the request got no HTTP response; the finding is redacted."""
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
    url = redactor.text(str(request.url))
    return Finding(
        rule="T1",
        operation=operation_id,
        message=(
            f"Received no response: {request.method} {url} {kind} "
            f"({type(exc).__name__}: {redactor.text(str(exc)) or 'no detail'}); "
            f"expected an HTTP response within {timeout:g} s."
        ),
        exchange=Exchange(
            method=request.method,
            url=url,
            request_headers=redactor.headers(dict(request.headers.items())),
            request_body=redactor.text(request.content.decode("utf-8", "replace"))
            if request.content
            else None,
        ),
    )
