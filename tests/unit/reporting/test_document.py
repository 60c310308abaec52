"""The summary document: built from a typed record, written as JSON, read back unchanged.

The mutation matrix renders the reports of a run it started from that run's summary.json, so
what `to_dict` writes, `from_dict` must read back whole: findings with their steps, baseline
entries, the weather.
"""

from __future__ import annotations

import json
from collections import Counter

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.reporting.baseline import Baseline, BaselineEntry
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.summary import ItemOutcome, RunFacts, build_summary
from prospecting_conformance.reporting.weather import Weather, WeatherResponse, weather_summary
from prospecting_conformance.run.record import RecordedFinding, RunRecord
from prospecting_conformance.run.replay import Step
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
L4 = Finding("L4", "cancelProspectingJob", "cancel again is 409", 409, "t-1", CANCEL)
P1 = Finding("P1", "getProspectByProviderId", "another prospect", 200, "t-2")


def summary_of_a_faulted_run(spec: Spec) -> Summary:
    record = RunRecord(
        findings=[
            RecordedFinding(L4, 2, {"t::cancel"}, [Step("cancelProspectingJob", 0.0, CANCEL)]),
            RecordedFinding(P1, 1, {"t::lookup"}),
        ],
        statuses={"cancelProspectingJob": Counter({409: 2})},
        weather={"retried": Counter({"getProspectingJob 429": 3}), "persisted": Counter()},
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
        outcomes=[ItemOutcome("t::cancel", "failed", (L4.key,), "E L4")],
        seconds_to_first_failure=1.5,
        notes=["writes are off"],
    )
    baseline = Baseline(
        (
            BaselineEntry("P1", "getProspectByProviderId", "PROSP-1"),
            BaselineEntry("L2", "getProspectingJob", "PROSP-2"),
        )
    )
    return build_summary(facts, record, spec, baseline)


def test_a_summary_reads_back_from_its_json_unchanged(spec: Spec) -> None:
    summary = summary_of_a_faulted_run(spec)

    written = json.loads(json.dumps(summary.to_dict()))

    assert Summary.from_dict(written) == summary


def test_the_summary_says_which_findings_are_new_and_which_known(spec: Spec) -> None:
    summary = summary_of_a_faulted_run(spec)

    assert [(f.finding.key, f.new, f.ticket) for f in summary.findings] == [
        (L4.key, True, None),
        (P1.key, False, "PROSP-1"),
    ]
    assert (summary.verdict, summary.exit_status) == ("fail", 1)
    assert summary.not_exercised == [BaselineEntry("L2", "getProspectingJob", "PROSP-2")]


def test_the_weather_counts_become_the_summarys_weather() -> None:
    counts = {
        "retried": Counter({"getProspectingJob 429": 3, "startProspectingJob 502": 1}),
        "persisted": Counter({"getProspectingJob 429": 1}),
    }

    assert weather_summary(counts) == Weather(
        4,
        (
            WeatherResponse("getProspectingJob", 429, 3, "retried"),
            WeatherResponse("startProspectingJob", 502, 1, "retried"),
            WeatherResponse("getProspectingJob", 429, 1, "persisted"),
        ),
    )
