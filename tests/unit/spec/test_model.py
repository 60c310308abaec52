"""Where the spec comes from, and what it says about which operations write.

The spec is package data (a link to the repository's `openapi/` in a checkout, a copy in a
wheel); an explicit path or `PROSPECTING_SPEC` points the suite at another one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from prospecting_conformance.spec.model import DEFAULT_SPEC_PATH, SPEC_VAR, Spec, load_spec

REPOSITORY_SPEC = Path(__file__).resolve().parents[3] / "openapi" / "prospecting-api.yaml"

SPEC_WITH_ONE_OPERATION = """\
openapi: 3.1.0
info: {title: One operation, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      x-provenance: documented
      responses:
        "200": {description: OK, x-provenance: documented}
"""


def test_the_package_carries_the_repository_spec() -> None:
    # In a checkout the packaged spec is the file people edit, not a copy that could drift.
    assert DEFAULT_SPEC_PATH.resolve() == REPOSITORY_SPEC
    assert "startProspectingJob" in load_spec().operations


def test_an_explicit_path_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC_WITH_ONE_OPERATION, encoding="utf-8")

    assert list(load_spec(path).operations) == ["listThings"]


def test_the_environment_overrides_the_packaged_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC_WITH_ONE_OPERATION, encoding="utf-8")
    monkeypatch.setenv(SPEC_VAR, str(path))

    assert list(load_spec().operations) == ["listThings"]


@pytest.mark.parametrize(
    ("operation_id", "writes"),
    [
        ("listSalesNavigatorSavedSearches", False),
        ("startProspectingJob", True),
        ("getProspectingJob", False),
        ("cancelProspectingJob", True),
        ("getProspectByProviderId", False),
    ],
)
def test_an_operation_writes_when_it_needs_the_write_scope(
    spec: Spec, operation_id: str, writes: bool
) -> None:
    assert spec.operation(operation_id).writes is writes


def test_the_write_operations_are_those_that_write(spec: Spec) -> None:
    assert spec.write_operations == {"startProspectingJob", "cancelProspectingJob"}


def test_the_path_parameters_that_name_a_resource_say_where_a_2xx_carries_it(
    spec: Spec,
) -> None:
    identities = {op_id: dict(op.identities) for op_id, op in spec.operations.items()}

    assert identities == {
        "listSalesNavigatorSavedSearches": {},
        "startProspectingJob": {},
        "getProspectingJob": {"jobId": "/data/id"},
        "cancelProspectingJob": {"jobId": "/data/id"},
        "getProspectByProviderId": {"providerId": "/data/providerId"},
    }


@pytest.mark.parametrize(
    ("operation_id", "url", "values"),
    [
        pytest.param(
            "getProspectingJob",
            "https://api.test/v1/accounts/ag-1/prospecting/j-1",
            {"accountGroupId": "ag-1", "jobId": "j-1"},
            id="its-own-url",
        ),
        pytest.param(
            "cancelProspectingJob",
            "https://api.test/base/v1/accounts/ag%201/prospecting/a%2Fb/cancel?x=1",
            {"accountGroupId": "ag 1", "jobId": "a/b"},
            id="under-a-prefix-percent-decoded",
        ),
        pytest.param(
            "getProspectingJob",
            "https://api.test/v1/accounts/ag-1/prospecting/j-1/cancel",
            None,
            id="another-operations-url",
        ),
    ],
)
def test_path_values_reads_the_parameters_a_url_names(
    spec: Spec, operation_id: str, url: str, values: dict[str, str] | None
) -> None:
    assert spec.operation(operation_id).path_values(url) == values


def test_a_bare_ref_is_validated_from_its_target_and_a_ref_with_keywords_whole() -> None:
    # The validator starts from where a bare `$ref` leads (a shorter walk on every response);
    # keywords beside a `$ref` still apply, and a cycle of bare `$ref`s is not followed forever.
    body = "/components/responses/Ok/content/application~1json/schema"
    spec = Spec(
        {
            "paths": {},
            "components": {
                "responses": {
                    "Ok": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                        }
                    },
                    "Strict": {
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/A", "required": ["b"]}
                            }
                        }
                    },
                },
                "schemas": {
                    "A": {"$ref": "#/components/schemas/B"},
                    "B": {"type": "object", "properties": {"n": {"type": "integer"}}},
                    "Loop": {"$ref": "#/components/schemas/Loop"},
                },
            },
        }
    )

    assert spec._schema_target(body) == "/components/schemas/B"
    assert spec.validation_errors(body, {"n": "x"}) == ["n: 'x' is not of type 'integer'"]
    assert spec.validation_errors(body, {"n": 1}) == []
    strict = body.replace("Ok", "Strict")
    assert spec._schema_target(strict) == strict
    assert spec.validation_errors(strict, {"n": 1}) == ["<root>: 'b' is a required property"]
    assert spec._schema_target("/components/schemas/Loop") == "/components/schemas/Loop"
