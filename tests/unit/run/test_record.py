"""The run record's types and their JSON: what a worker dumps, the controller reads back whole.

Under pytest-xdist every finding, count and job crosses from a worker to the controller as
JSON; a field lost or mistyped on the way (a status read back as "409") would change the
summary without any test failing for it. The recorder's tests fill records through a
Recorder; these build each part by hand.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.rails.weather import Weather
from prospecting_conformance.run.record import RecordedFinding, RunRecord, Sighting, TrackedJob
from prospecting_conformance.run.replay import Step

START = Exchange(
    "POST",
    "http://127.0.0.1:8080/v1/accounts/ag-1/prospecting",
    {"x-api-key": "$PROSPECTING_KEY_ALL", "content-type": "application/json"},
    '{"source": "sales_navigator", "savedSearchId": "ss-1"}',
    202,
    {"location": "/v1/accounts/ag-1/prospecting/job-1"},
    '{"success": true, "data": {"id": "job-1", "status": "queued"}}',
)
L1 = Finding("L1", "startProspectingJob", "no Location header", 202, "t-1", START)


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(RunRecord(), id="empty-record"),
        pytest.param(
            RunRecord(
                findings=[
                    RecordedFinding(
                        L1, 2, {"t::b", "t::a"}, [Step("startProspectingJob", 0.5, START)]
                    )
                ]
            ),
            id="finding-with-its-tests-and-steps",
        ),
        pytest.param(
            RunRecord(findings=[RecordedFinding(Finding("S3", "x", "m"), 1)]),
            id="finding-without-status-trace-or-exchange",
        ),
        pytest.param(
            RunRecord(
                statuses={"cancelProspectingJob": Counter({409: 2, 200: 1})},
                generated_statuses={"startProspectingJob": Counter({202: 5})},
            ),
            id="status-counts-stay-numbers",
        ),
        pytest.param(RunRecord(links_covered={"StartToGet", "StartToCancel"}), id="links"),
        pytest.param(
            RunRecord(
                jobs={
                    "job-1": TrackedJob("ag-1", "t::start", "running"),
                    "job-2": TrackedJob("ag-2"),
                }
            ),
            id="jobs-with-and-without-status",
        ),
        pytest.param(
            RunRecord(
                weather=Weather(
                    retried=Counter({("getProspectingJob", 429): 3}),
                    persisted=Counter({("startProspectingJob", 502): 1}),
                )
            ),
            id="weather",
        ),
        pytest.param(RunRecord(incomplete=["budget spent", "rate limited"]), id="incomplete"),
        pytest.param(
            RunRecord(
                seen={
                    "traceIds": {"t-1": Sighting("startProspectingJob", 202, "t::a", "t-1")},
                    "startedJobIds": {"job-1": Sighting("startProspectingJob", 202, "t::a", None)},
                }
            ),
            id="sightings-of-run-unique-values",
        ),
    ],
)
def test_a_record_reads_back_from_its_json_unchanged(record: RunRecord, tmp_path: Path) -> None:
    through_json = RunRecord.from_dict(json.loads(json.dumps(record.to_dict())))
    path = tmp_path / "parts" / "gw0.json"
    record.dump(path)

    assert through_json == record
    assert RunRecord.load(path) == record


def test_status_counts_are_read_back_as_numbers() -> None:
    record = RunRecord(statuses={"cancelProspectingJob": Counter({409: 2})})

    written = json.loads(json.dumps(record.to_dict()))

    assert written["statuses"] == {"cancelProspectingJob": {"409": 2}}
    assert RunRecord.from_dict(written).statuses["cancelProspectingJob"][409] == 2


@pytest.mark.parametrize(
    ("job", "written"),
    [
        pytest.param(
            TrackedJob("ag-1", "t::start", "queued"),
            {"accountGroupId": "ag-1", "test": "t::start", "status": "queued"},
            id="with-status",
        ),
        pytest.param(
            TrackedJob("ag-1", "t::start"),
            {"accountGroupId": "ag-1", "test": "t::start"},
            id="status-unknown-is-left-out",
        ),
    ],
)
def test_a_tracked_job_as_json(job: TrackedJob, written: dict[str, Any]) -> None:
    assert job.to_dict() == written
    assert TrackedJob.from_dict(written) == job


def test_a_job_written_with_its_group_only_has_no_test_and_no_status() -> None:
    assert TrackedJob.from_dict({"accountGroupId": "ag-1"}) == TrackedJob("ag-1", "", None)


def test_a_finding_written_without_steps_reads_back_with_no_steps() -> None:
    written = RecordedFinding(L1, 1, {"t::a"}).to_dict()
    del written["steps"]

    assert RecordedFinding.from_dict(written) == RecordedFinding(L1, 1, {"t::a"}, [])


def test_adding_the_same_finding_seen_elsewhere_sums_counts_and_joins_tests() -> None:
    here = RecordedFinding(L1, 2, {"t::a"}, [Step("startProspectingJob", 0.0, START)])

    here.add(RecordedFinding(L1, 3, {"t::b", "t::a"}))

    assert (here.count, here.tests) == (5, {"t::a", "t::b"})
    assert here.steps == [Step("startProspectingJob", 0.0, START)]


def test_a_sighting_is_written_as_a_list_in_field_order() -> None:
    sighting = Sighting("startProspectingJob", 202, "t::a", "t-1")

    assert sighting.to_list() == ["startProspectingJob", 202, "t::a", "t-1"]
    assert Sighting(*sighting.to_list()) == sighting
