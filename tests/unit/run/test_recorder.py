"""The recorder and its hand-off: what a worker records reaches the controller intact, and
merging the processes' records keeps E4 and L9 uniqueness across xdist workers too."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.run.record import RecordedFinding, RunRecord, Sighting, TrackedJob
from prospecting_conformance.run.recorder import Recorder, merge

JOBS = "http://127.0.0.1:8080/v1/accounts/ag-1/prospecting"
START = Exchange(
    "POST",
    JOBS,
    {"x-api-key": "$PROSPECTING_KEY_ALL"},
    '{"savedSearchId": "ss-1"}',
    202,
    {"content-type": "application/json"},
    '{"success": true, "data": {"id": "job-1", "status": "queued"}, "traceId": "t-1"}',
)
CANCEL = Exchange("POST", f"{JOBS}/job-1/cancel", {}, None, 409, {}, '{"success": false}')


def received(operation_id: str, exchange: Exchange) -> Observed:
    """The response of `exchange`, as the run context hands it to the recorder."""
    return Observed.build(
        operation_id,
        exchange.method,
        exchange.url,
        exchange.status,
        exchange.response_headers,
        exchange.response_body,
        exchange.request_headers,
        exchange.request_body,
    )


def listed(trace_id: str) -> Observed:
    body = {"success": True, "data": {"items": []}, "error": None, "traceId": trace_id}
    return received(
        "listSalesNavigatorSavedSearches",
        Exchange("GET", f"{JOBS}/../saved-searches", {}, None, 200, {}, json.dumps(body)),
    )


def started(job_id: str, trace_id: str) -> Observed:
    body = {"success": True, "data": {"id": job_id, "status": "queued"}, "traceId": trace_id}
    return received(
        "startProspectingJob", Exchange("POST", JOBS, {}, None, 202, {}, json.dumps(body))
    )


def worker(test: str, *trace_ids: str, job_ids: tuple[str, ...] = ()) -> RunRecord:
    recorder = Recorder()
    recorder.current_test = test
    for trace_id in trace_ids:
        recorder.record_response(listed(trace_id), "ag-1", at=0.0)
    for job_id in job_ids:
        recorder.record_response(started(job_id, f"{test}-start-{job_id}"), "ag-1", at=0.0)
    return recorder.snapshot()


def handed_off(record: RunRecord, directory: Path) -> RunRecord:
    """What the controller reads of a worker's record: through the file, as under xdist."""
    path = directory / "parts" / "gw0.json"
    record.dump(path)
    return RunRecord.load(path)


def busy_recorder() -> Recorder:
    """A recorder that saw a little of everything, a finding with its steps included."""
    recorder = Recorder()
    recorder.current_test = "t::cancel"
    recorder.record_response(received("startProspectingJob", START), "ag-1", at=1.0, generated=True)
    recorder.record_response(received("cancelProspectingJob", CANCEL), "ag-1", at=1.5)
    recorder.cover_link("StartToGet")
    recorder.weather.note("getProspectingJob", 429, retried=True)
    recorder.weather.note("getProspectingJob", 429, retried=True)
    recorder.incomplete.append("budget spent")
    l4 = Finding("L4", "cancelProspectingJob", "cancel again is 409", 409, "t-2", CANCEL)
    recorder.record([l4, Finding("S3", "cancelProspectingJob", "m", 409, "t-2", CANCEL)])
    recorder.record([l4])
    return recorder


def test_a_workers_record_reaches_the_controller_unchanged(tmp_path: Path) -> None:
    record = busy_recorder().snapshot()

    assert handed_off(record, tmp_path) == record


def test_the_hand_off_keeps_what_the_reports_read(tmp_path: Path) -> None:
    received = handed_off(busy_recorder().snapshot(), tmp_path)

    [l4, _] = received.findings
    assert (l4.key, l4.count, l4.tests) == (("L4", "cancelProspectingJob", 409), 2, {"t::cancel"})
    assert [(s.operation, s.after_seconds) for s in l4.steps] == [
        ("startProspectingJob", 0.0),
        ("cancelProspectingJob", 0.5),
    ]
    assert received.statuses == {
        "startProspectingJob": Counter({202: 1}),
        "cancelProspectingJob": Counter({409: 1}),
    }
    assert received.jobs == {"job-1": TrackedJob("ag-1", "t::cancel", "queued")}
    assert received.seen["traceIds"] == {
        "t-1": Sighting("startProspectingJob", 202, "t::cancel", "t-1")
    }


def test_a_finding_inferred_from_the_spec_stays_inferred_across_the_hand_off(
    tmp_path: Path,
) -> None:
    # Given a finding whose rule is documented, against an inferred spec element
    finding = Finding("S3", "getProspectingJob", "m", 500, "t", provenance_override="inferred")
    record = RunRecord(findings=[RecordedFinding(finding, count=1)])

    # When it crosses to the controller
    [received] = handed_off(record, tmp_path).findings

    # Then it is still inferred
    assert received.finding.provenance == "inferred"


