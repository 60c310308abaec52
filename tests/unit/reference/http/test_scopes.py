"""The scope table: what each operation requires, as the spec's x-required-scopes says."""

from __future__ import annotations

import copy

import pytest

from prospecting_conformance.reference.http.scopes import scope_table
from prospecting_conformance.spec.model import Spec, load_spec


@pytest.mark.parametrize(
    ("operation", "scopes"),
    [
        pytest.param("listSalesNavigatorSavedSearches", {"prospecting:read"}, id="list"),
        pytest.param("startProspectingJob", {"prospecting:write"}, id="start"),
        pytest.param("getProspectingJob", {"prospecting:read"}, id="get"),
        pytest.param("cancelProspectingJob", {"prospecting:write"}, id="cancel"),
        pytest.param("getProspectByProviderId", {"prospects:read"}, id="lookup"),
    ],
)
def test_each_operation_requires_the_spec_scopes(operation: str, scopes: set[str]) -> None:
    assert scope_table(load_spec())[operation] == scopes


def test_the_table_follows_the_spec_when_it_changes() -> None:
    document = copy.deepcopy(load_spec().document)
    operation = document["paths"]["/v1/accounts/{accountGroupId}/sales-navigator/saved-searches"]
    operation["get"]["x-required-scopes"] = ["prospecting:read", "audit:read"]
    table = scope_table(Spec(document))
    assert table["listSalesNavigatorSavedSearches"] == {"prospecting:read", "audit:read"}


def test_an_operation_without_scopes_is_refused() -> None:
    document = copy.deepcopy(load_spec().document)
    operation = document["paths"]["/v1/accounts/{accountGroupId}/sales-navigator/saved-searches"]
    del operation["get"]["x-required-scopes"]
    with pytest.raises(ValueError, match="listSalesNavigatorSavedSearches"):
        scope_table(Spec(document))
