"""The run in a few Markdown lines, where a CI job page shows it (`reports/summary.md`).

GitHub Actions renders `$GITHUB_STEP_SUMMARY` on the job's page: the verdict and each new
finding with its draft are then one click from the red cross, without downloading anything.
Other CI systems can publish `reports/summary.md` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["render_markdown"]


def render_markdown(summary: Mapping[str, Any], drafts: Mapping[tuple[Any, ...], str]) -> str:
    """`drafts` maps a finding's (rule, operation, status) to its draft's file name."""
    verdict = str(summary["verdict"]).upper()
    target = summary["target"]
    where = "embedded reference server" if target["embedded"] else target["baseUrl"]
    lines = [
        f"## Prospecting API conformance: {verdict} (exit {summary['exitStatus']})",
        "",
        f"Target: {where}; profile {summary['profile']}; seed {summary['seed']}; "
        f"tests: {_counts(summary['tests'])}.",
    ]
    if summary["reasons"]:
        lines += ["", *[f"- {reason}" for reason in summary["reasons"]]]
    new = [f for f in summary["findings"] if f["new"]]
    known = [f for f in summary["findings"] if not f["new"]]
    if new:
        lines += ["", "### New findings", ""]
        lines += ["| rule | operation | status | traceId | draft |", "|---|---|---|---|---|"]
        lines += [_row(f, _draft(f, drafts)) for f in new]
    if known:
        lines += ["", "### Known findings (baseline)", ""]
        lines += ["| rule | operation | status | traceId | ticket |", "|---|---|---|---|---|"]
        lines += [_row(f, str(f["ticket"])) for f in known]
    for title, entries in (("Fixed", summary["fixed"]), ("Not exercised", summary["notExercised"])):
        if entries:
            lines += ["", f"### {title} (baseline)", ""]
            lines += [f"- {e['rule']} {e['operation']} ({e['ticket']})" for e in entries]
    if summary["jobsLeftRunning"]:
        lines += ["", "### Jobs left running (cancel them by hand)", ""]
        lines += [f"- {job}" for job in summary["jobsLeftRunning"]]
    lines += [
        "",
        "Drafts are in the reports artifact under `regressions/`; open `report.html` for all.",
    ]
    return "\n".join(lines) + "\n"


def _draft(finding: Mapping[str, Any], drafts: Mapping[tuple[Any, ...], str]) -> str:
    draft = drafts.get((finding["rule"], finding["operation"], finding["status"]))
    return f"`regressions/{draft}`" if draft else "-"


def _row(finding: Mapping[str, Any], last: str) -> str:
    status = finding["status"] if finding["status"] is not None else "no response"
    cells = [finding["rule"], finding["operation"], str(status), f"`{finding['traceId']}`", last]
    return "| " + " | ".join(cells) + " |"


def _counts(tests: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in sorted(tests.items())) or "none"
