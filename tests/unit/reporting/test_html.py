"""report.html: one offline file, findings grouped under their rule, nothing from the target
rendered as markup."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.html import render_html
from prospecting_conformance.reporting.latency import latency_summary


def test_findings_are_grouped_under_their_rule_in_the_summarys_order(
    faulted_summary: Summary,
) -> None:
    html = render_html(faulted_summary.to_dict())

    assert re.findall(r'<section class="rule" id="rule-(\w+)">', html) == ["L4", "P1"]
    assert re.findall(r'data-rule="(\w+)"', html) == ["L4", "P1"]


@pytest.mark.parametrize(
    ("shown", "why"),
    [
        pytest.param('<span class="verdict fail">FAIL</span> (exit 1)', "verdict", id="verdict"),
        pytest.param('<span class="tag new">new</span>', "L4 is new", id="new-finding-tagged"),
        pytest.param(
            '<span class="tag known">known: PROSP-1</span>', "P1 is known", id="known-with-ticket"
        ),
        pytest.param(
            "curl -sS -i -X POST &#39;http://127.0.0.1:8080/v1/accounts/ag-1/prospecting/job-1/cancel&#39;",
            "L4's request",
            id="request-as-curl",
        ),
        pytest.param(
            "<li>L2 getProspectingJob (PROSP-2)</li>", "not exercised", id="not-exercised-listed"
        ),
    ],
)
def test_what_the_report_shows(faulted_summary: Summary, shown: str, why: str) -> None:
    assert shown in render_html(faulted_summary.to_dict()), why


def test_what_the_target_sent_is_text_not_markup(faulted_summary: Summary) -> None:
    l4 = faulted_summary.findings[0]
    hostile = replace(l4.finding, message="<script>alert(1)</script>")
    summary = replace(
        faulted_summary, findings=[replace(l4, recorded=replace(l4.recorded, finding=hostile))]
    )

    html = render_html(summary.to_dict())

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_run_without_findings_says_none(faulted_summary: Summary) -> None:
    html = render_html(replace(faulted_summary, findings=[]).to_dict())

    assert '<h2 id="findings">Findings (0)</h2>\n<p>None.</p>' in html


def test_each_finding_links_to_its_draft(faulted_summary: Summary) -> None:
    l4 = faulted_summary.findings[0].finding
    drafts = {l4.key: "001-L4-cancelProspectingJob.md"}

    html = render_html(faulted_summary.to_dict(), drafts=drafts)

    assert re.findall(r'<a class="draft" href="([^"]+)"', html) == [
        "regressions/001-L4-cancelProspectingJob.md"
    ]


def test_the_jobs_left_running_are_listed(faulted_summary: Summary) -> None:
    summary = replace(
        faulted_summary, jobs_left_running=["job-7 (ag-1)"], known_jobs_left_running=["job-8"]
    )

    html = render_html(summary.to_dict())

    assert '<h2 id="jobs-left-running">Jobs left running (2)</h2>' in html
    assert "<li><code>job-7 (ag-1)</code></li>" in html
    assert "<li><code>job-8</code> (part of a known issue)</li>" in html


def test_the_latency_table_shows_the_change_since_the_baseline(faulted_summary: Summary) -> None:
    latency = latency_summary([("getProspectingJob", 0.004)])
    summary = replace(
        faulted_summary, latency=latency.since({"getProspectingJob": {"p50Ms": 5, "p95Ms": 4}})
    )

    html = render_html(summary.to_dict())

    assert '<section id="latency">' in html
    assert "<td><b>getProspectingJob</b></td><td>1</td>" in html
    assert "<td>4.0 (-1)</td>" in html
    assert "in parentheses, the change since the baseline" in html
    assert '<section id="latency">' not in render_html(faulted_summary.to_dict())
