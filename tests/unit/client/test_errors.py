"""What the client raises: a refusal or no answer, never a verdict on the target.

A request that got no HTTP response is a T1 finding: it names the operation and what went
wrong, and carries the request as it was sent, with every key redacted.
"""

from __future__ import annotations

import httpx
import pytest

from prospecting_conformance.client.errors import (
    MissingRoleKey,
    TransportFailure,
    transport_finding,
)
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.target.config import KeyName, TargetConfig

GET_JOB = "getProspectingJob"
KEY_ALL = "sk_live_all_0123456789abcdef"
JOB_URL = "https://api.test/v1/accounts/ag-1/prospecting/job-1"
START_URL = "https://api.test/v1/accounts/ag-1/prospecting"


@pytest.mark.parametrize(
    ("request_", "error", "timeout", "message"),
    [
        pytest.param(
            httpx.Request("GET", JOB_URL),
            httpx.ReadTimeout("timed out"),
            10.0,
            f"Received no response: GET {JOB_URL} timed out (ReadTimeout: timed out); "
            "expected an HTTP response within 10 s.",
            id="a-timeout",
        ),
        pytest.param(
            httpx.Request("GET", JOB_URL),
            httpx.ConnectError("[Errno 111] Connection refused"),
            2.5,
            f"Received no response: GET {JOB_URL} failed "
            "(ConnectError: [Errno 111] Connection refused); "
            "expected an HTTP response within 2.5 s.",
            id="a-refused-connection",
        ),
        pytest.param(
            httpx.Request("GET", JOB_URL),
            httpx.RemoteProtocolError(""),
            10.0,
            f"Received no response: GET {JOB_URL} failed (RemoteProtocolError: no detail); "
            "expected an HTTP response within 10 s.",
            id="an-error-without-detail",
        ),
        pytest.param(
            httpx.Request("GET", f"{JOB_URL}?key={KEY_ALL}"),
            httpx.ConnectError(f"could not send {KEY_ALL}"),
            10.0,
            f"Received no response: GET {JOB_URL}?key=$PROSPECTING_KEY_ALL failed "
            "(ConnectError: could not send $PROSPECTING_KEY_ALL); "
            "expected an HTTP response within 10 s.",
            id="a-key-in-the-url-or-the-error-is-redacted",
        ),
    ],
)
def test_no_response_is_a_t1_finding_naming_the_operation_and_the_cause(
    config: TargetConfig,
    request_: httpx.Request,
    error: httpx.TransportError,
    timeout: float,
    message: str,
) -> None:
    finding = transport_finding(
        request_, GET_JOB, error, redactor=config.redactor(), timeout=timeout
    )

    assert (finding.rule, finding.family, finding.operation) == ("T1", "transport", GET_JOB)
    assert (finding.status, finding.trace_id) == (None, None)
    assert finding.message == message
    assert KEY_ALL not in repr(finding)


def test_the_t1_exchange_is_the_request_as_sent_with_its_keys_redacted(
    config: TargetConfig,
) -> None:
    sent = httpx.Request(
        "POST",
        START_URL,
        headers={"X-API-Key": KEY_ALL, "X-Case": "c-1"},
        json={"note": f"pasted {KEY_ALL} by mistake"},
    )

    finding = transport_finding(
        sent,
        "startProspectingJob",
        httpx.ReadTimeout("timed out"),
        redactor=config.redactor(),
        timeout=10.0,
    )

    exchange = finding.exchange
    assert exchange is not None
    assert (exchange.method, exchange.url, exchange.status) == ("POST", START_URL, None)
    assert exchange.request_headers["x-api-key"] == "$PROSPECTING_KEY_ALL"
    assert exchange.request_headers["x-case"] == "c-1"
    assert exchange.request_body == '{"note":"pasted $PROSPECTING_KEY_ALL by mistake"}'


def test_a_request_without_a_body_has_none_in_its_exchange(config: TargetConfig) -> None:
    finding = transport_finding(
        httpx.Request("GET", JOB_URL),
        GET_JOB,
        httpx.ReadTimeout("timed out"),
        redactor=config.redactor(),
        timeout=10.0,
    )

    assert finding.exchange is not None
    assert finding.exchange.request_body is None


def test_a_transport_failure_says_its_finding() -> None:
    finding = transport_finding(
        httpx.Request("GET", JOB_URL),
        GET_JOB,
        httpx.ConnectError("refused"),
        redactor=Redactor(),
        timeout=10.0,
    )

    failure = TransportFailure(finding, error_type=httpx.ConnectError)

    assert str(failure) == finding.describe()
    assert (failure.finding, failure.error_type) == (finding, httpx.ConnectError)


@pytest.mark.parametrize(
    ("role", "variable"),
    [
        pytest.param("all", "PROSPECTING_KEY_ALL", id="all-scopes"),
        pytest.param("prospects_read", "PROSPECTING_KEY_PROSPECTS_READ", id="one-scope"),
        pytest.param("foreign_all", "PROSPECTING_FOREIGN_KEY_ALL", id="the-foreign-group"),
        pytest.param("low_quota", "PROSPECTING_KEY_LOW_QUOTA", id="the-tiny-quota"),
    ],
)
def test_a_missing_key_names_the_variable_to_set(role: KeyName, variable: str) -> None:
    missing = MissingRoleKey(role)

    assert missing.role == role
    assert f"set {variable} to run the tests that need it" in str(missing)
    assert isinstance(missing, LookupError)
