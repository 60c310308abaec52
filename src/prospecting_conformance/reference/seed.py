"""The reference server's fixed demo data: account groups, API keys, saved searches, prospects.

Everything here is a constant so that the keys and ids can be documented, printed by
`--print-env`, searched for in redaction tests and handed to the suite as a live target. Nothing
in this module is secret: these keys open only the embedded reference server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "ACCOUNT_GROUPS",
    "DEMO_KEYS",
    "FAILING_SAVED_SEARCH_ID",
    "FAST_SAVED_SEARCH_ID",
    "FOREIGN_ACCOUNT_GROUP_ID",
    "FOREIGN_KEY_ALL",
    "FOREIGN_PROVIDER_ID",
    "KEY_ALL",
    "KEY_LOW_QUOTA",
    "KEY_PROSPECTING_READ",
    "KEY_PROSPECTING_WRITE",
    "KEY_PROSPECTS_READ",
    "PRIMARY_ACCOUNT_GROUP_ID",
    "PROVIDER_ID",
    "SAVED_SEARCHES",
    "SCOPES",
    "SEED_JOBS",
    "SEED_PROSPECTS",
    "SLOW_SAVED_SEARCH_ID",
    "DemoKey",
    "Prospect",
    "SavedSearch",
    "SearchKind",
    "SeedJob",
]

SearchKind = Literal["fast", "slow", "failing"]

READ = "prospecting:read"
WRITE = "prospecting:write"
PROSPECTS = "prospects:read"
SCOPES: frozenset[str] = frozenset({READ, WRITE, PROSPECTS})

PRIMARY_ACCOUNT_GROUP_ID = "ag-demo-primary"
FOREIGN_ACCOUNT_GROUP_ID = "ag-demo-foreign"
ACCOUNT_GROUPS: tuple[str, ...] = (PRIMARY_ACCOUNT_GROUP_ID, FOREIGN_ACCOUNT_GROUP_ID)

# Each key is long and distinct so that redaction tests can search any output for it.
KEY_ALL = "demo-key-all-scopes-primary-0001"
KEY_PROSPECTING_READ = "demo-key-prospecting-read-0002"
KEY_PROSPECTING_WRITE = "demo-key-prospecting-write-0003"
KEY_PROSPECTS_READ = "demo-key-prospects-read-0004"
FOREIGN_KEY_ALL = "demo-key-all-scopes-foreign-0005"
KEY_LOW_QUOTA = "demo-key-low-quota-primary-0006"


@dataclass(frozen=True)
class DemoKey:
    """An API key: the one account group it belongs to (I11), its scopes, whether it is capped."""

    key: str
    role: str
    account_group_id: str
    scopes: frozenset[str]
    low_quota: bool = False


DEMO_KEYS: dict[str, DemoKey] = {
    k.key: k
    for k in (
        DemoKey(KEY_ALL, "all", PRIMARY_ACCOUNT_GROUP_ID, SCOPES),
        DemoKey(
            KEY_PROSPECTING_READ, "prospecting_read", PRIMARY_ACCOUNT_GROUP_ID, frozenset({READ})
        ),
        DemoKey(
            KEY_PROSPECTING_WRITE, "prospecting_write", PRIMARY_ACCOUNT_GROUP_ID, frozenset({WRITE})
        ),
        DemoKey(
            KEY_PROSPECTS_READ, "prospects_read", PRIMARY_ACCOUNT_GROUP_ID, frozenset({PROSPECTS})
        ),
        DemoKey(FOREIGN_KEY_ALL, "foreign_all", FOREIGN_ACCOUNT_GROUP_ID, SCOPES),
        DemoKey(KEY_LOW_QUOTA, "low_quota", PRIMARY_ACCOUNT_GROUP_ID, SCOPES, low_quota=True),
    )
}


@dataclass(frozen=True)
class SavedSearch:
    id: str
    name: str
    kind: SearchKind


# The first saved search of each group is a fast one: schemathesis' stateful link starts jobs
# from data.items[0].
SAVED_SEARCHES: dict[str, tuple[SavedSearch, ...]] = {
    PRIMARY_ACCOUNT_GROUP_ID: (
        SavedSearch("5f0c1a2b3c4d5e6f7a8b0001", "Heads of Growth, EMEA", "fast"),
        SavedSearch("5f0c1a2b3c4d5e6f7a8b0002", "RevOps leaders, Series B SaaS", "fast"),
        SavedSearch("5f0c1a2b3c4d5e6f7a8b0003", "All CFOs in North America (large)", "slow"),
        SavedSearch(
            "5f0c1a2b3c4d5e6f7a8b0004", "Archived search (provider unavailable)", "failing"
        ),
    ),
    FOREIGN_ACCOUNT_GROUP_ID: (
        SavedSearch("6a1d2b3c4d5e6f7a8b9c0001", "Procurement managers, DACH", "fast"),
        SavedSearch("6a1d2b3c4d5e6f7a8b9c0002", "Founders, fintech seed stage", "fast"),
        SavedSearch("6a1d2b3c4d5e6f7a8b9c0003", "Every engineer in APAC (large)", "slow"),
    ),
}

FAST_SAVED_SEARCH_ID = SAVED_SEARCHES[PRIMARY_ACCOUNT_GROUP_ID][0].id
SLOW_SAVED_SEARCH_ID = SAVED_SEARCHES[PRIMARY_ACCOUNT_GROUP_ID][2].id
FAILING_SAVED_SEARCH_ID = SAVED_SEARCHES[PRIMARY_ACCOUNT_GROUP_ID][3].id


@dataclass(frozen=True)
class SeedJob:
    """A job that completed before the server started; the look-up finds its prospects."""

    id: str
    account_group_id: str
    saved_search_id: str
    prospect_count: int


@dataclass(frozen=True)
class Prospect:
    """A prospect a job found: seeded here, or added by the store when a job completes."""

    id: str
    account_group_id: str
    provider_id: str
    full_name: str
    headline: str | None
    source_job_id: str

    @property
    def profile_url(self) -> str:
        return f"https://www.linkedin.com/sales/lead/{self.provider_id}"


SEED_JOBS: tuple[SeedJob, ...] = (
    SeedJob("64b7f0c2a1e4d93b5c8f0a11", PRIMARY_ACCOUNT_GROUP_ID, FAST_SAVED_SEARCH_ID, 3),
    SeedJob(
        "64b7f0c2a1e4d93b5c8f0b22",
        FOREIGN_ACCOUNT_GROUP_ID,
        SAVED_SEARCHES[FOREIGN_ACCOUNT_GROUP_ID][0].id,
        2,
    ),
)

PROVIDER_ID = "ACwAAA0001"
FOREIGN_PROVIDER_ID = "ACwBBB0001"

SEED_PROSPECTS: tuple[Prospect, ...] = (
    Prospect(
        "64b7f0c2a1e4d93b5c8f0c01",
        PRIMARY_ACCOUNT_GROUP_ID,
        PROVIDER_ID,
        "Avery Stone",
        "Head of Growth",
        SEED_JOBS[0].id,
    ),
    Prospect(
        "64b7f0c2a1e4d93b5c8f0c02",
        PRIMARY_ACCOUNT_GROUP_ID,
        "ACwAAA0002",
        "Jordan Blake",
        "VP Revenue Operations",
        SEED_JOBS[0].id,
    ),
    Prospect(
        "64b7f0c2a1e4d93b5c8f0c03",
        PRIMARY_ACCOUNT_GROUP_ID,
        "ACwAAA0003",
        "Riley Chen",
        None,
        SEED_JOBS[0].id,
    ),
    Prospect(
        "64b7f0c2a1e4d93b5c8f0d01",
        FOREIGN_ACCOUNT_GROUP_ID,
        FOREIGN_PROVIDER_ID,
        "Morgan Weber",
        "Head of Procurement",
        SEED_JOBS[1].id,
    ),
    Prospect(
        "64b7f0c2a1e4d93b5c8f0d02",
        FOREIGN_ACCOUNT_GROUP_ID,
        "ACwBBB0002",
        "Sasha Novak",
        None,
        SEED_JOBS[1].id,
    ),
)
