"""A1, A2, A5: no key, a bad key, or a bad key with a bad body is a 401 on every operation."""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import SkipUnlessWritable
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import TargetConfig

OPERATIONS = sorted(load_spec().operations)

# Path values that do not need to exist: authentication comes before existence (I10).
PATH_PARAMS = {"jobId": "job-that-does-not-exist", "providerId": "provider-that-does-not-exist"}
VALID_BODY = {"source": "sales_navigator", "savedSearchId": "saved-search-that-does-not-exist"}


def send(api: ProspectingClient, operation_id: str, *, body: Any = VALID_BODY, **auth: Any) -> Any:
    operation = api.spec.operation(operation_id)
    params = {name: PATH_PARAMS[name] for name in operation.path_parameters if name in PATH_PARAMS}
    return api.request(
        operation_id, path_params=params, json=body if operation.has_body else None, **auth
    )


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_no_key_is_401(
    api: ProspectingClient, skip_unless_writable: SkipUnlessWritable, operation_id: str
) -> None:
    skip_unless_writable(operation_id)
    observed = send(api, operation_id, key=None)
    raise_for_findings(check_status(observed, "A1", 401, "Sent no API key"))


def _invalid_keys(target: TargetConfig) -> dict[str, dict[str, Any]]:
    # Secrets, not strings: a failing case must not print the key it spoiled.
    bare = target.key_for("all")
    credential = target.credential("all")
    assert bare is not None, "the preflight insists on the all-scopes key"
    assert credential is not None, "the preflight insists on the all-scopes key"
    other_prefix = "" if target.auth_prefix else "Bearer "
    other_header = "Authorization" if target.auth_header.lower() != "authorization" else "X-API-Key"
    return {
        "unknown-key": {"raw_key": target.auth_prefix + "not-a-key-0000000000000000"},
        "empty-key": {"raw_key": ""},
        "key-in-wrong-header": {"key": None, "headers": {other_header: credential}},
        "key-with-wrong-prefix": {"raw_key": bare.derive(lambda key: other_prefix + key)},
        "key-with-a-character-changed": {"raw_key": credential.derive(lambda key: key[:-1] + "x")},
    }


INVALID_KEY_CASES = [
    "unknown-key",
    "empty-key",
    "key-in-wrong-header",
    "key-with-wrong-prefix",
    "key-with-a-character-changed",
]


@pytest.mark.parametrize("operation_id", OPERATIONS)
@pytest.mark.parametrize("case", INVALID_KEY_CASES)
def test_invalid_key_is_401(
    api: ProspectingClient,
    target: TargetConfig,
    skip_unless_writable: SkipUnlessWritable,
    operation_id: str,
    case: str,
) -> None:
    skip_unless_writable(operation_id)
    observed = send(api, operation_id, **_invalid_keys(target)[case])
    raise_for_findings(check_status(observed, "A2", 401, f"Sent an invalid key ({case})"))


MALFORMED_BODIES = [
    pytest.param(b"{not json", id="not-json"),
    pytest.param(b'{"source": "sales_navigator"}', id="missing-saved-search-id"),
    pytest.param(b"[]", id="array-body"),
]


@pytest.mark.usefixtures("writes")
@pytest.mark.parametrize("content", MALFORMED_BODIES)
@pytest.mark.parametrize("auth", ["no-key", "unknown-key"])
def test_authentication_comes_before_validation(
    api: ProspectingClient, target: TargetConfig, content: bytes, auth: str
) -> None:
    credentials: dict[str, Any] = (
        {"key": None} if auth == "no-key" else {"raw_key": target.auth_prefix + "not-a-key-0000"}
    )
    observed = api.request(
        "startProspectingJob",
        content=content,
        headers={"Content-Type": "application/json"},
        **credentials,
    )
    raise_for_findings(
        check_status(observed, "A5", 401, f"Sent a malformed body with {auth.replace('-', ' ')}")
    )
