"""Fixtures the contract tests share: jobs started on the target, the ids they need, and a
harmless request to any operation."""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.plugin.fixtures import RequireSetting, SkipUnlessWritable
from prospecting_conformance.run.jobs import StartJob, start_accepted
from prospecting_conformance.run.probes import Probe, send_probe


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


@pytest.fixture
def probe(api: ProspectingClient, skip_unless_writable: SkipUnlessWritable) -> Probe:
    """`probe(operation_id, **options)`: the operation's harmless request (run/probes.py),
    skipped with writes off when the operation writes, as any request to it is."""

    def send(operation_id: str, **options: Any) -> Observed:
        skip_unless_writable(operation_id)
        return send_probe(api, operation_id, **options)

    return send


# The contract tests that answer at once first, then those that wait (on jobs to end, on a
# 429's pause), then the generated ones (a regression shows in the first second, not after
# seconds of waiting), the second look at every job seen last (it wants every job the run
# started, and time).
ORDER = ("test_lifecycle.py", "test_rate_limit.py", "test_generated.py", "test_revisit.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next((i + 1 for i, name in enumerate(ORDER) if name in item.nodeid), 0)

    items.sort(key=rank)
