"""A finding is recorded once, and a test fails on a new finding, and only then.

The client's observer judges a response (RunContext.judge_and_record records its findings) and
the test goes on; the plugin fails the test on what it recorded once it has run. A test that
raises the same findings again must not count them a second time. A finding the test judged
itself (a ConformanceError no observer saw) is recorded when the test fails, once. A test whose
findings are all known issues (the baseline) passes, whether it raised them or not.
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

RECORDED_BY_THE_OBSERVER = """
def test_meets_a_json_array_instead_of_an_envelope(run_context):
    run_context.judge_and_record(observed_json_array())
"""

RAISED_BY_THE_TEST = """
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.core.findings import raise_for_findings

def test_expected_a_404(run_context):
    raise_for_findings(check_status(observed_json_array(), "P1", 404, "Looked up nothing"))
"""

RAISED_AGAIN_BY_THE_TEST = """
from prospecting_conformance.core.findings import raise_for_findings

def test_raises_what_the_observer_recorded(run_context):
    raise_for_findings(run_context.judge_and_record(observed_json_array()))
"""

KNOWN_THEN_NEW = """
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.core.findings import raise_for_findings

def test_meets_a_known_issue_then_judges_its_own_rule(run_context):
    observed = observed_json_array()
    run_context.judge_and_record(observed)
    raise_for_findings(check_status(observed, "P1", 404, "Looked up nothing"))
"""

LIST = "listSalesNavigatorSavedSearches"


# Copies the recorder's counts once the failed test's report is made (the outermost wrapper:
# after the plugin has judged it). The run is a subprocess: an inner pytest session in this
# process would share the run's exported settings with the session running this test.
RECORDER_PROBE = """
import json

import pytest

from prospecting_conformance.plugin.state import CONTEXT


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        recorded = item.config.stash[CONTEXT].recorder.findings
        counts = [[*key, entry.count] for key, entry in recorded.items()]
        with open("recorded.json", "w", encoding="utf-8") as out:
            json.dump(counts, out)
    return report
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


BASELINE_E1_S2 = {
    "entries": [{"rule": "E1", "ticket": "KNOWN-1"}, {"rule": "S2", "ticket": "KNOWN-2"}]
}
BASELINE_ALL = {"entries": [*BASELINE_E1_S2["entries"], {"rule": "P1", "ticket": "KNOWN-3"}]}


@pytest.mark.usefixtures("live_target_env")
@pytest.mark.parametrize(
    ("test_body", "baseline", "outcome", "expected"),
    [
        pytest.param(
            RECORDED_BY_THE_OBSERVER,
            None,
            "failed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="recorded-by-the-client-observer",
        ),
        pytest.param(
            RAISED_BY_THE_TEST, None, "failed", {("P1", LIST, 200): 1}, id="judged-by-the-test"
        ),
        pytest.param(
            RAISED_AGAIN_BY_THE_TEST,
            None,
            "failed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="recorded-and-raised-again-by-the-test",
        ),
        pytest.param(
            RECORDED_BY_THE_OBSERVER,
            BASELINE_E1_S2,
            "passed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="recorded-known-issues-pass",
        ),
        pytest.param(
            RAISED_AGAIN_BY_THE_TEST,
            BASELINE_E1_S2,
            "passed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1},
            id="raised-known-issues-pass",
        ),
        pytest.param(
            KNOWN_THEN_NEW,
            BASELINE_E1_S2,
            "failed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1, ("P1", LIST, 200): 1},
            id="a-known-issue-hides-no-new-finding",
        ),
        pytest.param(
            KNOWN_THEN_NEW,
            BASELINE_ALL,
            "passed",
            {("E1", LIST, 200): 1, ("S2", LIST, 200): 1, ("P1", LIST, 200): 1},
            id="every-finding-known",
        ),
    ],
)
def test_each_finding_is_counted_once_and_only_a_new_one_fails_the_test(
    pytester: pytest.Pytester,
    test_body: str,
    baseline: dict[str, object] | None,
    outcome: str,
    expected: dict[tuple[str, str, int], int],
) -> None:
    pytester.makepyfile(test_one_finding=OBSERVED_JSON_ARRAY + test_body)
    pytester.makeconftest(RECORDER_PROBE)
    options = ["-p", "no:cacheprovider", *(f"-p{name}" for name in PLUGINS)]
    if baseline is not None:
        (pytester.path / "baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
        options += ["--baseline", "baseline.json"]

    result = pytester.runpytest_subprocess("test_one_finding.py", *options)

    result.assert_outcomes(**{outcome: 1})
    recorded = json.loads((pytester.path / "recorded.json").read_text(encoding="utf-8"))
    assert {(rule, op, status): count for rule, op, status, count in recorded} == expected
