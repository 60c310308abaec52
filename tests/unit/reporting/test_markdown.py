"""summary.md: the run in a few Markdown lines on the CI job's page.

The verdict and each new finding with its draft must be one click from the red cross; what
the baseline knows, fixed or did not exercise is listed apart, so a reader tells them apart.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.baseline import BaselineEntry
from prospecting_conformance.reporting.document import Summary, Target
from prospecting_conformance.reporting.latency import latency_summary
from prospecting_conformance.reporting.markdown import render_markdown

L4_DRAFT = {("L4", "cancelProspectingJob", 409): "001-L4-cancelProspectingJob.md"}


def test_a_failed_run_on_the_job_page(faulted_summary: Summary) -> None:
    assert render_markdown(faulted_summary, L4_DRAFT).splitlines() == [
        "## Prospecting API conformance: FAIL (exit 1)",
        "",
        "Target: embedded reference server; profile quick; seed 7; tests: 1 failed.",
        "",
        "Requests: 14 of 2000 (preflight 1, contract 12, settle 1).",
        "",
        "- 1 new finding(s)",
        "",
        "### New findings",
        "",
        "| rule | operation | status | traceId | draft |",
        "|---|---|---|---|---|",
        "| L4 | cancelProspectingJob | 409 | `t-1` | "
        "`regressions/001-L4-cancelProspectingJob.md` |",
        "",
        "### Known findings (baseline)",
        "",
        "| rule | operation | status | traceId | ticket |",
        "|---|---|---|---|---|",
        "| P1 | getProspectByProviderId | 200 | `t-2` | PROSP-1 |",
        "",
        "### Not exercised (baseline)",
        "",
        "- L2 getProspectingJob (PROSP-2)",
        "",
        "Drafts are in the reports artifact under `regressions/`; open `report.html` for all.",
    ]


@pytest.mark.parametrize(
    ("change", "drafts", "shown", "absent"),
    [
        pytest.param(
            {"target": Target("https://staging.example", embedded=False)},
            L4_DRAFT,
            "Target: https://staging.example; profile quick",
            "embedded reference server",
            id="live-target-named-by-its-url",
        ),
        pytest.param(
            {"tests": {"passed": 3, "failed": 1, "skipped": 2}},
            L4_DRAFT,
            "tests: 1 failed, 3 passed, 2 skipped.",
            "tests: none",
            id="test-counts-in-name-order",
        ),
        pytest.param({"tests": {}}, L4_DRAFT, "tests: none.", "tests: 1 failed", id="no-tests-run"),
        pytest.param(
            {},
            {},
            "| L4 | cancelProspectingJob | 409 | `t-1` | - |",
            "regressions/001",
            id="new-finding-without-draft-shows-a-dash",
        ),
        pytest.param(
            {"fixed": [BaselineEntry("L3", "cancelProspectingJob", "PROSP-3")]},
            L4_DRAFT,
            "### Fixed (baseline)\n\n- L3 cancelProspectingJob (PROSP-3)\n",
            "### Fixed (baseline)\n\n- L2",
            id="fixed-entries-listed-with-their-ticket",
        ),
        pytest.param(
            {"jobs_left_running": ["job-1 (ag-1: running)"]},
            L4_DRAFT,
            "### Jobs left running (cancel them by hand)\n\n- job-1 (ag-1: running)\n",
            "### Fixed",
            id="jobs-left-running-for-an-operator",
        ),
        pytest.param(
            {"findings": [], "reasons": [], "verdict": "pass", "exit_status": 0},
            {},
            "## Prospecting API conformance: PASS (exit 0)",
            "### New findings",
            id="passing-run-has-no-findings-tables",
        ),
    ],
)
def test_what_the_page_shows(
    faulted_summary: Summary,
    change: dict[str, Any],
    drafts: dict[tuple[str, str, int], str],
    shown: str,
    absent: str,
) -> None:
    page = render_markdown(replace(faulted_summary, **change), drafts)

    assert shown in page
    assert absent not in page


def test_a_finding_without_a_response_says_so(faulted_summary: Summary) -> None:
    new = faulted_summary.findings[0]
    unanswered: Finding = replace(new.finding, status=None)
    summary = replace(
        faulted_summary,
        findings=[replace(new, recorded=replace(new.recorded, finding=unanswered))],
    )

    page = render_markdown(summary, {unanswered.key: "001-L4-cancelProspectingJob.md"})

    assert "| L4 | cancelProspectingJob | no response | `t-1` |" in page


def test_the_latency_beside_the_verdict_with_the_change_since_the_baseline(
    faulted_summary: Summary,
) -> None:
    latency = latency_summary([("getProspectingJob", 0.004), ("startProspectingJob", 0.010)])
    summary = replace(faulted_summary, latency=latency.since({"getProspectingJob": _MS}))

    lines = render_markdown(summary, L4_DRAFT).splitlines()

    start = lines.index("### Latency (ms, to the response's headers)")
    assert lines[start + 2 : start + 8] == [
        "| operation | responses | p50 | p95 | max |",
        "|---|---|---|---|---|",
        "| getProspectingJob | 1 | 4 (+3) | 4 (+2) | 4 |",
        "| startProspectingJob | 1 | 10 | 10 | 10 |",
        "",
        "In parentheses: the change since the baseline.",
    ]


_MS = {"p50Ms": 1.0, "p95Ms": 2.0}
