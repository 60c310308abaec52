"""What a run leaves under its reports directory, and that it replaces the previous run's.

QA pastes from regressions/: a draft left over from an earlier run would file a bug that this
run did not find, so the drafts directory is the run's own, every time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.write import write_reports

DRAFTS = [
    "regressions/001-L4-cancelProspectingJob.md",
    "regressions/002-P1-getProspectByProviderId.md",
]


def _written(directory: Path, paths: list[Path]) -> list[str]:
    return [path.relative_to(directory).as_posix() for path in paths]


def test_a_run_leaves_its_summary_one_draft_per_root_cause_the_page_and_the_report(
    tmp_path: Path, faulted_summary: Summary
) -> None:
    reports = tmp_path / "reports"

    written = write_reports(reports, faulted_summary)

    assert _written(reports, written) == [
        "summary.json",
        *DRAFTS,
        "summary.md",
        "report.html",
    ]
    assert sorted(p.relative_to(reports).as_posix() for p in reports.rglob("*.*")) == sorted(
        _written(reports, written)
    )


def test_the_summary_json_is_the_summary(tmp_path: Path, faulted_summary: Summary) -> None:
    write_reports(tmp_path, faulted_summary)

    document = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert Summary.from_dict(document) == faulted_summary


def test_the_page_links_each_new_finding_to_its_draft(
    tmp_path: Path, faulted_summary: Summary
) -> None:
    write_reports(tmp_path, faulted_summary)

    page = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert f"`{DRAFTS[0]}`" in page


def test_the_previous_runs_drafts_are_replaced(tmp_path: Path, faulted_summary: Summary) -> None:
    # Given a reports directory an earlier run left a draft in
    stale = tmp_path / "regressions" / "001-L9-startProspectingJob.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("an earlier run's finding")

    # When this run writes its reports
    write_reports(tmp_path, faulted_summary)

    # Then regressions/ holds this run's drafts only
    assert sorted(p.name for p in (tmp_path / "regressions").iterdir()) == [
        Path(d).name for d in DRAFTS
    ]


@pytest.mark.parametrize(
    ("earlier", "appended"),
    [
        pytest.param(None, "", id="a-new-page-holds-the-summary"),
        pytest.param("## an earlier step\n", "## an earlier step\n", id="earlier-steps-kept"),
    ],
)
def test_the_ci_step_summary_gets_summary_md_appended(
    tmp_path: Path, faulted_summary: Summary, earlier: str | None, appended: str
) -> None:
    step_summary = tmp_path / "step-summary.md"
    if earlier is not None:
        step_summary.write_text(earlier, encoding="utf-8")

    write_reports(tmp_path / "reports", faulted_summary, step_summary)

    markdown = (tmp_path / "reports" / "summary.md").read_text(encoding="utf-8")
    assert step_summary.read_text(encoding="utf-8") == appended + markdown


@pytest.mark.parametrize(
    ("mutation", "heading"),
    [
        pytest.param(None, None, id="no-matrix-no-score"),
        pytest.param(
            {"score": 0.75, "killed": 3, "total": 4, "faults": [], "variations": []},
            "Mutation score: 75% (3/4)",
            id="matrix-document-beside-it-is-rendered",
        ),
    ],
)
def test_the_html_report_shows_the_mutation_score_when_the_matrix_wrote_one(
    tmp_path: Path,
    faulted_summary: Summary,
    mutation: dict[str, object] | None,
    heading: str | None,
) -> None:
    if mutation is not None:
        (tmp_path / "mutation.json").write_text(json.dumps(mutation), encoding="utf-8")

    write_reports(tmp_path, faulted_summary)

    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert ("Mutation score:" in html) == (heading is not None)
    assert heading is None or heading in html
