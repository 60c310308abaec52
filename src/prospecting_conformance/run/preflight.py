"""The preflight: one request that proves the target is up and the main key works.

A misconfigured run must stop with one clear message and a distinct exit status, not a wall
of failing tests: CI tells "staging is down" and "the secret is wrong" from "the API
regressed" by the exit status alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import MissingRoleKey, TransportFailure
from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED, EXIT_TARGET_DOWN
from prospecting_conformance.target.config import TargetConfig

__all__ = ["PreflightError", "preflight"]

# How often a refused connection is tried again while the server may still be starting.
RECONNECT_S = 0.05


@dataclass
class PreflightError(Exception):
    message: str
    exit_status: int

    def __str__(self) -> str:
        return self.message


def preflight(target: TargetConfig, rails: Rails, *, wait_s: float = 0.0) -> None:
    """Raise PreflightError unless the target answers the saved-searches list with a 200.

    `wait_s` keeps retrying refused connections that long (a server that is still starting).
    The request goes through the client and the run's rails like any other: it counts in the
    budget, and waits on the rails' clock.
    """
    with ProspectingClient(target, rails=rails) as client:
        status = _list_status(client, wait_s)
    if status in (401, 403):
        raise PreflightError(
            f"target {target.base_url} rejected {ENV_VARS['key_all']} for account group "
            f"{target.account_group_id!r} with {status}: check the key, "
            f"{ENV_VARS['account_group_id']}, {ENV_VARS['auth_header']} and "
            f"{ENV_VARS['auth_prefix']}.",
            EXIT_MISCONFIGURED,
        )
    if status == 404:
        raise PreflightError(
            f"target {target.base_url} has no saved-searches endpoint (404): check that "
            f"{ENV_VARS['base_url']} is the API's root.",
            EXIT_MISCONFIGURED,
        )
    if status >= 500:
        raise PreflightError(
            f"target {target.base_url} is unhealthy: the preflight request got {status}.",
            EXIT_TARGET_DOWN,
        )


def _list_status(client: ProspectingClient, wait_s: float) -> int:
    """The status the saved-searches list answers with the all-scopes key."""
    deadline = client.clock() + wait_s
    while True:
        try:
            return client.list_saved_searches().status
        except MissingRoleKey:
            raise PreflightError(
                f"{ENV_VARS['key_all']} is not set: the suite needs a key with every scope.",
                EXIT_MISCONFIGURED,
            ) from None
        except TransportFailure as failure:
            refused = issubclass(failure.error_type, httpx.ConnectError)
            if refused and client.clock() < deadline:
                client.sleep(RECONNECT_S)
                continue
            raise _unreachable(client.config, failure.error_type) from None
        except httpx.HTTPError as exc:
            # An answer that could not be read (a broken encoding) is no answer either.
            raise _unreachable(client.config, type(exc)) from None


def _unreachable(target: TargetConfig, error: type[Exception]) -> PreflightError:
    how = "is down or unreachable" if issubclass(error, httpx.ConnectError) else "did not answer"
    return PreflightError(
        f"target {target.base_url} {how} ({error.__name__}): check {ENV_VARS['base_url']}.",
        EXIT_TARGET_DOWN,
    )
