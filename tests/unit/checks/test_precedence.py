"""A6's table, built from the spec: which pairs each operation can break, and who wins."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prospecting_conformance.checks.precedence import (
    PrecedenceCase,
    check_precedence,
    lacking_role,
    precedence_table,
)
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

Observe = Callable[..., Observed]


@pytest.fixture(scope="module")
def table(spec: Spec) -> dict[str, PrecedenceCase]:
    return {case.id: case for case in precedence_table(spec)}


@pytest.mark.parametrize(
    ("row", "winner"),
    [
        pytest.param(
            "getProspectingJob-missing-scope+unknown-id", 403, id="scope-before-existence"
        ),
        pytest.param(
            "getProspectingJob-foreign-group+unknown-id", 403, id="group-before-existence"
        ),
        pytest.param("startProspectingJob-no-key+malformed-body", 401, id="auth-before-validation"),
        pytest.param(
            "startProspectingJob-missing-scope+malformed-body", 403, id="scope-before-body"
        ),
        pytest.param(
            "startProspectingJob-malformed-body+unknown-id", 400, id="body-before-existence"
        ),
        pytest.param(
            "listSalesNavigatorSavedSearches-wrong-key+foreign-group", 401, id="auth-first"
        ),
    ],
)
def test_a_row_expects_the_earlier_condition_of_I10(
    table: dict[str, PrecedenceCase], row: str, winner: int
) -> None:
    assert table[row].expected == winner


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(
            "listSalesNavigatorSavedSearches-foreign-group+unknown-id", id="list-has-no-id"
        ),
        pytest.param("getProspectingJob-foreign-group+malformed-body", id="get-has-no-body"),
        pytest.param("startProspectingJob-no-key+missing-scope", id="no-key-has-no-scope-to-lack"),
        pytest.param("startProspectingJob-missing-scope+foreign-group", id="both-403-no-order"),
    ],
)
def test_a_pair_no_request_can_break_or_order_has_no_row(
    table: dict[str, PrecedenceCase], row: str
) -> None:
    assert row not in table


def test_every_operation_has_rows_and_a_key_lacking_its_scope(spec: Spec) -> None:
    operations = {case.operation_id for case in precedence_table(spec)}
    assert operations == set(spec.operations)
    assert all(lacking_role(operation) is not None for operation in spec.operations.values())


def test_a_swapped_answer_is_an_A6_finding(
    table: dict[str, PrecedenceCase], observe: Observe
) -> None:
    case = table["getProspectingJob-missing-scope+unknown-id"]
    error = {"code": "not_found", "message": "No such job.", "details": ""}
    swapped = observe(
        "getProspectingJob", 404, {"success": False, "data": None, "error": error, "traceId": "t"}
    )

    [finding] = check_precedence(swapped, case)

    assert (finding.rule, finding.status) == ("A6", 404)
    assert "received 404; expected 403" in finding.message
