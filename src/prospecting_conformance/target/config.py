"""Where the suite points: a live target read from the environment, or the embedded server.

CI secrets reach the suite through the environment only, so keys never touch a file; the
variables' names are in core/env_vars.py.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Literal
from urllib.parse import urlsplit

from prospecting_conformance.core.env_vars import ENV_VARS, export_lines
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.spec.roles import Role

__all__ = [
    "KEY_FIELDS",
    "PROFILES",
    "PROFILE_REQUEST_BUDGETS",
    "PROFILE_REQUEST_NEEDS",
    "KeyName",
    "Profile",
    "TargetConfig",
    "TargetConfigError",
]

Profile = Literal["quick", "default", "release"]
PROFILES: tuple[Profile, ...] = ("quick", "default", "release")

# What each profile's run sent on the reference server, by layer: the most of several seeds
# (quick 5, default 3, release 2; docs/budgets.md has each run, and how to measure again).
# The budget of a run that sets none (PROSPECTING_MAX_REQUESTS) is their sum and half as
# much again, for a target whose answers lead the walks further; the forecast starts from
# them (rails/usage.py).
PROFILE_REQUEST_NEEDS: dict[Profile, dict[str, int]] = {
    "quick": {"preflight": 1, "generated": 212, "stateful": 1187, "contract": 530},
    "default": {"preflight": 1, "generated": 852, "stateful": 1548, "contract": 508},
    "release": {"preflight": 1, "generated": 5104, "stateful": 6205, "contract": 1211},
}
PROFILE_REQUEST_BUDGETS: dict[Profile, int] = {
    profile: math.ceil(sum(needs.values()) * 1.5 / 500) * 500
    for profile, needs in PROFILE_REQUEST_NEEDS.items()
}

# Every key a target may configure: one per role of its own account group, the foreign
# group's all-scopes key (tenancy) and a key with a tiny quota (rate limiting).
KeyName = Literal[
    "all", "prospecting_read", "prospecting_write", "prospects_read", "foreign_all", "low_quota"
]
KEY_FIELDS: dict[KeyName, str] = {
    "all": "key_all",
    "prospecting_read": "key_prospecting_read",
    "prospecting_write": "key_prospecting_write",
    "prospects_read": "key_prospects_read",
    "foreign_all": "foreign_key_all",
    "low_quota": "key_low_quota",
}

SECRET_FIELDS = tuple(KEY_FIELDS.values())

# More walks than this share a profile's scenarios so thinly that a walk ends before it
# reaches the deepest link.
MAX_CONCURRENCY = 16
# What `auto` means on a target slower than FAST_ANSWER_S. A stateful walk waits for each
# answer before its next step; eight overlap those waits (at 200 ms per answer the quick
# profile's walks took 42 s with eight, 78 s with four, about 220 s with one) and the five
# links were still followed, each walk with a dozen scenarios.
SLOW_TARGET_CONCURRENCY = 8
# Below this median answer time a run is bound by its own work, not by waiting: one at a
# time, since more only add their start-ups and switch threads (about 2 s on a quick run
# on loopback).
FAST_ANSWER_S = 0.01

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


class TargetConfigError(ValueError):
    """The target configuration is unusable; the message says which variable to fix."""


@dataclass(frozen=True)
class TargetConfig:
    base_url: str
    account_group_id: str
    foreign_account_group_id: str | None = None
    key_all: Secret | None = None
    key_prospecting_read: Secret | None = None
    key_prospecting_write: Secret | None = None
    key_prospects_read: Secret | None = None
    foreign_key_all: Secret | None = None
    key_low_quota: Secret | None = None
    saved_search_id: str | None = None
    slow_saved_search_id: str | None = None
    failing_saved_search_id: str | None = None
    provider_id: str | None = None
    allow_writes: bool = False
    allowed_hosts: tuple[str, ...] = ()
    auth_header: str = "X-API-Key"
    auth_prefix: str = ""
    profile: Profile = "default"
    job_timeout: float = 60.0
    # None: the profile's budget (PROFILE_REQUEST_BUDGETS); `request_budget` is the one in force.
    max_requests: int | None = None
    # Requests one process may wait for at once (stateful walks, the revisit, settle);
    # auto: as many as the target's answer times call for (concurrency_for).
    concurrency: int | Literal["auto"] = "auto"
    max_rate: float = 50.0
    embedded: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TargetConfig | None:
        """The target `env` (settings.run_target passes the environment) configures, or None
        when no base URL is set."""
        if not env.get(ENV_VARS["base_url"]):
            return None
        values: dict[str, object] = {}
        for name, var in ENV_VARS.items():
            raw = env.get(var)
            # Empty is unset: an empty prefix is the default prefix anyway.
            if not raw:
                continue
            values[name] = _parse(name, var, raw)
        if "account_group_id" not in values:
            raise TargetConfigError(
                f"{ENV_VARS['base_url']} is set but {ENV_VARS['account_group_id']} is not: "
                "the suite needs the account group the keys belong to."
            )
        config = cls(**values)  # type: ignore[arg-type]
        config.check_safety()
        return config

    @property
    def request_budget(self) -> int:
        """The requests the run may send: as set, or its profile's default."""
        if self.max_requests is not None:
            return self.max_requests
        return PROFILE_REQUEST_BUDGETS[self.profile]

    def concurrency_for(self, typical_answer_s: float | None) -> int:
        """How many requests to wait for at once: as chosen, or by how fast the target
        answered so far (None: no answer yet, so none to overlap)."""
        if self.concurrency != "auto":
            return self.concurrency
        if typical_answer_s is None or typical_answer_s < FAST_ANSWER_S:
            return 1
        return SLOW_TARGET_CONCURRENCY

    def key_for(self, role: Role) -> Secret | None:
        value: Secret | None = getattr(self, f"key_{role}")
        return value

    def credential(self, name: KeyName) -> Secret | None:
        """The whole auth header value for one of the target's keys (prefix and key)."""
        key: Secret | None = getattr(self, KEY_FIELDS[name])
        return None if key is None else key.derive(lambda value: self.auth_prefix + value)

    def secrets(self) -> dict[str, str]:
        """Every configured key, by the variable that holds it (for redaction)."""
        return {
            ENV_VARS[name]: value.reveal()
            for name in SECRET_FIELDS
            if (value := getattr(self, name)) is not None
        }

    def redactor(self) -> Redactor:
        """The redactor for this target: its keys, its auth header and prefix."""
        return Redactor(self.secrets(), auth_header=self.auth_header, auth_prefix=self.auth_prefix)

    def env(self) -> dict[str, str]:
        """The PROSPECTING_* variables that configure this target, keys revealed."""
        variables = {}
        for f in fields(self):
            if f.name not in ENV_VARS:
                continue
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, Secret):
                value = value.reveal()
            elif isinstance(value, bool):
                value = "1" if value else "0"
            elif isinstance(value, tuple):
                value = ",".join(value)
            variables[ENV_VARS[f.name]] = str(value)
        return variables

    def env_lines(self) -> list[str]:
        """Shell `export` lines that configure this target (what `--print-env` prints)."""
        return export_lines(self.env())

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    def check_safety(self) -> None:
        """Refuse a base URL that is malformed or whose host is not allowed."""
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise TargetConfigError(
                f"{ENV_VARS['base_url']}={self.base_url!r} is not an http(s) URL with a host."
            )
        if self.host not in LOOPBACK_HOSTS and self.host not in self.allowed_hosts:
            raise TargetConfigError(
                f"host {self.host!r} of {ENV_VARS['base_url']} is not on the allow-list: add it "
                f"to {ENV_VARS['allowed_hosts']} (comma-separated) if this target is safe to test."
            )


