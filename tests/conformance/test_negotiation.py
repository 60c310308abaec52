"""H2: whatever Accept a client sends, the answer is the JSON envelope (I12, I14).

Every other request of the run carries httpx's `Accept: */*`, so a framework that serves its
HTML error page to browsers, or answers 406 when JSON is not the first type listed, goes
unseen without these. Each operation's harmless request (and a path the API does not have,
where framework pages live) is sent with `Accept: application/json` and then with each Accept
of the table: the status must be the same and the answer the envelope.
"""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.checks.negotiation import (
    ACCEPT_VALUES,
    CANONICAL_ACCEPT,
    check_negotiated,
)
from prospecting_conformance.checks.undeclared import UNKNOWN_PATHS
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.run.probes import Probe, probe_url
from prospecting_conformance.spec.model import load_spec

OPERATIONS = sorted(load_spec().operations)
UNKNOWN_PATH = UNKNOWN_PATHS[0]


def _accept(accept: str | None) -> dict[str, Any]:
    """The send options that carry this Accept, or none at all."""
    if accept is None:
        return {"without_headers": ("accept",)}
    return {"headers": {"Accept": accept}}


@pytest.mark.parametrize("accept", ACCEPT_VALUES)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_every_accept_gets_the_json_envelope(probe: Probe, operation_id: str, accept: str) -> None:
    expected = probe(operation_id, **_accept(CANONICAL_ACCEPT))

    observed = probe(operation_id, **_accept(ACCEPT_VALUES[accept]))

    raise_for_findings(check_negotiated(observed, expected, ACCEPT_VALUES[accept]))


@pytest.mark.parametrize("accept", ACCEPT_VALUES)
def test_a_path_the_api_does_not_have_gets_the_json_envelope_for_any_accept(
    api: ProspectingClient, accept: str
) -> None:
    url = probe_url(api, UNKNOWN_PATH)
    expected = api.get_url(url, f"GET {UNKNOWN_PATH}", **_accept(CANONICAL_ACCEPT))

    observed = api.get_url(url, f"GET {UNKNOWN_PATH}", **_accept(ACCEPT_VALUES[accept]))

    raise_for_findings(check_negotiated(observed, expected, ACCEPT_VALUES[accept]))
