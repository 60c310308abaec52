"""Baselines: a file that cannot be read is refused with its path; a written one keeps its tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.baseline import (
    Baseline,
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
            "'operation' is a required",
            id="entry-without-operation",
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