def _parse(name: str, var: str, raw: str) -> object:
    try:
        if name == "allow_writes":
            word = raw.strip().lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise ValueError("expected 1/0, true/false, yes/no")
            return word in TRUE_WORDS
        if name == "allowed_hosts":
            return tuple(h.strip().lower() for h in raw.split(",") if h.strip())
        if name == "profile":
            if raw not in PROFILES:
                raise ValueError(f"expected one of {', '.join(PROFILES)}")
            return raw
        if name in ("job_timeout", "max_rate"):
            number = float(raw)
            # `nan` passes a `<= 0` test and then makes a deadline or a pace meaningless.
            if not math.isfinite(number) or number <= 0:
                raise ValueError("expected a finite number above 0")
            return number
        if name == "max_requests":
            count = int(raw)
            if count <= 0:
                raise ValueError("expected a positive whole number")
            return count
        if name == "concurrency":
            if raw.strip().lower() == "auto":
                return "auto"
            count = int(raw)
            if not 1 <= count <= MAX_CONCURRENCY:
                raise ValueError(f"expected auto or a whole number from 1 to {MAX_CONCURRENCY}")
            return count
    except ValueError as exc:
        shown = "<redacted>" if name in SECRET_FIELDS else repr(raw)
        raise TargetConfigError(f"{var}={shown}: {exc}") from None
    return Secret(raw) if name in SECRET_FIELDS else raw
