"""Fixtures the contract tests share: jobs started on the target, and the ids they need."""

from __future__ import annotations

import pytest

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.plugin.fixtures import RequireSetting
from prospecting_conformance.run.jobs import StartJob, start_accepted


@pytest.fixture
def start_job(api: ProspectingClient, writes: None) -> StartJob:
    """`start_job(saved_search_id)`: start a job and insist on L1 (later steps need it)."""
    return lambda saved_search_id: start_accepted(api, saved_search_id)


@pytest.fixture
def saved_search_id(require_setting: RequireSetting) -> str:
    return require_setting("saved_search_id")


@pytest.fixture
def slow_saved_search_id(require_setting: RequireSetting) -> str:
    return require_setting("slow_saved_search_id")


# Contract tests first, generated ones next (a regression shows in seconds, not minutes),
# the second look at every job seen last (it wants every job the run started, and time).
ORDER = ("test_generated.py", "test_revisit.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i + 1 for i, name in enumerate(ORDER) if name in item.nodeid), 0)

    items.sort(key=rank)
