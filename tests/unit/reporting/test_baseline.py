"""Baselines: a file that cannot be read is refused with its path; an entry is a root cause
(a rule, on one operation or all, until it expires); a written one keeps its tests and
collapses a rule seen on several operations into one entry."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    baseline_from_findings,
)
from prospecting_conformance.run.record import RecordedFinding


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no such file", id="missing-file"),
        pytest.param("not json", "not a JSON file", id="not-json"),
        pytest.param(
            '{"entries": [{"rule": "L5"}]}',
            "'ticket' is a required",
            id="entry-without-ticket",
        ),
        pytest.param(
            '{"entries": [{"rule": "L5", "ticket": "T", "expires": "next week"}]}',
            "entries/0/expires",
            id="expires-not-a-date",
        ),
        pytest.param(
            '{"entries": [{"rule": "L5", "ticket": "T", "expires": "2026-02-30"}]}',
            "expires is not a date",
            id="expires-not-a-day-of-the-calendar",
        ),
        pytest.param('{"items": []}', "'entries' is a required", id="no-entries-key"),
        pytest.param(
            '{"entries": [{"rule": "Z9", "operation": "x", "ticket": "T"}]}',
            "entries/0/rule: 'Z9' is not one of",
            id="unknown-rule",
        ),
        pytest.param(
            '{"entries": [{"rule": "L5", "operation": "x", "ticket": "T", "status": "409"}]}',
            "entries/0/status",
            id="status-not-a-number",
        ),
    ],
)
def test_an_unreadable_baseline_is_refused_with_its_path(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(BaselineError, match=message) as raised:
        Baseline.load(path)
    assert str(path) in str(raised.value)


def test_the_baseline_writer_keeps_the_tests_that_found_each_entry() -> None:
    l5 = Finding(rule="L5", operation="cancelProspectingJob", message="m", status=200, trace_id="t")
    finding = RecordedFinding(l5, count=1, tests={"t::b", "t::a"})

    written = baseline_from_findings([finding], "T-9")

    assert written["entries"] == [
        {
            "rule": "L5",
            "operation": "cancelProspectingJob",
            "status": 200,
            "ticket": "T-9",
            "tests": ["t::a", "t::b"],
        }
    ]


TODAY = date(2026, 12, 5)


def _load(tmp_path: Path, *entries: dict[str, object]) -> Baseline:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": list(entries)}))
    return Baseline.load(path, today=TODAY)


@pytest.mark.parametrize(
    ("entry", "key", "known"),
    [
        pytest.param(
            {"rule": "E4", "operation": "listSalesNavigatorSavedSearches", "ticket": "T"},
            ("E4", "listSalesNavigatorSavedSearches", 200),
            True,
            id="named-operation-any-status",
        ),
        pytest.param(
            {"rule": "E4", "operation": "listSalesNavigatorSavedSearches", "ticket": "T"},
            ("E4", "getProspectingJob", 200),
            False,
            id="named-operation-is-not-another",
        ),
        pytest.param(
            {"rule": "E4", "operation": "*", "ticket": "T"},
            ("E4", "getProspectingJob", 404),
            True,
            id="star-is-every-operation",
        ),
        pytest.param(
            {"rule": "E4", "ticket": "T"},
            ("E4", "cancelProspectingJob", 409),
            True,
            id="no-operation-is-every-operation",
        ),
        pytest.param(
            {"rule": "E4", "ticket": "T"},
            ("A3", "cancelProspectingJob", 200),
            False,
            id="another-rule-is-another-issue",
        ),
        pytest.param(
            {"rule": "E4", "ticket": "T", "status": 200},
            ("E4", "getProspectingJob", 404),
            False,
            id="pinned-status",
        ),
        pytest.param(
            {"rule": "E4", "ticket": "T", "expires": "2026-12-05"},
            ("E4", "getProspectingJob", 200),
            True,
            id="expires-today-still-matches",
        ),
        pytest.param(
            {"rule": "E4", "ticket": "T", "expires": "2026-12-04"},
            ("E4", "getProspectingJob", 200),
            False,
            id="expired-yesterday-matches-nothing",
        ),
    ],
)
def test_an_entry_matches_its_root_cause(
    tmp_path: Path, entry: dict[str, object], key: tuple[str, str, int], known: bool
) -> None:
    baseline = _load(tmp_path, entry)

    assert (baseline.entry_for(key) is not None) is known


def test_an_expired_entry_is_listed_as_expired_and_never_as_unmatched(tmp_path: Path) -> None:
    baseline = _load(
        tmp_path,
        {"rule": "E4", "ticket": "OLD", "expires": "2026-01-31", "reason": "gateway rewrite"},
        {"rule": "A3", "ticket": "NEW"},
    )

    assert [e.ticket for e in baseline.expired] == ["OLD"]
    assert [e.ticket for e in baseline.unmatched([])] == ["NEW"]
    assert baseline.expired[0].reason == "gateway rewrite"


def test_the_most_specific_entry_names_the_ticket(tmp_path: Path) -> None:
    baseline = _load(
        tmp_path,
        {"rule": "E4", "ticket": "EVERYWHERE"},
        {"rule": "E4", "operation": "getProspectingJob", "ticket": "JOBS"},
    )

    found = baseline.entry_for(("E4", "getProspectingJob", 200))

    assert found is not None
    assert found.ticket == "JOBS"


def test_an_old_baseline_reads_as_it_did(tmp_path: Path) -> None:
    baseline = _load(
        tmp_path,
        {"rule": "L5", "operation": "cancelProspectingJob", "status": 200, "ticket": "T-1"},
    )

    assert baseline.entries == (BaselineEntry("L5", "cancelProspectingJob", "T-1", 200),)


def _recorded(rule: str, operation: str, status: int, test: str) -> RecordedFinding:
    finding = Finding(rule=rule, operation=operation, message="m", status=status, trace_id="t")
    return RecordedFinding(finding, count=1, tests={test})


def test_the_writer_collapses_a_rule_seen_on_several_operations_into_one_entry() -> None:
    findings = [
        _recorded("E4", "listSalesNavigatorSavedSearches", 200, "t::list"),
        _recorded("E4", "getProspectingJob", 200, "t::get"),
        _recorded("E4", "getProspectingJob", 404, "t::get"),
        _recorded("A3", "startProspectingJob", 202, "t::start"),
    ]

    written = baseline_from_findings(findings, "T-1")

    assert written["entries"] == [
        {
            "rule": "A3",
            "operation": "startProspectingJob",
            "status": 202,
            "ticket": "T-1",
            "tests": ["t::start"],
        },
        {"rule": "E4", "operation": "*", "ticket": "T-1", "tests": ["t::get", "t::list"]},
    ]


def test_the_writers_entries_are_known_to_the_baseline_they_make(tmp_path: Path) -> None:
    findings = [
        _recorded("E4", "listSalesNavigatorSavedSearches", 200, "t::list"),
        _recorded("E4", "getProspectingJob", 404, "t::get"),
    ]
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(baseline_from_findings(findings, "T-1")))

    baseline = Baseline.load(path)

    assert all(baseline.entry_for(f.key) is not None for f in findings)
