"""A finding is recorded once: by the layer that judged it, not again when the test fails.

The client's observer judges a response (RunContext.observe records its findings) and raises
them as a ConformanceError; the test fails with that error, and the failure must not count
the same findings a second time. A finding the test judged itself (a ConformanceError no
observer saw) is recorded when the test fails, once.
"""

from __future__ import annotations

import json

import pytest

from prospecting_conformance.plugin import PLUGINS

OBSERVED_JSON_ARRAY = """
from prospecting_conformance.core.observed import Observed

def observed_json_array():
    return Observed.build(
        "listSalesNavigatorSavedSearches",
        "GET",
        "http://127.0.0.1:9/v1/accounts/ag-1/saved-searches",
        200,
        {"Content-Type": "application/json"},
        "[]",
    )
"""

RAISED_BY_THE_OBSERVER = """
def test_meets_a_json_array_instead_of_an_envelope(run_context):
    run_context.raise_on_findings(observed_json_array())
"""

RAISED_BY_THE_TEST = """
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.core.findings import raise_for_findings

def test_expected_a_404(run_context):
    raise_for_findings(check_status(observed_json_array(), "P1", 404, "Looked up nothing"))
"""

RAISED_AGAIN_BY_THE_TEST = """
from prospecting_conformance.core.findings import ConformanceError, raise_for_findings

def test_collects_what_the_observer_raised(run_context):
    found = []
    try:
        run_context.raise_on_findings(observed_json_array())
    except ConformanceError as judged:
        found += judged.findings
    raise_for_findings(found)
"""

LIST = "listSalesNavigatorSavedSearches"


# Copies the recorder's counts once the failed test's report is made. The run is a
# subprocess: an inner pytest session in this process would share the run's globals (the
# active run context, the exported settings) with the session running this test.
RECORDER_PROBE = """
import json

from prospecting_conformance.run.context import current


def pytest_runtest_logreport(report):
    if report.when == "call":
        recorded = current().recorder.findings
        counts = [[*key, entry.count] for key, entry in recorded.items()]
        with open("recorded.json", "w", encoding="utf-8") as out:
            json.dump(counts, out)
"""


@pytest.fixture
def live_target_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The environment a controller exports for a live target (no request is sent)."""
    for name, value in {
        "PROSPECTING_BASE_URL": "http://127.0.0.1:9",
        "PROSPECTING_ACCOUNT_GROUP_ID": "ag-1",
        "PROSPECTING_KEY_ALL": "sk_test_all_0123456789abcdef",
        "PROSPECTING_SEED": "7",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROSPECTING_RAILS_LEDGER", raising=False)


@pytest.mark.usefixtures("live_target_env")
@pytest.mark.parametrize(
    ("test_body", "expected"),
    [
        pytest.param(
            RAISED_BY_THE_OBSERVER,
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="raised-by-the-client-observer",
        ),
        pytest.param(RAISED_BY_THE_TEST, {("P1", LIST, 200): 1}, id="judged-by-the-test-itself"),
        pytest.param(
            RAISED_AGAIN_BY_THE_TEST,
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="caught-and-raised-again-by-the-test",
        ),
    ],
)
def test_each_finding_of_a_failed_test_is_counted_once(
    pytester: pytest.Pytester, test_body: str, expected: dict[tuple[str, str, int], int]
) -> None:
    pytester.makepyfile(test_one_finding=OBSERVED_JSON_ARRAY + test_body)
    pytester.makeconftest(RECORDER_PROBE)

    result = pytester.runpytest_subprocess(
        "test_one_finding.py", "-p", "no:cacheprovider", *(f"-p{name}" for name in PLUGINS)
    )

    result.assert_outcomes(failed=1)
    recorded = json.loads((pytester.path / "recorded.json").read_text(encoding="utf-8"))
    assert {(rule, op, status): count for rule, op, status, count in recorded} == expected
