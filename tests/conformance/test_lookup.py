"""P1: the provider-id look-up finds the known prospect and only that one; unknown is 404."""

from __future__ import annotations

from prospecting_conformance.client import ProspectingClient
from prospecting_conformance.expectations import check_prospect, check_status
from prospecting_conformance.findings import raise_for_findings
from prospecting_conformance.pytest_plugin import require_setting
from prospecting_conformance.target import TargetConfig


def test_known_provider_id_answers_that_prospect(
    api: ProspectingClient, target: TargetConfig
) -> None:
    provider_id = require_setting(target, "provider_id")
    raise_for_findings(check_prospect(api.get_prospect(provider_id), provider_id))


def test_unknown_provider_id_is_404(api: ProspectingClient) -> None:
    observed = api.get_prospect("no-such-provider-id-0000")
    raise_for_findings(check_status(observed, "P1", 404, "Looked up an unknown provider id"))
