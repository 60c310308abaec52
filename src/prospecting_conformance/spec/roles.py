"""The roles a key can have and the scopes each holds: what the contract says about keys.

The permission matrix crosses these with the spec's x-required-scopes, the spec reads the
write scope to tell a write from a read, and a target names one key per role: so they live
with the spec, below every layer that uses them.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["ROLE_SCOPES", "WRITE_SCOPE", "Role"]

Role = Literal["all", "prospecting_read", "prospecting_write", "prospects_read"]

# The scope that starts and cancels jobs (D5): what "writes" means for the safety rails.
WRITE_SCOPE = "prospecting:write"

# The scopes each role's key is expected to hold (D5); the permission matrix crosses these
# with the spec's x-required-scopes.
ROLE_SCOPES: dict[Role, frozenset[str]] = {
    "all": frozenset({"prospecting:read", "prospecting:write", "prospects:read"}),
    "prospecting_read": frozenset({"prospecting:read"}),
    "prospecting_write": frozenset({"prospecting:write"}),
    "prospects_read": frozenset({"prospects:read"}),
}
