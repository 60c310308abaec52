"""Write every report of a run under one directory, replacing the previous run's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

from prospecting_conformance.core.findings import FindingKey
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.drafts import draft_filename, render_draft, root_causes
from prospecting_conformance.reporting.har import write_har
from prospecting_conformance.reporting.html import render_html
from prospecting_conformance.reporting.markdown import render_markdown
from prospecting_conformance.run.exchanges import LoggedExchange

__all__ = ["HAR_FILE", "write_reports"]

HAR_FILE = "exchanges.har"


def write_reports(
    directory: Path,
    summary: Summary,
    step_summary: Path | None = None,
    exchanges: Sequence[LoggedExchange] | None = None,
) -> list[Path]:
    """summary.json, summary.md, report.html, exchanges.har and regressions/ (one draft per
    root cause).

    `step_summary` is a CI job page's Markdown file ($GITHUB_STEP_SUMMARY): summary.md is
    appended to it too. `exchanges`, every exchange of the run, make the HAR file (a summary
    rendered again, without them, leaves the run's HAR as it is).
    """
    directory.mkdir(parents=True, exist_ok=True)
    document = summary.to_dict()
    written = [directory / "summary.json"]
    written[0].write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
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
    html.write_text(render_html(document, mutation, names), encoding="utf-8")
    written.append(html)
    if exchanges is not None:
        written.append(directory / HAR_FILE)
        write_har(written[-1], exchanges)
    return written