def test_the_hand_off_is_json_with_statuses_as_strings(tmp_path: Path) -> None:
    path = tmp_path / "gw0.json"
    busy_recorder().dump(path)

    dumped = json.loads(path.read_text(encoding="utf-8"))

    assert dumped["statuses"] == {
        "startProspectingJob": {"202": 1},
        "cancelProspectingJob": {"409": 1},
    }
    assert dumped["jobs"] == {
        "job-1": {"accountGroupId": "ag-1", "test": "t::cancel", "status": "queued"}
    }


def test_a_snapshot_does_not_move_with_the_recorder() -> None:
    recorder = busy_recorder()
    snapshot = recorder.snapshot()

    cancelled = START.response_body.replace("queued", "cancelled")
    recorder.record_response(
        received("getProspectingJob", replace(START, response_body=cancelled)), "ag-1", at=2.0
    )
    recorder.record([Finding("L4", "cancelProspectingJob", "again", 409, "t-3")])

    assert snapshot.jobs["job-1"].status == "queued"
    assert snapshot.findings[0].count == 2


def test_a_trace_id_two_workers_received_is_an_E4_finding_naming_both_tests() -> None:
    merged = merge([worker("test_a", "t-1", "t-2"), worker("test_b", "t-3", "t-1")])

    [entry] = merged.findings
    assert (entry.finding.rule, entry.finding.trace_id, entry.count) == ("E4", "t-1", 1)
    assert entry.tests == {"test_a", "test_b"}


def test_distinct_trace_ids_across_workers_give_no_finding() -> None:
    merged = merge([worker("test_a", "t-1"), worker("test_b", "t-2")])

    assert merged.findings == []


def test_a_job_id_two_workers_were_handed_is_an_L9_finding() -> None:
    merged = merge(
        [worker("test_a", "t-1", job_ids=("job-1",)), worker("test_b", "t-2", job_ids=("job-1",))]
    )

    [entry] = merged.findings
    assert entry.key == ("L9", "startProspectingJob", 202)
    assert entry.finding.trace_id == "test_b-start-job-1"


@pytest.mark.parametrize(
    ("first", "later", "merged"),
    [
        pytest.param(
            TrackedJob("ag-1", "t::start", None),
            TrackedJob("ag-1", "t::poll", "running"),
            TrackedJob("ag-1", "t::start", "running"),
            id="first-test-kept-later-status-taken",
        ),
        pytest.param(
            TrackedJob("ag-1", "t::start", "completed"),
            TrackedJob("ag-1", "t::other", None),
            TrackedJob("ag-1", "t::start", "completed"),
            id="no-status-keeps-the-known-one",
        ),
    ],
)
def test_merging_a_job_two_workers_saw(
    first: TrackedJob, later: TrackedJob, merged: TrackedJob
) -> None:
    parts = [RunRecord(jobs={"job-1": first}), RunRecord(jobs={"job-1": later})]

    assert merge(parts).jobs == {"job-1": merged}


def test_merging_adds_statuses_weather_and_keeps_each_reason_once() -> None:
    first = busy_recorder().snapshot()
    second = busy_recorder().snapshot()

    merged = merge([first, second])

    assert merged.statuses["cancelProspectingJob"] == Counter({409: 2})
    assert merged.weather.retried == Counter({("getProspectingJob", 429): 4})
    assert merged.incomplete == ["budget spent"]
    assert {e.key: e.count for e in merged.findings}[("L4", "cancelProspectingJob", 409)] == 4


def test_merging_workers_adds_counts_and_keeps_each_finding_once() -> None:
    def recorded(*keys: tuple[str, str, int]) -> RunRecord:
        recorder = Recorder()
        recorder.current_test = "tests/conformance/test_x.py::test_y"
        recorder.record(
            [Finding(rule, operation, "m", status, "t") for rule, operation, status in keys]
        )
        return recorder.snapshot()

    first = recorded(("E4", "getProspectingJob", 200))
    second = recorded(("E4", "getProspectingJob", 200), ("S3", "x", 500))

    merged = merge([first, second])

    assert [(entry.key, entry.count) for entry in merged.findings] == [
        (("E4", "getProspectingJob", 200), 2),
        (("S3", "x", 500), 1),
    ]


def test_the_typical_answer_time_is_the_median_of_the_recent_answers() -> None:
    recorder = Recorder()
    assert recorder.typical_answer_s() is None
    for elapsed_s in (0.2, 0.25, 9.0, None, 0.21):
        recorder.record_response(replace(listed("t"), elapsed_s=elapsed_s), "ag-1", at=0.0)
    # One slow answer does not move it; an answer without a time is not one.
    assert recorder.typical_answer_s() == pytest.approx(0.23)
