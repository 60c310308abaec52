"""Merging the processes' recorders: E4 and L9 uniqueness hold across xdist workers too."""

from __future__ import annotations

from typing import Any

from prospecting_conformance.run.recorder import Recorder, merge


def worker(test: str, *trace_ids: str, job_ids: tuple[str, ...] = ()) -> dict[str, Any]:
    recorder = Recorder()
    recorder.current_test = test
    for trace_id in trace_ids:
        recorder.saw("traceIds", trace_id, "listSalesNavigatorSavedSearches", 200, trace_id)
    for job_id in job_ids:
        recorder.saw("startedJobIds", job_id, "startProspectingJob", 202, f"trace-of-{job_id}")
    return recorder.to_dict()


def test_a_trace_id_two_workers_received_is_an_E4_finding_naming_both_tests() -> None:
    merged = merge([worker("test_a", "t-1", "t-2"), worker("test_b", "t-3", "t-1")])

    [finding] = merged["findings"]
    assert (finding["rule"], finding["traceId"], finding["count"]) == ("E4", "t-1", 1)
    assert finding["tests"] == ["test_a", "test_b"]


def test_distinct_trace_ids_across_workers_give_no_finding() -> None:
    merged = merge([worker("test_a", "t-1"), worker("test_b", "t-2")])

    assert merged["findings"] == []


def test_a_job_id_two_workers_were_handed_is_an_L9_finding() -> None:
    merged = merge(
        [worker("test_a", "t-1", job_ids=("job-1",)), worker("test_b", "t-2", job_ids=("job-1",))]
    )

    [finding] = merged["findings"]
    assert (finding["rule"], finding["operation"], finding["status"]) == (
        "L9",
        "startProspectingJob",
        202,
    )
    assert finding["traceId"] == "trace-of-job-1"
