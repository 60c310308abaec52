"""The run in a few Markdown lines, where a CI job page shows it (`reports/summary.md`).

GitHub Actions renders `$GITHUB_STEP_SUMMARY` on the job's page: the verdict and each new
finding with its draft are then one click from the red cross, without downloading anything.
Other CI systems can publish `reports/summary.md` the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from prospecting_conformance.core.findings import Finding, FindingKey
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.latency import Latency

__all__ = ["render_markdown"]


def render_markdown(summary: Summary, drafts: Mapping[FindingKey, str]) -> str:
    """`drafts` maps a finding's key to its draft's file name."""
    target = summary.target
    where = "embedded reference server" if target.embedded else target.base_url
    lines = [
        f"## Prospecting API conformance: {summary.verdict.upper()} (exit {summary.exit_status})",
        "",
        f"Target: {where}; profile {summary.profile}; seed {summary.seed}; "
        f"tests: {_counts(summary.tests)}.",
        "",
        f"Requests: {summary.requests.describe()}.",
    ]
    if summary.reasons:
        lines += ["", *[f"- {reason}" for reason in summary.reasons]]
    new = [f for f in summary.findings if f.new]
    known = [f for f in summary.findings if not f.new]
    if new:
        lines += ["", "### New findings", ""]
        lines += ["| rule | operation | status | traceId | draft |", "|---|---|---|---|---|"]
        lines += [_row(f.finding, _draft(drafts.get(f.finding.key))) for f in new]
    if known:
        lines += ["", "### Known findings (baseline)", ""]
        lines += ["| rule | operation | status | traceId | ticket |", "|---|---|---|---|---|"]
        lines += [_row(f.finding, str(f.ticket)) for f in known]
    for title, entries in (
        ("Fixed", summary.fixed),
        ("Not exercised", summary.not_exercised),
        ("Expired, so counted as new", summary.expired),
    ):
        if entries:
            lines += ["", f"### {title} (baseline)", ""]
            lines += [f"- {e.rule} {e.operation} ({e.ticket})" for e in entries]
    if summary.skipped_rules:
        lines += ["", f"Rules not judged (--skip-rule): {', '.join(summary.skipped_rules)}."]
    if summary.jobs_left_running:
        lines += ["", "### Jobs left running (cancel them by hand)", ""]
        lines += [f"- {job}" for job in summary.jobs_left_running]
    lines += _latency(summary.latency)
    lines += [
        "",
        "Drafts are in the reports artifact under `regressions/`; open `report.html` for all.",
    ]
    return "\n".join(lines) + "\n"


def _latency(latency: Latency) -> list[str]:
    """Per operation, beside the weather: how fast the target answered (and the change since
    the baseline, when it recorded it)."""
    if not latency.operations:
        return []
    lines = ["", "### Latency (ms, to the response's headers)", ""]
    lines += ["| operation | responses | p50 | p95 | max |", "|---|---|---|---|---|"]
    for o in latency.operations:
        p50 = f"{o.p50_ms:g}" + ("" if o.p50_change_ms is None else f" ({o.p50_change_ms:+g})")
        p95 = f"{o.p95_ms:g}" + ("" if o.p95_change_ms is None else f" ({o.p95_change_ms:+g})")
        lines.append(f"| {o.operation} | {o.count} | {p50} | {p95} | {o.max_ms:g} |")
    if any(o.p50_change_ms is not None for o in latency.operations):
        lines += ["", "In parentheses: the change since the baseline."]
    return lines


def _draft(name: str | None) -> str:
    return f"`regressions/{name}`" if name else "-"


def _row(finding: Finding, last: str) -> str:
    status = finding.status if finding.status is not None else "no response"
    cells = [finding.rule, finding.operation, str(status), f"`{finding.trace_id}`", last]
    return "| " + " | ".join(cells) + " |"


def _counts(tests: Mapping[str, int]) -> str:
    return ", ".join(f"{n} {outcome}" for outcome, n in sorted(tests.items())) or "none"
