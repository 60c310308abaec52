"""Fixtures the contract tests share: jobs started on the target, and the ids they need."""

from __future__ import annotations

import pytest

from prospecting_conformance.client import ProspectingClient
from prospecting_conformance.expectations import check_accepted_job
from prospecting_conformance.findings import raise_for_findings
from prospecting_conformance.jobs import StartJob, start_body
from prospecting_conformance.observed import Observed
from prospecting_conformance.pytest_plugin import require_setting
from prospecting_conformance.target import TargetConfig


@pytest.fixture
def start_job(api: ProspectingClient, writes: None) -> StartJob:
    """`start_job(saved_search_id)`: start a job and insist on L1 (later steps need it)."""

    def start(saved_search_id: str) -> Observed:
        observed = api.start_job(start_body(saved_search_id))
        raise_for_findings(check_accepted_job(observed))
        return observed

    return start


@pytest.fixture
def saved_search_id(target: TargetConfig) -> str:
    return require_setting(target, "saved_search_id")


@pytest.fixture
def slow_saved_search_id(target: TargetConfig) -> str:
    return require_setting(target, "slow_saved_search_id")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Contract tests first, generated ones last: a regression shows in seconds, not minutes."""
    items.sort(key=lambda item: "test_generated.py" in item.nodeid)
