"""The environment that points the suite at a reference server: what `--print-env` prints.

The lines a QA engineer sources, and the ones the embedded run reads back (target/embedded.py):
where the server is, its demo keys and ids, how it reads a key, and the run settings it
suggests. Written in the suite's variable names (core/env_vars.py), without the suite's
target type, so that the server depends on nothing above its layer.
"""

from __future__ import annotations

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.reference import seed

__all__ = ["demo_env"]


def demo_env(base_url: str) -> dict[str, str]:
    """The PROSPECTING_* variables for the server at `base_url`, in ENV_VARS' order."""
    values = {
        "base_url": base_url,
        "account_group_id": seed.PRIMARY_ACCOUNT_GROUP_ID,
        "foreign_account_group_id": seed.FOREIGN_ACCOUNT_GROUP_ID,
        "key_all": seed.KEY_ALL,
        "key_prospecting_read": seed.KEY_PROSPECTING_READ,
        "key_prospecting_write": seed.KEY_PROSPECTING_WRITE,
        "key_prospects_read": seed.KEY_PROSPECTS_READ,
        "foreign_key_all": seed.FOREIGN_KEY_ALL,
        "key_low_quota": seed.KEY_LOW_QUOTA,
        "saved_search_id": seed.FAST_SAVED_SEARCH_ID,
        "slow_saved_search_id": seed.SLOW_SAVED_SEARCH_ID,
        "failing_saved_search_id": seed.FAILING_SAVED_SEARCH_ID,
        "provider_id": seed.PROVIDER_ID,
        "allow_writes": "1",
        # Loopback is always allowed: no other host to list.
        "allowed_hosts": "",
        # How this server reads a key (I3): the documented header, no prefix.
        "auth_header": "X-API-Key",
        "auth_prefix": "",
        "profile": "default",
        # Its jobs end in well under a second; a job still running after 3 s never will.
        "job_timeout": "3.0",
        # It serves thousands of requests a second on loopback: the rails need not slow a run
        # down, nor cut a release-profile run short, the way they must on staging.
        "max_requests": "1000000",
        # As many as its answer times call for: one, on loopback.
        "concurrency": "auto",
        "max_rate": "1000.0",
    }
    return {ENV_VARS[name]: values[name] for name in ENV_VARS}
