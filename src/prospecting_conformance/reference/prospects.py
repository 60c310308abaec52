"""The prospects of every account group, found by provider id; a completed job adds its own.

Not thread-safe on its own: the store calls it under its lock, because a look-up first lets
the jobs that have completed since add their prospects.
"""

from __future__ import annotations

from collections.abc import Callable

from prospecting_conformance.reference import seed
from prospecting_conformance.reference.faults import ActiveFaults
from prospecting_conformance.reference.seed import Prospect

__all__ = ["ProspectDirectory"]

FIRST_NAMES = ("Avery", "Jordan", "Riley", "Morgan", "Sasha", "Quinn", "Taylor", "Casey")
LAST_NAMES = ("Stone", "Blake", "Chen", "Weber", "Novak", "Okafor", "Silva", "Larsen")
HEADLINES = ("Head of Growth", "VP Sales", None, "Director of Operations", "CFO")


class ProspectDirectory:
    def __init__(self, faults: ActiveFaults, new_id: Callable[[], str]) -> None:
        self.faults = faults
        self._new_id = new_id
        self._by_group: dict[str, list[Prospect]] = {g: [] for g in seed.ACCOUNT_GROUPS}
        self._by_provider: dict[tuple[str, str], Prospect] = {}
        for prospect in seed.SEED_PROSPECTS:
            self._add(prospect)

    def add_found_by(self, job_id: str, account_group_id: str, count: int) -> None:
        """The prospects a completed job found, so that the look-up then finds them."""
        for i in range(count):
            prospect = Prospect(
                id=self._new_id(),
                account_group_id=account_group_id,
                provider_id=f"ACw{job_id[-10:]}{i:03d}",
                full_name=f"{FIRST_NAMES[i % 8]} {LAST_NAMES[(i // 8 + i) % 8]}",
                headline=HEADLINES[i % len(HEADLINES)],
                source_job_id=job_id,
            )
            self._add(prospect)

    def find(self, account_group_id: str, provider_id: str) -> Prospect | None:
        found = self._by_provider.get((account_group_id, provider_id))
        if found is None and "provider_lookup_collation" in self.faults:
            # utf8mb4_general_ci with PAD SPACE: letter case and trailing spaces do not count.
            loose = provider_id.rstrip(" ").casefold()
            found = next(
                (
                    p
                    for (group, pid), p in self._by_provider.items()
                    if group == account_group_id and pid.rstrip(" ").casefold() == loose
                ),
                None,
            )
        if found is None and "cross_tenant_prospect_lookup" in self.faults:
            found = next(
                (p for (_, pid), p in self._by_provider.items() if pid == provider_id), None
            )
        group = self._by_group.get(account_group_id, [])
        if found is None and "unknown_provider_id_found" in self.faults and group:
            return group[0]
        if found is not None and "provider_lookup_returns_other_prospect" in self.faults:
            # An off-by-one in the index: the neighbour answers instead.
            siblings = self._by_group[found.account_group_id]
            return siblings[(siblings.index(found) + 1) % len(siblings)]
        return found

    def _add(self, prospect: Prospect) -> None:
        key = (prospect.account_group_id, prospect.provider_id)
        if key in self._by_provider:
            return
        self._by_provider[key] = prospect
        self._by_group.setdefault(prospect.account_group_id, []).append(prospect)
