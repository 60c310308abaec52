"""S5: every 2xx carries the id its request named, exactly; a near-miss id is unknown."""

from __future__ import annotations

import json
from typing import Any

import pytest

from prospecting_conformance.checks.identity import ID_VARIANTS, check_identity, check_other_id
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.spec.model import Spec

BASE = "https://api.test/v1/accounts/ag-1"
JOB = "64b7f0c2a1e4d93b5c8f0a11"


def answer(operation_id: str, method: str, path: str, status: int, data: Any) -> Observed:
    body = {"success": 200 <= status < 300, "data": data, "error": None, "traceId": "t-1"}
    return Observed.build(
        operation_id, method, BASE + path, status, {}, json.dumps(body), redactor=Redactor()
    )


@pytest.mark.parametrize(
    ("observed", "message"),
    [
        pytest.param(
            answer("getProspectingJob", "GET", f"/prospecting/{JOB}", 200, {"id": JOB}),
            None,
            id="the-job-asked-for",
        ),
        pytest.param(
            answer("getProspectingJob", "GET", f"/prospecting/{JOB.upper()}", 200, {"id": JOB}),
            f"Asked for jobId {JOB.upper()!r}: received 200 carrying data.id {JOB!r}; expected "
            "the id asked for, exactly.",
            id="another-case-answered-with-the-stored-job",
        ),
        pytest.param(
            answer("cancelProspectingJob", "POST", "/prospecting/j%201/cancel", 200, {"id": "j"}),
            "Asked for jobId 'j 1': received 200 carrying data.id 'j'; expected the id asked "
            "for, exactly.",
            id="cancel-percent-decoded",
        ),
        pytest.param(
            answer(
                "getProspectByProviderId",
                "GET",
                "/prospects/by-provider-id/acwaaa0001",
                200,
                {"id": "p-1", "providerId": "ACwAAA0001"},
            ),
            "Asked for providerId 'acwaaa0001': received 200 carrying data.providerId "
            "'ACwAAA0001'; expected the id asked for, exactly.",
            id="provider-in-another-case",
        ),
        pytest.param(
            answer("getProspectingJob", "GET", f"/prospecting/{JOB}", 200, {"status": "queued"}),
            None,
            id="no-id-is-the-schemas-to-report",
        ),
        pytest.param(
            answer("getProspectingJob", "GET", "/prospecting/other", 404, None),
            None,
            id="an-error-answers-for-no-id",
        ),
        pytest.param(
            answer("startProspectingJob", "POST", "/prospecting", 202, {"id": JOB}),
            None,
            id="a-start-names-no-id",
        ),
    ],
)
def test_check_identity(spec: Spec, observed: Observed, message: str | None) -> None:
    findings = check_identity(observed, spec)

    assert [(f.rule, f.message) for f in findings] == ([("S5", message)] if message else [])


@pytest.mark.parametrize(
    ("status", "found"),
    [pytest.param(404, False, id="unknown"), pytest.param(200, True, id="the-real-one")],
)
def test_check_other_id(status: int, found: bool) -> None:
    observed = answer("getProspectingJob", "GET", f"/prospecting/{JOB.upper()}", status, None)

    findings = check_other_id(observed, JOB, JOB.upper())

    assert [f.rule for f in findings] == (["S5"] if found else [])


@pytest.mark.parametrize(
    ("variant", "spelled"),
    [
        pytest.param("other-case", "acWaaa0001", id="other-case"),
        pytest.param("trailing-space", "ACwAAA0001 ", id="trailing-space"),
    ],
)
def test_every_variant_names_another_id(variant: str, spelled: str) -> None:
    assert ID_VARIANTS[variant]("ACwAAA0001") == spelled
