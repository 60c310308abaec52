"""The spec says what the docs page says: path, parameter, statuses, examples, permissions.

The breakage cases edit a copy of the spec the way a careless transcription would, and
assert that the fidelity check names what was lost: a check that only ever passes proves
nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.spec.fidelity import DOCS_PAGE, fidelity_problems, load_docs_page
from prospecting_conformance.spec.model import Spec, load_spec

LIST_PATH = "/v1/accounts/{accountGroupId}/sales-navigator/saved-searches"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


def test_the_docs_page_is_kept_verbatim_in_the_project() -> None:
    assert DOCS_PAGE.is_file()
    assert "List Sales Navigator saved searches" in DOCS_PAGE.read_text(encoding="utf-8")


def test_the_docs_page_yields_its_documented_facts() -> None:
    docs = load_docs_page()

    assert docs.path == LIST_PATH
    assert docs.path_parameters == (("accountGroupId", "string", True),)
    assert [(r.status, r.description) for r in docs.responses] == [
        (200, "Saved searches"),
        (401, "Invalid or missing API key"),
        (403, "Missing required permission"),
        (429, "Rate limit exceeded"),
        (500, "Internal server error"),
        (502, "Upstream service error"),
    ]
    assert docs.permissions == {
        "source and job reads": "prospecting:read",
        "provider-id lookup": "prospects:read",
        "starting or cancelling jobs": "prospecting:write",
    }


def test_the_spec_is_faithful_to_the_docs_page(spec: Spec) -> None:
    assert fidelity_problems(spec, load_docs_page()) == []


def test_every_operation_and_response_carries_its_provenance(spec: Spec) -> None:
    for path_item in spec.document["paths"].values():
        for method, operation in path_item.items():
            if method == "parameters":
                continue
            assert operation["x-provenance"] in ("documented", "inferred")
            if operation["x-provenance"] == "inferred":
                assert operation["x-rationale"]
    for op in spec.operations.values():
        for response in op.responses.values():
            assert response.provenance in ("documented", "inferred"), (op.operation_id, response)


def test_inferred_schemas_carry_a_rationale(spec: Spec) -> None:
    for name, schema in spec.document["components"]["schemas"].items():
        if schema.get("x-provenance") == "inferred":
            assert schema.get("x-rationale"), name


def _without_response(status: str) -> Callable[[dict[str, Any]], None]:
    def edit(document: dict[str, Any]) -> None:
        del document["paths"][LIST_PATH]["get"]["responses"][status]

    return edit


def _saved_search_name_becomes_integer(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["SavedSearch"]["properties"]["name"]["type"] = "integer"


def _error_message_becomes_object(document: dict[str, Any]) -> None:
    document["components"]["schemas"]["ErrorDetail"]["properties"]["message"] = {"type": "object"}


def _renamed_description(document: dict[str, Any]) -> None:
    document["components"]["responses"]["Forbidden"]["description"] = "Forbidden"


def _read_scope_on_start(document: dict[str, Any]) -> None:
    path = "/v1/accounts/{accountGroupId}/prospecting"
    document["paths"][path]["post"]["x-required-scopes"] = ["prospecting:read"]


def _cancel_path_removed(document: dict[str, Any]) -> None:
    del document["paths"]["/v1/accounts/{accountGroupId}/prospecting/{jobId}/cancel"]


def _path_parameter_dropped(document: dict[str, Any]) -> None:
    document["paths"][LIST_PATH]["parameters"] = []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            _without_response("429"),
            "listSalesNavigatorSavedSearches 429: documented response 'Rate limit exceeded' "
            "is missing",
            id="documented-429-deleted",
        ),
        pytest.param(
            _without_response("502"),
            "listSalesNavigatorSavedSearches 502: documented response 'Upstream service error' "
            "is missing",
            id="documented-502-deleted",
        ),
        pytest.param(
            _saved_search_name_becomes_integer,
            "listSalesNavigatorSavedSearches 200: documented example does not validate: "
            "data/items/0/name: 'Avery Stone' is not of type 'integer'",
            id="200-example-no-longer-validates",
        ),
        pytest.param(
            _error_message_becomes_object,
            "listSalesNavigatorSavedSearches 401: documented example does not validate: "
            "error/message:",
            id="error-example-no-longer-validates",
        ),
        pytest.param(
            _renamed_description,
            "listSalesNavigatorSavedSearches 403: description 'Forbidden', "
            "documented 'Missing required permission'",
            id="description-changed",
        ),
        pytest.param(
            _read_scope_on_start,
            "startProspectingJob: x-required-scopes ['prospecting:read'], "
            "documented 'prospecting:write'",
            id="wrong-scope-for-starting-jobs",
        ),
        pytest.param(
            _cancel_path_removed,
            "POST .../prospecting/{jobId}/cancel is missing as cancelProspectingJob",
            id="documented-cancel-operation-deleted",
        ),
        pytest.param(
            _path_parameter_dropped,
            "path parameter accountGroupId is missing",
            id="documented-path-parameter-deleted",
        ),
    ],
)
def test_a_broken_transcription_is_reported(
    spec: Spec, edit: Callable[[dict[str, Any]], None], expected: str
) -> None:
    # Given a copy of the spec that lost or changed a documented fact
    document = copy.deepcopy(spec.document)
    edit(document)

    # When the copy is checked against the docs page
    problems = fidelity_problems(Spec(document), load_docs_page())

    # Then the lost fact is named
    assert any(p.startswith(expected) for p in problems), problems
