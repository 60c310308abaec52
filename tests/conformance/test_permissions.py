"""A3: the permission matrix, built from the spec's x-required-scopes and the role keys.

Every operation x every role key: a 2xx when the key holds the scope the operation requires
(D5), else a 403. Each request names a resource that exists, so that a 2xx is possible.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.checks.auth import permission_matrix
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.plugin.fixtures import (
    RequireKey,
    RequireSetting,
    RequireWrites,
    SkipUnlessWritable,
)
from prospecting_conformance.run.jobs import job_id, start_accepted, start_body
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.spec.roles import Role

MATRIX = [
    pytest.param(operation_id, role, allowed, id=f"{operation_id}-{role}")
    for operation_id, role, allowed in permission_matrix(load_spec())
]


@pytest.fixture(scope="module")
def running_job_id(
    api: ProspectingClient, require_writes: RequireWrites, require_setting: RequireSetting
) -> str:
    """One long job for the read and cancel cells (cancel stays 200: it is idempotent)."""
    require_writes()
    return job_id(start_accepted(api, require_setting("slow_saved_search_id")))


def _send(
    api: ProspectingClient,
    require_setting: RequireSetting,
    operation_id: str,
    role: Role,
    request: pytest.FixtureRequest,
) -> Observed:
    if operation_id == "listSalesNavigatorSavedSearches":
        return api.list_saved_searches(key=role)
    if operation_id == "startProspectingJob":
        return api.start_job(start_body(require_setting("saved_search_id")), key=role)
    if operation_id == "getProspectingJob":
        return api.get_job(request.getfixturevalue("running_job_id"), key=role)
    if operation_id == "cancelProspectingJob":
        return api.cancel_job(request.getfixturevalue("running_job_id"), key=role)
    if operation_id == "getProspectByProviderId":
        return api.get_prospect(require_setting("provider_id"), key=role)
    raise AssertionError(f"no request written for {operation_id}: the spec grew an operation")


@pytest.mark.parametrize(("operation_id", "role", "allowed"), MATRIX)
def test_permission_matrix(
    api: ProspectingClient,
    require_key: RequireKey,
    require_setting: RequireSetting,
    skip_unless_writable: SkipUnlessWritable,
    request: pytest.FixtureRequest,
    operation_id: str,
    role: Role,
    allowed: bool,
) -> None:
    skip_unless_writable(operation_id)
    require_key(role)
    observed = _send(api, require_setting, operation_id, role, request)
    expected = api.spec.operation(operation_id).responses
    success = [s for s in expected if 200 <= s <= 299]
    verdict = "holds" if allowed else "lacks"
    raise_for_findings(
        check_status(
            observed,
            "A3",
            success if allowed else 403,
            f"The {role} key {verdict} {sorted(api.spec.operation(operation_id).required_scopes)}",
        )
    )


@pytest.mark.usefixtures("writes")
def test_a_write_only_key_cannot_read_the_job_it_started(
    api: ProspectingClient, require_key: RequireKey, saved_search_id: str
) -> None:
    require_key("prospecting_write")
    started = api.start_job(start_body(saved_search_id), key="prospecting_write")
    raise_for_findings(check_status(started, "A3", 202, "Started a job with the write key"))
    observed = api.get_job(job_id(started), key="prospecting_write")
    raise_for_findings(check_status(observed, "A3", 403, "Read a job with the write-only key"))
