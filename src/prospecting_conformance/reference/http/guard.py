"""The one guard in front of every operation: the key, its quota, its scopes, its group (I10,
I11), checked in that order; the first check that fails answers.

The handlers behind it never look at the key. The faults that weaken authentication,
permission or the rate limit are switched here, where a real service keeps those checks.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import ActiveFaults, FaultName
from prospecting_conformance.reference.http.responses import Responder
from prospecting_conformance.reference.quota import Quotas
from prospecting_conformance.reference.seed import DemoKey

__all__ = ["KEY_HEADER", "Guard"]

KEY_HEADER = "x-api-key"
UNAUTHORIZED = "Invalid or missing API key."
FORBIDDEN = "Missing required permission."

# Scope confusions: (the scope required, a scope whose holder passes anyway or None for any
# valid key, the fault that lets it pass).
SCOPE_CONFUSIONS: tuple[tuple[str, str | None, FaultName], ...] = (
    (seed.WRITE, seed.READ, "read_scope_allows_write"),
    (seed.READ, seed.WRITE, "write_scope_allows_read"),
    (seed.PROSPECTS, None, "prospects_scope_not_enforced"),
)
# Operations whose group check a tenancy fault drops.
GROUP_UNCHECKED: Mapping[str, FaultName] = {
    "listSalesNavigatorSavedSearches": "cross_tenant_saved_searches",
}


class Guard:
    """`admit(request, operation_id)`: None to let the request through, else the answer."""

    def __init__(
        self,
        scopes: Mapping[str, frozenset[str]],
        quotas: Quotas,
        responder: Responder,
        faults: ActiveFaults,
    ) -> None:
        self.scopes = scopes
        self.quotas = quotas
        self.error = responder.error
        self.faults = faults

    def admit(self, request: Request, operation_id: str) -> Response | None:
        demo = self._authenticate(request.headers.get(KEY_HEADER))
        if isinstance(demo, Response):
            return demo
        if demo.low_quota:
            wait = self.quotas.retry_after(demo.key)
            if wait is not None:
                return self._rate_limited(wait)
        lacking = self._lacking(demo, self.scopes[operation_id])
        if lacking:
            return self.error(403, FORBIDDEN, f"The key lacks {', '.join(sorted(lacking))}.")
        if demo.account_group_id != request.path_params["accountGroupId"]:
            skipped_by = GROUP_UNCHECKED.get(operation_id)
            if skipped_by is None or skipped_by not in self.faults:
                return self.error(403, FORBIDDEN, "The key belongs to another account group.")
        return None

    def failing_checks(self, request: Request, operation_id: str) -> set[str]:
        """Which of "auth", "scope" and "group" the request fails, faults aside (precedence
        faults ask, to know when a check run out of order shows)."""
        group = request.path_params["accountGroupId"]
        demo = seed.DEMO_KEYS.get(request.headers.get(KEY_HEADER, ""))
        if demo is None:
            # Without a known key, the tenant router takes the primary group for home.
            return {"auth"} | ({"group"} if group != seed.PRIMARY_ACCOUNT_GROUP_ID else set())
        failing = set()
        if not self.scopes[operation_id] <= demo.scopes:
            failing.add("scope")
        if demo.account_group_id != group:
            failing.add("group")
        return failing

    def _authenticate(self, key: str | None) -> DemoKey | Response:
        if key is None:
            if "missing_key_returns_403" in self.faults:
                return self.error(403, FORBIDDEN)
            return self.error(401, UNAUTHORIZED, "Send the key in X-API-Key.")
        demo = seed.DEMO_KEYS.get(key)
        if demo is not None:
            return demo
        if "invalid_key_accepted" in self.faults:
            return seed.DEMO_KEYS[seed.KEY_ALL]
        return self.error(401, UNAUTHORIZED, "The key is not known.")

    def _rate_limited(self, wait: int) -> Response:
        headers = None
        if "retry_after_fractional" in self.faults:
            headers = {"Retry-After": f"{wait - 0.5:g}"}
        elif "rate_limit_without_retry_after" not in self.faults:
            headers = {"Retry-After": str(wait)}
        return self.error(429, "Rate limit exceeded.", f"Retry in {wait} s.", headers)

    def _lacking(self, demo: DemoKey, required: frozenset[str]) -> frozenset[str]:
        """The required scopes the key lacks and no switched-on fault excuses."""
        return frozenset(
            scope for scope in required - demo.scopes if not self._excused(demo, scope)
        )

    def _excused(self, demo: DemoKey, scope: str) -> bool:
        return any(
            scope == required
            and (instead is None or instead in demo.scopes)
            and fault in self.faults
            for required, instead, fault in SCOPE_CONFUSIONS
        )
