"""The PROSPECTING_* variables that say where a target is and how to run against it.

Their names are the contract between the suite (target/config.py reads them), its README and
the reference server, whose `--print-env` prints them for itself: so they live below both,
with the one way to write them as shell lines.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

__all__ = ["ENV_VARS", "export_lines"]

ENV_VARS: dict[str, str] = {
    "base_url": "PROSPECTING_BASE_URL",
    "account_group_id": "PROSPECTING_ACCOUNT_GROUP_ID",
    "foreign_account_group_id": "PROSPECTING_FOREIGN_ACCOUNT_GROUP_ID",
    "key_all": "PROSPECTING_KEY_ALL",
    "key_prospecting_read": "PROSPECTING_KEY_PROSPECTING_READ",
    "key_prospecting_write": "PROSPECTING_KEY_PROSPECTING_WRITE",
    "key_prospects_read": "PROSPECTING_KEY_PROSPECTS_READ",
    "foreign_key_all": "PROSPECTING_FOREIGN_KEY_ALL",
    "key_low_quota": "PROSPECTING_KEY_LOW_QUOTA",
    "saved_search_id": "PROSPECTING_SAVED_SEARCH_ID",
    "slow_saved_search_id": "PROSPECTING_SLOW_SAVED_SEARCH_ID",
    "failing_saved_search_id": "PROSPECTING_FAILING_SAVED_SEARCH_ID",
    "provider_id": "PROSPECTING_PROVIDER_ID",
    "allow_writes": "PROSPECTING_ALLOW_WRITES",
    "allowed_hosts": "PROSPECTING_ALLOWED_HOSTS",
    "auth_header": "PROSPECTING_AUTH_HEADER",
    "auth_prefix": "PROSPECTING_AUTH_PREFIX",
    "profile": "PROSPECTING_PROFILE",
    "job_timeout": "PROSPECTING_JOB_TIMEOUT",
    "max_requests": "PROSPECTING_MAX_REQUESTS",
    "concurrency": "PROSPECTING_CONCURRENCY",
    "max_rate": "PROSPECTING_MAX_RATE",
}


def export_lines(env: Mapping[str, str]) -> list[str]:
    """Shell `export` lines that set `env`, in its order (what `--print-env` prints)."""
    return [f"export {name}={shlex.quote(value)}" for name, value in env.items()]
