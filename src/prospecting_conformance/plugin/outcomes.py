"""Each test's outcome, in the process that ran it: judged on what it recorded, or a spent budget.

Findings are recorded where they are seen (`RunContext.record`, which counts each once) and
never stop a test by themselves; a test stops only on what it exists to check. Once a phase
of a test has run, it is judged here on everything it recorded:

- a new finding fails it, whether the test raised it or an observer recorded it on the way;
- a test that stopped on findings that are all known issues (the baseline) passes (or, if it
  could not even be set up, is skipped), and says which known issues it met;
- any other error fails it, as pytest says.

The test's finding keys travel to the controller on the report (`FINDINGS_PROPERTY`), so the
verdict can tell a failure a known issue explains from a new one. In JUnit a known issue is a
`prospecting_known_issue` property on a passing test case: the test ran and held on what it
checks, which is what a pass says; a skip would tell CI it never ran.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Sequence

import pytest

from prospecting_conformance.client.errors import TransportFailure
from prospecting_conformance.core.findings import ConformanceError, Finding, FindingKey
from prospecting_conformance.plugin.state import CONTEXT, CURRENT_TEST, process_rails, uses_target
from prospecting_conformance.rails.gate import RequestBudgetExceeded
from prospecting_conformance.rails.usage import layer_of
from prospecting_conformance.run.context import RunContext

__all__ = [
    "BUDGET_PROPERTY",
    "FINDINGS_PROPERTY",
    "KNOWN_PROPERTY",
    "pytest_runtest_makereport",
    "pytest_runtest_setup",
]

FINDINGS_PROPERTY = "prospecting_findings"
KNOWN_PROPERTY = "prospecting_known_issue"
BUDGET_PROPERTY = "prospecting_budget_spent"

# The finding keys a test's earlier phases already judged: a teardown fails only on its own.
_JUDGED = pytest.StashKey[set[FindingKey]]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    item.config.stash[CURRENT_TEST] = item.nodeid
    if uses_target(item.config):
        # What this test and its fixtures send counts under its layer of the budget.
        process_rails(item.config).layer = layer_of(item.nodeid)
    context = item.config.stash.get(CONTEXT, None)
    if context is not None:
        context.recorder.current_test = item.nodeid


# First in, so last out: the verdict below may fail a report that passed, and schemathesis'
# own wrapper, which reads a failed report's exception, must see the report as pytest made it
# (a generated test failed here for a finding its checks recorded has none: INTERNALERROR).
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    context = item.config.stash.get(CONTEXT, None)
    if context is None:
        return report
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, RequestBudgetExceeded) and report.failed:
        return _stop_on_spent_budget(item, report, context, str(error))
    if call.when == "setup" and report.passed:
        return report  # what the fixtures recorded is judged with the test body
    raised = _findings_of(error)
    # A fixture's finding raised again for a later test (its cached error) is that test's too.
    keys = set(context.recorder.keys_for_test(item.nodeid))
    keys |= {f.key for f in context.record(raised)}
    judged = item.stash.setdefault(_JUDGED, set())
    fresh = sorted(keys - judged, key=str)
    judged |= keys
    new = [key for key in fresh if context.is_new(key)]
    if keys:
        report.user_properties.append((FINDINGS_PROPERTY, json.dumps(sorted(keys, key=str))))
    if report.passed and new:
        _fail_on_new(report, _findings(context, new))
    elif report.failed and raised and not any(context.is_new(f.key) for f in raised) and not new:
        _pass_on_known(item, report, call.when)
    elif report.failed and isinstance(error, ConformanceError):
        _name_the_rule(report, error)
    elif report.failed and new:
        report.sections.append(("new findings", _describe(_findings(context, new))))
    known = [key for key in fresh if key not in new]
    report.user_properties += [(KNOWN_PROPERTY, _describe_key(key)) for key in known]
    return report


def _findings_of(error: BaseException | None) -> list[Finding]:
    if isinstance(error, ConformanceError):
        return error.findings
    if isinstance(error, TransportFailure):
        return [error.finding]
    return []


def _findings(context: RunContext, keys: Sequence[FindingKey]) -> list[Finding]:
    return [context.recorder.findings[key].finding for key in keys]


def _fail_on_new(report: pytest.TestReport, findings: Sequence[Finding]) -> None:
    """The test held on what it checks, but recorded a new finding on the way: it fails, and
    the message (JUnit's too) starts with the rules broken."""
    report.outcome = "failed"
    report.longrepr = _describe(findings)


def _describe(findings: Sequence[Finding]) -> str:
    return "\n".join(f.describe() for f in findings)


def _pass_on_known(item: pytest.Item, report: pytest.TestReport, when: str) -> None:
    """The test stopped on known issues only: passed, or skipped when its setup could not run
    (pytest runs no test body after a setup that did not pass)."""
    if when == "setup":
        report.outcome = "skipped"
        why = "blocked by a known issue (see the findings in the summary)"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {why}")
    else:
        report.outcome = "passed"
        report.longrepr = None


def _name_the_rule(report: pytest.TestReport, error: ConformanceError) -> None:
    """JUnit's failure message starts with the broken rule, not the exception's class path."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        crash.message = str(error)


def _describe_key(key: FindingKey) -> str:
    rule, operation, status = key
    return f"{rule} {operation} -> {status if status is not None else 'no response'}"


def _stop_on_spent_budget(
    item: pytest.Item, report: pytest.TestReport, context: RunContext, why: str
) -> pytest.TestReport:
    """A spent budget is no verdict on the test: it did not finish. The run stops here."""
    context.recorder.mark_incomplete(why)
    item.session.shouldstop = why
    report.outcome = "skipped"
    report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {why}")
    report.user_properties.append((BUDGET_PROPERTY, why))
    return report
