"""The target's key scheme as an httpx `Auth`: a key in the configured header, with its prefix.

Targets differ in where they want the key (`X-API-Key: <key>`, `Authorization: Bearer <key>`);
`TargetConfig` names the header and the prefix, and `KeyAuth` is the one place that puts a
key there, for the client and so for the contract tests, the preflight and settle. The key
stays a `Secret` until httpx asks for the request's headers: the auth object's repr names
the header and whose key it is, never the key.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

from prospecting_conformance.client.errors import MissingRoleKey
from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.target.config import KEY_FIELDS, KeyName, TargetConfig

__all__ = ["HeaderValue", "KeyAuth", "reveal"]

# A header value the client sends: a plain string, or a credential it reveals only on the wire.
HeaderValue = str | Secret


def reveal(value: HeaderValue) -> str:
    return value.reveal() if isinstance(value, Secret) else value


class KeyAuth(httpx.Auth):
    """Sends `credential` in `header`; `label` says whose it is (for repr and messages)."""

    def __init__(self, header: str, credential: HeaderValue, *, label: str) -> None:
        self.header = header
        self.credential = credential
        self.label = label

    @classmethod
    def for_role(cls, config: TargetConfig, role: KeyName) -> KeyAuth:
        """The role's key with the target's prefix; `MissingRoleKey` if the target has none."""
        credential = config.credential(role)
        if credential is None:
            raise MissingRoleKey(role)
        return cls(config.auth_header, credential, label=f"${ENV_VARS[KEY_FIELDS[role]]}")

    @classmethod
    def raw(cls, config: TargetConfig, value: HeaderValue) -> KeyAuth:
        """Exactly `value` in the target's header, no prefix added (invalid-key tests)."""
        return cls(config.auth_header, value, label="a raw value")

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[self.header] = reveal(self.credential)
        yield request

    def __repr__(self) -> str:
        return f"KeyAuth(header={self.header!r}, key={self.label})"
