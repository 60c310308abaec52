"""Each test's outcome, in the process that ran it: its findings, or a spent budget.

A finding is recorded by the layer that judged it (`RunContext.record`, which counts each
finding once); a failure raised by a test's own judgement is recorded here. The failure's
finding keys travel to the controller on the report, so the verdict can tell a failure
explained by known findings (a baseline) from a new one.
"""

from __future__ import annotations

import json
from collections.abc import Generator

import pytest

from prospecting_conformance.client.errors import TransportFailure
from prospecting_conformance.core.findings import ConformanceError
from prospecting_conformance.plugin.state import CONTEXT, CURRENT_TEST
from prospecting_conformance.rails.gate import RequestBudgetExceeded
from prospecting_conformance.run.verdict import mark_incomplete

__all__ = [
    "BUDGET_PROPERTY",
    "FINDINGS_PROPERTY",
    "pytest_runtest_makereport",
    "pytest_runtest_setup",
]

FINDINGS_PROPERTY = "prospecting_findings"
BUDGET_PROPERTY = "prospecting_budget_spent"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[CURRENT_TEST] = item.nodeid
    context = item.config.stash.get(CONTEXT, None)
    if context is not None:
        context.recorder.current_test = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    context = item.config.stash.get(CONTEXT, None)
    if context is None or not report.failed:
        return report
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, RequestBudgetExceeded):
        return _stop_on_spent_budget(item, report, str(error))
    if isinstance(error, ConformanceError):
        context.record(error.findings)
    elif isinstance(error, TransportFailure):
        context.record([error.finding])
    report.user_properties.append(
        (FINDINGS_PROPERTY, json.dumps(context.recorder.keys_for_test(item.nodeid)))
    )
    return report


def _stop_on_spent_budget(
    item: pytest.Item, report: pytest.TestReport, why: str
) -> pytest.TestReport:
    """A spent budget is no verdict on the test: it did not finish. The run stops here."""
    mark_incomplete(why)
    item.session.shouldstop = why
    report.outcome = "skipped"
    report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {why}")
    report.user_properties.append((BUDGET_PROPERTY, why))
    return report
