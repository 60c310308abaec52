"""H3: a route spelled with a trailing or doubled slash or another case is a path the API
does not have, answered 404 in the envelope, never redirected (I14, RFC 3986 §6.2.2).

Every other request of the run spells each route the spec's way, so a router that matches
loosely (case-insensitively, merging slashes, forgiving a trailing slash) or redirects to the
canonical spelling goes unseen without these. Each route of the spec is spelled each way and
sent twice: GET, the method a link or a browser follows, and OPTIONS, which a route that
matched answers 405 whatever its ids (a GET of an unknown job is 404 either way). Both are
safe, so they run with writes off. Any 3xx is also an H3 finding of the observer.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.checks.spelling import path_spellings
from prospecting_conformance.checks.undeclared import check_unknown_path
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.run.probes import probe_url
from prospecting_conformance.spec.model import load_spec

ROUTES = sorted({operation.path for operation in load_spec().operations.values()})
SPELLINGS = [
    pytest.param(spelled, id=f"{route}-{label}")
    for route in ROUTES
    for label, spelled in path_spellings(route).items()
]


@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
@pytest.mark.parametrize("spelled", SPELLINGS)
def test_a_route_spelled_otherwise_is_an_unknown_path(
    api: ProspectingClient, spelled: str, method: str
) -> None:
    label = f"{method} {spelled}"
    observed = api.send_undeclared(method, probe_url(api, spelled), label)
    raise_for_findings(check_unknown_path(observed, with_key=True, rule="H3", path=repr(spelled)))
