"""The preflight: one request that proves the target is up and the main key works.

A misconfigured run must stop with one clear message and a distinct exit status, not a wall
of failing tests: CI tells "staging is down" and "the secret is wrong" from "the API
regressed" by the exit status alone.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import httpx

from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.rails.wire import RailsTransport
from prospecting_conformance.target.config import ENV_VARS, TargetConfig

__all__ = ["EXIT_MISCONFIGURED", "EXIT_TARGET_DOWN", "PreflightError", "preflight"]

# sysexits.h: EX_CONFIG and EX_UNAVAILABLE; pytest itself uses 0-5.
EXIT_MISCONFIGURED = 78
EXIT_TARGET_DOWN = 69


@dataclass
class PreflightError(Exception):
    message: str
    exit_status: int

    def __str__(self) -> str:
        return self.message


def preflight(target: TargetConfig, rails: Rails, *, wait_s: float = 0.0) -> None:
    """Raise PreflightError unless the target answers the saved-searches list with a 200.

    `wait_s` keeps retrying refused connections that long (a server that is still starting).
    The request goes through the run's rails like any other: it counts in the budget.
    """
    credential = target.credential("all")
    if credential is None:
        raise PreflightError(
            f"{ENV_VARS['key_all']} is not set: the suite needs a key with every scope.",
            EXIT_MISCONFIGURED,
        )
    url = (
        f"{target.base_url.rstrip('/')}/v1/accounts/{target.account_group_id}"
        "/sales-navigator/saved-searches"
    )
    deadline = time.monotonic() + wait_s
    while True:
        try:
            with httpx.Client(transport=RailsTransport(rails), timeout=10.0) as client:
                response = client.get(url, headers={target.auth_header: credential.reveal()})
            break
        except httpx.ConnectError as exc:
            if time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            raise PreflightError(
                f"target {target.base_url} is down or unreachable ({type(exc).__name__}): "
                f"check {ENV_VARS['base_url']}.",
                EXIT_TARGET_DOWN,
            ) from None
        except httpx.HTTPError as exc:
            raise PreflightError(
                f"target {target.base_url} did not answer ({type(exc).__name__}): "
                f"check {ENV_VARS['base_url']}.",
                EXIT_TARGET_DOWN,
            ) from None
    if response.status_code in (401, 403):
        raise PreflightError(
            f"target {target.base_url} rejected {ENV_VARS['key_all']} for account group "
            f"{target.account_group_id!r} with {response.status_code}: check the key, "
            f"{ENV_VARS['account_group_id']}, {ENV_VARS['auth_header']} and "
            f"{ENV_VARS['auth_prefix']}.",
            EXIT_MISCONFIGURED,
        )
    if response.status_code == 404:
        raise PreflightError(
            f"target {target.base_url} has no saved-searches endpoint (404): check that "
            f"{ENV_VARS['base_url']} is the API's root.",
            EXIT_MISCONFIGURED,
        )
    if response.status_code >= 500:
        raise PreflightError(
            f"target {target.base_url} is unhealthy: the preflight request got "
            f"{response.status_code}.",
            EXIT_TARGET_DOWN,
        )
