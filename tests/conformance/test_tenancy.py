"""A4: one account group's key never reaches another group's data (I11)."""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.checks.auth import check_groups_disjoint, check_not_reachable
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import RequireKey, RequireSetting, SkipUnlessWritable
from prospecting_conformance.run.jobs import StartJob, job_id, start_body
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import KeyName, TargetConfig

OPERATIONS = sorted(load_spec().operations)


@pytest.fixture
def foreign_group(require_setting: RequireSetting) -> str:
    return require_setting("foreign_account_group_id")


@pytest.fixture
def foreign_key(require_key: RequireKey) -> KeyName:
    """The foreign group's key, by name: the client sends it, the test never holds it."""
    require_key("foreign_all")
    return "foreign_all"


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_our_key_on_the_foreign_groups_paths_is_403(
    api: ProspectingClient,
    target: TargetConfig,
    skip_unless_writable: SkipUnlessWritable,
    foreign_group: str,
    operation_id: str,
) -> None:
    skip_unless_writable(operation_id)
    operation = api.spec.operation(operation_id)
    params = {
        "jobId": "job-of-the-foreign-group",
        "providerId": target.provider_id or "provider-of-the-foreign-group",
    }
    body: Any = start_body(target.saved_search_id or "any") if operation.has_body else None
    observed = api.request(
        operation_id,
        path_params={name: params[name] for name in operation.path_parameters if name in params},
        json=body,
        account_group_id=foreign_group,
    )
    raise_for_findings(
        check_status(observed, "A4", 403, f"Used our key on account group {foreign_group!r}")
    )


@pytest.mark.usefixtures("writes")
def test_a_foreign_groups_job_is_unreachable_through_our_key(
    api: ProspectingClient, foreign_group: str, foreign_key: KeyName
) -> None:
    # Given a job the foreign group started from one of its own saved searches
    listed = api.list_saved_searches(key=foreign_key, account_group_id=foreign_group)
    raise_for_findings(check_status(listed, "A4", 200, "Listed with the foreign group's key"))
    items = (listed.data or {}).get("items") or []
    if not items:
        pytest.skip(f"the foreign account group {foreign_group!r} has no saved search")
    started = api.start_job(
        start_body(items[0]["id"]), key=foreign_key, account_group_id=foreign_group
    )
    raise_for_findings(check_status(started, "A4", 202, "Started a job in the foreign group"))
    foreign_job = job_id(started)

    # When our key asks for it through our own account group
    read = api.get_job(foreign_job)
    cancelled = api.cancel_job(foreign_job)

    # Then it is not there for us
    why = f"Reached the foreign group's job {foreign_job!r} with our key"
    raise_for_findings(
        check_not_reachable(read, "A4", why) + check_not_reachable(cancelled, "A4", why)
    )


@pytest.mark.usefixtures("writes")
def test_our_job_is_unreachable_through_the_foreign_key(
    api: ProspectingClient,
    start_job: StartJob,
    saved_search_id: str,
    foreign_group: str,
    foreign_key: KeyName,
) -> None:
    ours = job_id(start_job(saved_search_id))
    why = f"Reached our job {ours!r} with the foreign group's key"
    read = api.get_job(ours, key=foreign_key, account_group_id=foreign_group)
    cancelled = api.cancel_job(ours, key=foreign_key, account_group_id=foreign_group)
    raise_for_findings(
        check_not_reachable(read, "A4", why) + check_not_reachable(cancelled, "A4", why)
    )


def test_our_saved_searches_are_not_listed_for_the_foreign_group(
    api: ProspectingClient, target: TargetConfig, foreign_group: str, foreign_key: KeyName
) -> None:
    ours = api.list_saved_searches()
    raise_for_findings(check_status(ours, "A4", 200, "Listed our saved searches"))
    theirs = api.list_saved_searches(key=foreign_key, account_group_id=foreign_group)
    raise_for_findings(check_status(theirs, "A4", 200, "Listed the foreign group's saved searches"))
    raise_for_findings(check_groups_disjoint(ours, theirs))
