"""KeyAuth: the role's key in the target's header, with the target's prefix, and never printed."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from prospecting_conformance.client.auth import KeyAuth
from prospecting_conformance.client.errors import MissingRoleKey
from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.target.config import KEY_FIELDS, KeyName, TargetConfig

URL = "https://api.test/v1/accounts/ag-1/sales-navigator/saved-searches"
KEYS: dict[KeyName, str] = {role: f"sk_live_{role}_0123456789abcdef" for role in KEY_FIELDS}


@pytest.fixture
def every_key(config: TargetConfig) -> TargetConfig:
    """The unit target with a key for every role."""
    secrets = {KEY_FIELDS[role]: Secret(key) for role, key in KEYS.items()}
    return dataclasses.replace(config, **secrets)  # type: ignore[arg-type]


def sent_headers(auth: KeyAuth) -> httpx.Headers:
    """The headers a request leaves with once `auth` has had its turn."""
    request = httpx.Request("GET", URL, headers={"Accept": "application/json"})
    return next(auth.sync_auth_flow(request)).headers


@pytest.mark.parametrize("role", list(KEY_FIELDS))
def test_each_role_sends_its_own_key(every_key: TargetConfig, role: KeyName) -> None:
    headers = sent_headers(KeyAuth.for_role(every_key, role))

    assert headers["X-API-Key"] == KEYS[role]
    assert headers["Accept"] == "application/json"


@pytest.mark.parametrize(
    ("header", "prefix", "sent"),
    [
        pytest.param("X-API-Key", "", ("X-API-Key", KEYS["all"]), id="bare-key-in-X-API-Key"),
        pytest.param(
            "Authorization",
            "Bearer ",
            ("Authorization", f"Bearer {KEYS['all']}"),
            id="bearer-in-Authorization",
        ),
        pytest.param(
            "X-Partner-Token",
            "Key=",
            ("X-Partner-Token", f"Key={KEYS['all']}"),
            id="any-header-any-prefix",
        ),
    ],
)
def test_the_key_goes_in_the_configured_header_with_the_configured_prefix(
    every_key: TargetConfig, header: str, prefix: str, sent: tuple[str, str]
) -> None:
    target = dataclasses.replace(every_key, auth_header=header, auth_prefix=prefix)

    headers = sent_headers(KeyAuth.for_role(target, "all"))

    assert (sent[0], headers[sent[0]]) == sent
    assert set(headers) == {"host", "accept", header.lower()}


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("not-a-key", id="a-string"),
        pytest.param("", id="empty"),
        pytest.param(Secret("sk_live_spoiled_key"), id="a-secret"),
    ],
)
def test_a_raw_value_is_sent_exactly_without_the_prefix(
    config: TargetConfig, raw: str | Secret
) -> None:
    bearer = dataclasses.replace(config, auth_header="Authorization", auth_prefix="Bearer ")

    headers = sent_headers(KeyAuth.raw(bearer, raw))

    assert headers["Authorization"] == (raw.reveal() if isinstance(raw, Secret) else raw)


def test_the_key_replaces_a_header_of_the_same_name_whatever_its_case(
    every_key: TargetConfig,
) -> None:
    request = httpx.Request("GET", URL, headers={"x-api-key": "stale"})

    sent = next(KeyAuth.for_role(every_key, "all").sync_auth_flow(request))

    assert sent.headers.get_list("X-API-Key") == [KEYS["all"]]


def test_a_role_without_a_key_is_refused_with_the_variable_to_set(config: TargetConfig) -> None:
    with pytest.raises(MissingRoleKey, match="set PROSPECTING_FOREIGN_KEY_ALL") as refused:
        KeyAuth.for_role(config, "foreign_all")
    assert refused.value.role == "foreign_all"


@pytest.mark.parametrize("role", list(KEY_FIELDS))
def test_a_key_is_never_in_the_repr(every_key: TargetConfig, role: KeyName) -> None:
    auth = KeyAuth.for_role(every_key, role)

    shown = repr(auth) + str(auth) + repr(vars(auth))

    assert KEYS[role] not in shown
    assert repr(auth) == f"KeyAuth(header='X-API-Key', key=${ENV_VARS[KEY_FIELDS[role]]})"
