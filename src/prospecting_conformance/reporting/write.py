"""Write every report of a run under one directory, replacing the previous run's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prospecting_conformance.reporting.drafts import draft_filename, render_draft, root_causes
from prospecting_conformance.reporting.html import render_html

__all__ = ["write_reports"]


def write_reports(directory: Path, summary: Mapping[str, Any]) -> list[Path]:
    """summary.json, report.html and regressions/ (one draft per root cause)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [directory / "summary.json"]
    written[0].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    drafts = directory / "regressions"
    shutil.rmtree(drafts, ignore_errors=True)
    drafts.mkdir()
    for number, cause in enumerate(root_causes(summary["findings"]), start=1):
        path = drafts / draft_filename(number, cause[0])
        path.write_text(render_draft(summary, cause, number), encoding="utf-8")
        written.append(path)
    mutation_path = directory / "mutation.json"
    mutation = (
        json.loads(mutation_path.read_text(encoding="utf-8")) if mutation_path.exists() else None
    )
    html = directory / "report.html"
    html.write_text(render_html(summary, mutation), encoding="utf-8")
    written.append(html)
    return written
