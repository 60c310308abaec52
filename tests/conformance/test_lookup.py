"""P1: the provider-id look-up finds the known prospect, only in its own account group."""

from __future__ import annotations

from prospecting_conformance.checks.lookup import check_prospect
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import RequireKey, RequireSetting


def test_known_provider_id_answers_that_prospect(
    api: ProspectingClient, require_setting: RequireSetting
) -> None:
    provider_id = require_setting("provider_id")
    raise_for_findings(check_prospect(api.get_prospect(provider_id), provider_id))


def test_unknown_provider_id_is_404(api: ProspectingClient) -> None:
    observed = api.get_prospect("no-such-provider-id-0000")
    raise_for_findings(check_status(observed, "P1", 404, "Looked up an unknown provider id"))


def test_our_prospect_is_not_found_through_the_foreign_group(
    api: ProspectingClient, require_key: RequireKey, require_setting: RequireSetting
) -> None:
    provider_id = require_setting("provider_id")
    foreign_group = require_setting("foreign_account_group_id")
    require_key("foreign_all")
    observed = api.get_prospect(provider_id, key="foreign_all", account_group_id=foreign_group)
    raise_for_findings(
        check_status(
            observed, "A4", 404, f"Looked up our provider id {provider_id!r} in {foreign_group!r}"
        )
    )
