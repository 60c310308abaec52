"""Write every report of a run under one directory, replacing the previous run's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from prospecting_conformance.core.findings import FindingKey
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.drafts import draft_filename, render_draft, root_causes
from prospecting_conformance.reporting.html import render_html
from prospecting_conformance.reporting.markdown import render_markdown

__all__ = ["write_reports"]


def write_reports(
    directory: Path, summary: Summary, step_summary: Path | None = None
) -> list[Path]:
    """summary.json, summary.md, report.html and regressions/ (one draft per root cause).

    `step_summary` is a CI job page's Markdown file ($GITHUB_STEP_SUMMARY): summary.md is
    appended to it too.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "summary.json"]
    written[0].write_text(json.dumps(summary.to_dict(), indent=2) + "\n", encoding="utf-8")
    drafts = directory / "regressions"
    shutil.rmtree(drafts, ignore_errors=True)
    drafts.mkdir()
    names: dict[FindingKey, str] = {}
    for number, cause in enumerate(root_causes(summary.findings), start=1):
        path = drafts / draft_filename(number, cause[0].finding)
        path.write_text(render_draft(summary, cause, number), encoding="utf-8")
        written.append(path)
        names.update({f.finding.key: path.name for f in cause})
    markdown = render_markdown(summary, names)
    written.append(directory / "summary.md")
    written[-1].write_text(markdown, encoding="utf-8")
    if step_summary is not None:
        with step_summary.open("a", encoding="utf-8") as page:
            page.write(markdown)
    mutation_path = directory / "mutation.json"
    mutation = (
        json.loads(mutation_path.read_text(encoding="utf-8")) if mutation_path.exists() else None
    )
    html = directory / "report.html"
    html.write_text(render_html(summary, mutation, names), encoding="utf-8")
    written.append(html)
    return written
