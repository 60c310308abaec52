"""S5: an id that differs from a real one only in letter case or form is another id (I9).

The observer holds every 2xx of the run to the ids its request named (checks/identity.py);
but no other request names a near-miss of a real id, so a store that matches ids loosely (a
case-insensitive collation, trailing spaces ignored) goes unseen without these. Every path
parameter the spec marks with `x-identity` gets a real id, spelled each way of ID_VARIANTS:
the answer must be an unknown id's 404, never the real resource.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prospecting_conformance.checks.identity import ID_VARIANTS, check_other_id
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import RequireSetting, RequireWrites
from prospecting_conformance.run.jobs import job_id, start_accepted
from prospecting_conformance.spec.model import load_spec

CASES = [
    pytest.param(operation.operation_id, name, id=f"{operation.operation_id}-{name}")
    for operation in load_spec().operations.values()
    for name in operation.identities
]

RealId = Callable[[str], str]


@pytest.fixture
def real_id(
    api: ProspectingClient, require_setting: RequireSetting, require_writes: RequireWrites
) -> RealId:
    """`real_id(parameter)`: an id the target has, for a path parameter of the spec.

    A job id exists only once a job is started (a write); a provider id is the target's
    setting. A parameter the spec grows that neither covers fails here, by name.
    """

    def real(parameter: str) -> str:
        if parameter == "jobId":
            require_writes()
            return job_id(start_accepted(api, require_setting("saved_search_id")))
        if parameter == "providerId":
            return require_setting("provider_id")
        raise LookupError(f"no way to get a real {parameter} for S5: teach real_id")

    return real


@pytest.mark.parametrize("variant", ID_VARIANTS)
@pytest.mark.parametrize(("operation_id", "parameter"), CASES)
def test_an_id_spelled_otherwise_is_unknown(
    api: ProspectingClient,
    real_id: RealId,
    operation_id: str,
    parameter: str,
    variant: str,
) -> None:
    real = real_id(parameter)
    other = ID_VARIANTS[variant](real)
    if other == real:
        pytest.skip(f"{real!r} has no letters to spell in another case")

    observed = api.request(operation_id, path_params={parameter: other})

    raise_for_findings(check_other_id(observed, real, other))
