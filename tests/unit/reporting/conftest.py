"""What the reporting tests share: the summary of one faulted run, as the reports receive it.

Test modules here are imported with --import-mode=importlib and cannot import one another;
the summary every renderer is tested on is a fixture instead.
"""

from __future__ import annotations

from collections import Counter

import pytest

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.rails.usage import RequestUsage
from prospecting_conformance.rails.weather import Weather
from prospecting_conformance.reporting.baseline import Baseline, BaselineEntry
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.summary import RunFacts, build_summary
from prospecting_conformance.run.record import RecordedFinding, RunRecord
from prospecting_conformance.run.replay import Step
from prospecting_conformance.run.verdict import Outcome
from prospecting_conformance.spec.model import Spec

CANCEL = Exchange(
    "POST",
    "http://127.0.0.1:8080/v1/accounts/ag-1/prospecting/job-1/cancel",
    {"x-api-key": "$PROSPECTING_KEY_ALL"},
    None,
    409,
    {"content-type": "application/json"},
    '{"success": false}',
)
# A new finding with the exchange that showed it, and one the baseline knows as PROSP-1.
L4 = Finding("L4", "cancelProspectingJob", "cancel again is 409", 409, "t-1", CANCEL)
P1 = Finding("P1", "getProspectByProviderId", "another prospect", 200, "t-2")


@pytest.fixture
def faulted_summary(spec: Spec) -> Summary:
    """A failed run: L4 new (one draft), P1 known, L2 in the baseline but not exercised."""
    record = RunRecord(
        findings=[
            RecordedFinding(L4, 2, {"t::cancel"}, [Step("cancelProspectingJob", 0.0, CANCEL)]),
            RecordedFinding(P1, 1, {"t::lookup"}),
        ],
        statuses={"cancelProspectingJob": Counter({409: 2})},
        weather=Weather(retried=Counter({("getProspectingJob", 429): 3})),
    )
    facts = RunFacts(
        base_url="http://127.0.0.1:8080",
        embedded=True,
        faults=("cancel_not_idempotent",),
        profile="quick",
        seed=7,
        started_at="2026-11-26T00:00:00+00:00",
        finished_at="2026-11-26T00:00:09+00:00",
        command="python -m pytest tests/conformance",
        outcomes=[Outcome("t::cancel", "failed", (L4.key,), "E L4")],
        seconds_to_first_failure=1.5,
        notes=["writes are off"],
        requests=RequestUsage(14, 2000, {"preflight": 1, "contract": 12, "settle": 1}),
    )
    baseline = Baseline(
        (
            BaselineEntry("P1", "getProspectByProviderId", "PROSP-1"),
            BaselineEntry("L2", "getProspectingJob", "PROSP-2"),
        )
    )
    return build_summary(facts, record, spec, baseline)
