"""A6: a request that breaks two conditions at once gets the earlier one's answer (I10).

The table comes from the spec (precedence.precedence_table): every operation x every pair
of conditions it can break together (no key or an unknown key; a key without the scope;
another account group; a malformed body; an id that does not exist). Each request breaks
exactly its two conditions and nothing else, so the answer shows which check ran first: an
API that loads the job before checking the scope answers 404 where 403 is due.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from prospecting_conformance.checks.precedence import (
    FOREIGN_GROUP,
    MALFORMED_BODY,
    MISSING_SCOPE,
    NO_KEY,
    UNKNOWN_ID,
    WRONG_KEY,
    PrecedenceCase,
    check_precedence,
    lacking_role,
    precedence_table,
)
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import (
    RequireKey,
    RequireSetting,
    RequireWrites,
    SkipUnlessWritable,
)
from prospecting_conformance.run.jobs import job_id, start_accepted, start_body
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import TargetConfig

TABLE = [pytest.param(case, id=case.id) for case in precedence_table(load_spec())]

UNKNOWN = "no-such-id-a6-000000000000"
# Without a configured foreign group, any group the key does not belong to is another's (I11).
OTHER_GROUP = "ag-not-ours-a6"


@pytest.fixture(scope="module")
def existing_job_id(
    api: ProspectingClient, require_writes: RequireWrites, require_setting: RequireSetting
) -> str:
    """A job that exists, for the rows whose job id is not the condition broken."""
    require_writes()
    return job_id(start_accepted(api, require_setting("saved_search_id")))


def _credentials(
    case: PrecedenceCase, api: ProspectingClient, require_key: RequireKey
) -> dict[str, Any]:
    if case.breaks(NO_KEY):
        return {"key": None}
    if case.breaks(WRONG_KEY):
        return {"key": None, "raw_key": api.config.auth_prefix + "not-a-key-a6-0000000000"}
    if case.breaks(MISSING_SCOPE):
        role = lacking_role(api.spec.operation(case.operation_id))
        assert role is not None  # the table only holds this row when such a role exists
        require_key(role)
        return {"key": role}
    return {"key": "all"}


def _path_params(
    case: PrecedenceCase,
    api: ProspectingClient,
    require_setting: RequireSetting,
    request: pytest.FixtureRequest,
) -> dict[str, str]:
    params = {}
    for name in api.spec.operation(case.operation_id).path_parameters:
        if name == "accountGroupId":
            continue
        if case.breaks(UNKNOWN_ID):
            params[name] = UNKNOWN
        elif name == "jobId":
            params[name] = request.getfixturevalue("existing_job_id")
        elif name == "providerId":
            params[name] = require_setting("provider_id")
        else:
            raise AssertionError(f"no existing value for {name}: the spec grew a parameter")
    return params


def _body(
    case: PrecedenceCase, api: ProspectingClient, require_setting: RequireSetting
) -> dict[str, Any]:
    """The request body (as `content`), broken only where the row says."""
    if not api.spec.operation(case.operation_id).has_body:
        return {}
    if case.operation_id != "startProspectingJob":
        raise AssertionError(f"no body written for {case.operation_id}: the spec grew one")
    if case.breaks(MALFORMED_BODY) and case.breaks(UNKNOWN_ID):
        document: Any = {"source": "not-a-source", "savedSearchId": UNKNOWN}
    elif case.breaks(MALFORMED_BODY):
        return {"content": b"{not json", "headers": {"Content-Type": "application/json"}}
    elif case.breaks(UNKNOWN_ID):
        document = start_body(UNKNOWN)
    else:
        document = start_body(require_setting("saved_search_id"))
    return {"content": json.dumps(document), "headers": {"Content-Type": "application/json"}}


@pytest.mark.parametrize("case", TABLE)
def test_the_first_broken_condition_answers(
    api: ProspectingClient,
    target: TargetConfig,
    require_key: RequireKey,
    require_setting: RequireSetting,
    skip_unless_writable: SkipUnlessWritable,
    request: pytest.FixtureRequest,
    case: PrecedenceCase,
) -> None:
    skip_unless_writable(case.operation_id)
    group = None
    if case.breaks(FOREIGN_GROUP):
        group = target.foreign_account_group_id or OTHER_GROUP
    observed = api.request(
        case.operation_id,
        path_params=_path_params(case, api, require_setting, request),
        account_group_id=group,
        **_body(case, api, require_setting),
        **_credentials(case, api, require_key),
    )
    raise_for_findings(check_precedence(observed, case))
