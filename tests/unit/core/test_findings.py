"""Findings: the key that makes many cases one regression, and the failure message QA files.

Every failure names the broken rule id, the operation, the status and the traceId; a
finding made for an unknown rule id is a bug in the suite and cannot be made at all.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.core.findings import (
    BODY_EXCERPT_CHARS,
    ConformanceError,
    Exchange,
    Finding,
    raise_for_findings,
)

LIST = "listSalesNavigatorSavedSearches"
GET_JOB = "getProspectingJob"
BROKEN_LIST = Finding("E1", LIST, "Received a JSON list body.", status=200, trace_id="t-1")


@pytest.mark.parametrize(
    ("other", "same"),
    [
        pytest.param(
            Finding("E1", LIST, "Received a string body.", status=200, trace_id="t-2"),
            True,
            id="another-case-of-the-same-break-is-one-regression",
        ),
        pytest.param(
            Finding("E1", LIST, BROKEN_LIST.message, status=404, trace_id="t-1"),
            False,
            id="another-status",
        ),
        pytest.param(
            Finding("E1", GET_JOB, BROKEN_LIST.message, status=200, trace_id="t-1"),
            False,
            id="another-operation",
        ),
        pytest.param(
            Finding("E4", LIST, BROKEN_LIST.message, status=200, trace_id="t-1"),
            False,
            id="another-rule",
        ),
    ],
)
def test_findings_with_the_same_rule_operation_and_status_are_one_regression(
    other: Finding, same: bool
) -> None:
    assert BROKEN_LIST.key == ("E1", LIST, 200)
    assert (other.key == BROKEN_LIST.key) is same


@pytest.mark.parametrize(
    ("finding", "line"),
    [
        pytest.param(
            BROKEN_LIST,
            f"[E1 envelope, documented] {LIST} -> 200 (traceId t-1): Received a JSON list body.",
            id="rule-family-provenance-operation-status-trace",
        ),
        pytest.param(
            Finding("T1", GET_JOB, "Received no response."),
            f"[T1 transport, ours] {GET_JOB} -> no response (traceId none): Received no response.",
            id="no-response-and-no-trace-id-are-said",
        ),
        pytest.param(
            Finding("S2", LIST, "Breaks the schema.", 200, "t-3", provenance_override="inferred"),
            f"[S2 spec, inferred] {LIST} -> 200 (traceId t-3): Breaks the schema.",
            id="against-an-inferred-spec-element",
        ),
    ],
)
def test_a_finding_describes_itself_in_one_line(finding: Finding, line: str) -> None:
    assert finding.describe() == line


def test_a_conformance_error_names_every_finding_and_fails_like_an_assert() -> None:
    timeout = Finding("T1", GET_JOB, "Received no response.")

    error = ConformanceError([BROKEN_LIST, timeout])

    assert isinstance(error, AssertionError)
    assert error.findings == [BROKEN_LIST, timeout]
    assert str(error).splitlines() == [
        f"[E1 envelope, documented] {LIST} -> 200 (traceId t-1): Received a JSON list body.",
        f"[T1 transport, ours] {GET_JOB} -> no response (traceId none): Received no response.",
    ]


@pytest.mark.parametrize(
    "findings",
    [
        pytest.param([BROKEN_LIST], id="one"),
        pytest.param([BROKEN_LIST, Finding("S2", LIST, "Breaks the schema.", 200)], id="two"),
    ],
)
def test_raise_for_findings_raises_what_it_is_given(findings: list[Finding]) -> None:
    with pytest.raises(ConformanceError) as raised:
        raise_for_findings(iter(findings))

    assert raised.value.findings == findings


def test_nothing_to_report_raises_nothing() -> None:
    raise_for_findings([])


def test_a_finding_for_an_unknown_rule_is_a_bug_in_the_suite() -> None:
    with pytest.raises(KeyError, match="Z9"):
        Finding("Z9", LIST, "No such rule.")


@pytest.mark.parametrize(
    "finding",
    [
        pytest.param(BROKEN_LIST, id="without-an-exchange"),
        pytest.param(
            Finding(
                "L2",
                GET_JOB,
                "Received an unknown status.",
                200,
                "t-4",
                Exchange("GET", "https://api.test/job", {"X-API-Key": "$KEY"}, None, 200),
            ),
            id="with-its-exchange",
        ),
        pytest.param(
            Finding("S2", LIST, "Breaks the schema.", 200, provenance_override="inferred"),
            id="inferred-against-a-documented-rule",
        ),
    ],
)
def test_a_finding_survives_the_workers_dump(finding: Finding) -> None:
    assert Finding.from_dict(finding.to_dict()) == finding


def test_the_exchange_keeps_an_excerpt_of_a_long_body() -> None:
    exchange = Exchange("GET", "https://api.test/", status=200, response_body="x" * 5000)

    assert exchange.to_dict()["response_body"] == "x" * BODY_EXCERPT_CHARS


def test_the_exchange_is_written_down_field_by_field_with_plain_header_dicts() -> None:
    exchange = Exchange(
        "POST", "https://api.test/", {"X-API-Key": "$KEY"}, "{}", 202, {"location": "/j/1"}, "{}"
    )

    data = exchange.to_dict()

    assert data == {
        "method": "POST",
        "url": "https://api.test/",
        "request_headers": {"X-API-Key": "$KEY"},
        "request_body": "{}",
        "status": 202,
        "response_headers": {"location": "/j/1"},
        "response_body": "{}",
    }
    assert type(data["response_headers"]) is dict
    assert Exchange.from_dict(data) == exchange
