"""The matrix's report: mutation.json, the control's reports, and the printed table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.mutation import report
from prospecting_conformance.mutation.runs import RunResult


def _row(name: str, killed: bool, under: bool | None, note: str = "") -> dict[str, Any]:
    return {
        "name": name,
        "family": "lifecycle",
        "killed": killed,
        "killed_under_variations": under,
        "seconds_to_first_failure": 3.0 if killed else None,
        "rules": ["L3"] if killed else [],
        "note": note,
    }


DOCUMENT: dict[str, Any] = {
    "score": 0.5,
    "killed": 1,
    "total": 2,
    "wall_seconds": 12.0,
    "faults": [
        _row("cancel_ignored", True, False),
        _row("progress_backwards", False, None, "the suite passed"),
    ],
    "control": {"clean": True, "runs": [{"label": "control-101"}]},
    "cpu_seconds": 20.0,
}


def test_the_table_names_each_verdict(capsys: pytest.CaptureFixture[str]) -> None:
    report.print_matrix(DOCUMENT)

    out = capsys.readouterr().out
    rows = [line.split() for line in out.splitlines()]
    assert ["cancel_ignored", "lifecycle", "HIDDEN", "3.0s", "L3"] in rows
    assert ["progress_backwards", "lifecycle", "SURVIVED", "-", "-"] in rows
    assert ["the", "suite", "passed"] in rows
    assert "mutation score 50% (1/2), control clean over 1 seed(s), 12.0s (CPU 20.0s)" in out
    assert "false-alarm score" not in out


def test_the_document_and_the_control_reports_are_written(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    written: list[tuple[Path, Any]] = []
    monkeypatch.setattr(report, "write_reports", lambda where, s: written.append((where, s)))
    # The summary's own reading is Summary's to test: here, only which summary is written.
    monkeypatch.setattr(report.Summary, "from_dict", lambda data: ("read", data))
    summary = {"exitStatus": 0}
    results = {"control-101": RunResult("control-101", 0, (), 0, 0, None, 1.0, summary)}

    report.write_matrix(tmp_path, DOCUMENT, results)

    assert json.loads((tmp_path / "mutation.json").read_text("utf-8")) == DOCUMENT
    assert written == [(tmp_path, ("read", summary))]
