"""QA reads report.html in a browser: what matters must actually render there, not just exist.

A string in the HTML source proves little: a stray tag, a collapsed section or a broken style
can hide the verdict or a finding from the person who has to file it. This opens the faulted
run's report from disk in headless Chromium (Playwright), checks that the verdict, the coverage
matrix and one visible box per finding of summary.json are on screen, and saves a screenshot
next to the report for a human to look at.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect, sync_playwright

if TYPE_CHECKING:
    from conftest import SuiteRun

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = "chromium is not installed: apt-get install chromium (Debian's package)"


def chromium_path() -> str | None:
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).is_file() and os.access(found, os.X_OK) else None


@pytest.fixture(scope="module")
def report_page(faulted_run: SuiteRun) -> Iterator[Page]:
    """The faulted run's report.html, open in headless Chromium."""
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{MISSING}; CI must install it (.ci/run)")
        pytest.skip(MISSING)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((faulted_run.reports_dir / "report.html").resolve().as_uri())
            yield page
        finally:
            browser.close()


def test_verdict_is_visible(report_page: Page, faulted_run: SuiteRun) -> None:
    verdict = report_page.locator("#verdict")

    expect(verdict).to_be_visible()
    expect(verdict.locator(".verdict")).to_have_text(faulted_run.summary["verdict"].upper())


def test_coverage_matrix_is_visible(report_page: Page, faulted_run: SuiteRun) -> None:
    matrix = report_page.locator("#coverage table")

    expect(matrix).to_have_count(1)
    expect(matrix).to_be_visible()
    for operation in faulted_run.summary["coverage"]:
        expect(matrix.locator("tr", has_text=operation)).to_be_visible()


def test_each_finding_is_visible(report_page: Page, faulted_run: SuiteRun) -> None:
    findings = faulted_run.summary["findings"]
    boxes = report_page.locator(".finding")

    assert findings, "the faulted run must have findings to show"
    expect(boxes).to_have_count(len(findings))
    for finding in findings:
        box = report_page.locator(
            f'.finding[data-rule="{finding["rule"]}"][data-operation="{finding["operation"]}"]'
        )
        expect(box).to_have_count(1)
        expect(box).to_be_visible()
        expect(box).to_have_attribute("data-rule", finding["rule"])
        expect(box).to_contain_text(finding["operation"])
        expect(box).to_contain_text(finding["traceId"])
        section = report_page.locator(f"#rule-{finding['rule']}")
        expect(section).to_contain_text(finding["rule"])
        expect(section.locator(".finding")).to_contain_text(finding["operation"])


def test_screenshot_is_saved_next_to_the_report(report_page: Page, faulted_run: SuiteRun) -> None:
    path = faulted_run.reports_dir / "report.png"

    report_page.screenshot(path=str(path), full_page=True)

    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
