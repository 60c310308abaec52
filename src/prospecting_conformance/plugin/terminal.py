"""What the run says at its end, under pytest's own summary: the verdict and its reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.latency import describe_latency

__all__ = ["say_line", "say_summary"]


def say_line(config: pytest.Config, text: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(text)


def say_summary(config: pytest.Config, summary: Summary, directory: Path) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    reporter.write_sep("=", "prospecting conformance")
    reporter.write_line(
        f"verdict: {summary.verdict.upper()}"
        + (f" ({'; '.join(summary.reasons)})" if summary.reasons else ""),
        red=summary.verdict != "pass",
        green=summary.verdict == "pass",
    )
    _say_findings(reporter, summary)
    for job in summary.jobs_left_running:
        why = " (a known issue's job)" if job in summary.known_jobs_left_running else ""
        reporter.write_line(f"  job left running (cancel it by hand){why}: {job}", red=True)
    for note in summary.notes:
        reporter.write_line(f"note: {note}")
    if summary.weather.retried or summary.weather.persisted:
        reporter.write_line(f"weather: {summary.weather.describe()}")
    for line in describe_latency(summary.latency):
        reporter.write_line(f"latency: {line}")
    reporter.write_line(f"requests: {summary.requests.describe()}")
    links = summary.links
    reporter.write_line(
        f"links followed: {len(links['covered'])}/{len(links['declared'])}; reports: {directory}"
    )


def _say_findings(reporter: Any, summary: Summary) -> None:
    """New findings, then known ones, then known issues fixed or not exercised."""
    for finding in (f.finding for f in summary.findings if f.new):
        reporter.write_line(
            f"  new   [{finding.rule}] {finding.operation} -> {finding.status} "
            f"(traceId {finding.trace_id})"
        )
    for known in (f for f in summary.findings if not f.new):
        reporter.write_line(
            f"  known [{known.finding.rule}] {known.finding.operation} ({known.ticket})"
        )
    for entry in summary.fixed:
        reporter.write_line(f"  fixed [{entry.rule}] {entry.operation} ({entry.ticket})")
    for entry in summary.not_exercised:
        reporter.write_line(
            f"  not exercised [{entry.rule}] {entry.operation} ({entry.ticket}): "
            "no finding, but nothing tested it either"
        )
    for entry in summary.expired:
        reporter.write_line(
            f"  expired [{entry.rule}] {entry.operation} ({entry.ticket}): its baseline entry "
            f"ended on {entry.expires}, so what it accepted counts as new"
        )
    if summary.skipped_rules:
        reporter.write_line(f"  not judged (--skip-rule): {', '.join(summary.skipped_rules)}")
