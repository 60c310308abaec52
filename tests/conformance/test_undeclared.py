"""U1: paths the API does not have and methods a path does not support (I12, I14).

Generated cases never send HEAD or OPTIONS and no other test asks for a path outside the
spec, so a framework's default page there (a text/plain 404, a 200 for OPTIONS, a HEAD
answered without asking the API) would pass unseen. Every answer here also goes through the
observer: the envelope rules (E1-E6) judge its body, U1 its status, Allow and error code.
"""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.checks.undeclared import (
    UNKNOWN_PATHS,
    UndeclaredMethod,
    check_head,
    check_method_not_allowed,
    check_unknown_path,
    undeclared_methods,
)
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.core.http import READ_METHODS
from prospecting_conformance.plugin.fixtures import RequireWrites
from prospecting_conformance.run.probes import probe_url
from prospecting_conformance.spec.model import load_spec

METHOD_CASES = [pytest.param(case, id=case.id) for case in undeclared_methods(load_spec())]


@pytest.mark.parametrize("template", UNKNOWN_PATHS)
@pytest.mark.parametrize("with_key", [True, False], ids=["with-key", "no-key"])
def test_an_unknown_path_is_404_in_the_envelope(
    api: ProspectingClient, template: str, with_key: bool
) -> None:
    credentials: dict[str, Any] = {"key": "all"} if with_key else {"key": None}
    observed = api.get_url(probe_url(api, template), f"GET {template}", **credentials)
    raise_for_findings(check_unknown_path(observed, with_key=with_key))


@pytest.mark.parametrize("case", METHOD_CASES)
def test_an_undeclared_method_is_405_with_allow(
    api: ProspectingClient, require_writes: RequireWrites, case: UndeclaredMethod
) -> None:
    if case.method not in READ_METHODS:
        # A write method on a live API could still start or cancel something if it is broken.
        require_writes()
    url = probe_url(api, case.path)
    observed = api.send_undeclared(case.method, url, case.label)
    if case.may_answer_as_get:
        # HEAD as GET conforms too (I14): then it is held to what the GET answers.
        raise_for_findings(check_head(observed, api.get_url(url, case.operation_id), case))
    else:
        raise_for_findings(check_method_not_allowed(observed, case))
