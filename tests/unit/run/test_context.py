"""RunContext.judge_and_record: one response through the checks, the job history and the
recorder.

Every response of a run, whoever sent it, passes here once: judged by the envelope and spec
rules and, for a job, against everything the run saw of that job; counted, remembered for a
finding's steps, and tracked so no job is left running. A client observer that meets a
finding fails the test at once.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.record import Sighting, TrackedJob
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

GROUP = "ag-1"
LIST = "listSalesNavigatorSavedSearches"
START = "startProspectingJob"
GET = "getProspectingJob"


def ok(data: Any, trace_id: str) -> str:
    return json.dumps({"success": True, "data": data, "error": None, "traceId": trace_id})


def job(job_id: str, status: str) -> dict[str, Any]:
    return {
        "id": job_id,
        "status": status,
        "source": "sales_navigator",
        "savedSearchId": "ss-1",
        "createdAt": "2026-11-26T10:00:00Z",
        "updatedAt": "2026-11-26T10:00:00Z",
        "progress": {"processed": 0, "total": None},
        "result": None,
        "error": None,
    }


def response(
    config: TargetConfig,
    operation_id: str,
    method: str,
    path: str,
    status: int,
    text: str,
    headers: dict[str, str] | None = None,
) -> Observed:
    return Observed.build(
        operation_id,
        method,
        f"{config.base_url}/v1/accounts/{GROUP}{path}",
        status,
        {"Content-Type": "application/json", **(headers or {})},
        text,
    )


def listed(config: TargetConfig, trace_id: str = "t-list") -> Observed:
    return response(
        config, LIST, "GET", "/sales-navigator/saved-searches", 200, ok({"items": []}, trace_id)
    )


def started(config: TargetConfig, job_id: str = "job-1") -> Observed:
    location = f"{config.base_url}/v1/accounts/{GROUP}/prospecting/{job_id}"
    return response(
        config,
        START,
        "POST",
        "/prospecting",
        202,
        ok(job(job_id, "queued"), f"t-start-{job_id}"),
        {"Location": location},
    )


def json_array(config: TargetConfig) -> Observed:
    return response(config, LIST, "GET", "/sales-navigator/saved-searches", 200, "[]")


@pytest.fixture
def context(config: TargetConfig, spec: Spec, rails: Rails) -> RunContext:
    made = RunContext(target=config, spec=spec, seed=7, rails=rails)
    made.recorder.current_test = "test_x"
    return made


def test_a_conformant_response_is_counted_and_remembered_without_a_finding(
    context: RunContext, config: TargetConfig
) -> None:
    findings = context.judge_and_record(listed(config))

    assert findings == []
    assert context.recorder.statuses == {LIST: {200: 1}}
    assert context.recorder.generated_statuses == {}
    assert context.recorder.seen["traceIds"] == {"t-list": Sighting(LIST, 200, "test_x", "t-list")}
    assert context.recorder.findings == {}


def test_a_generated_response_is_counted_apart(context: RunContext, config: TargetConfig) -> None:
    context.judge_and_record(listed(config), generated=True)

    assert context.recorder.generated_statuses == {LIST: {200: 1}}


def test_a_broken_envelope_is_returned_and_recorded_once(
    context: RunContext, config: TargetConfig
) -> None:
    findings = context.judge_and_record(json_array(config))

    assert {f.rule for f in findings} == {"E1", "S2"}
    recorded = context.recorder.findings
    assert {key: entry.count for key, entry in recorded.items()} == {
        ("E1", LIST, 200): 1,
        ("S2", LIST, 200): 1,
    }
    assert recorded[("E1", LIST, 200)].tests == {"test_x"}


def test_a_started_job_is_tracked_in_its_account_group_until_it_ends(
    context: RunContext, config: TargetConfig
) -> None:
    context.judge_and_record(started(config))
    assert context.recorder.jobs == {"job-1": TrackedJob(GROUP, "test_x", "queued")}
    sighting = context.recorder.seen["startedJobIds"]["job-1"]
    assert (sighting.operation, sighting.status) == (START, 202)

    ended = ok(job("job-1", "completed"), "t-get")
    context.judge_and_record(response(config, GET, "GET", "/prospecting/job-1", 200, ended))

    assert context.recorder.jobs["job-1"].status == "completed"
    assert [record.job_id for record in context.jobs.jobs()] == ["job-1"]


def test_a_job_that_vanishes_is_judged_by_the_job_history(
    context: RunContext, config: TargetConfig
) -> None:
    context.judge_and_record(started(config))
    gone = json.dumps(
        {
            "success": False,
            "data": None,
            "error": {"code": "not_found", "message": "No such job."},
            "traceId": "t-gone",
        }
    )

    findings = context.judge_and_record(
        response(config, GET, "GET", "/prospecting/job-1", 404, gone)
    )

    assert [f.rule for f in findings] == ["L1"]
    assert "job-1" in findings[0].message


def test_observing_records_what_it_found_and_never_raises(
    context: RunContext, config: TargetConfig
) -> None:
    findings = context.judge_and_record(json_array(config))

    assert {f.rule for f in findings} == {"E1", "S2"}
    assert {key[0] for key in context.recorder.findings} == {"E1", "S2"}


def test_a_rule_the_run_skips_is_neither_recorded_nor_new(
    config: TargetConfig, spec: Spec, rails: Rails
) -> None:
    context = RunContext(
        target=config, spec=spec, seed=1, rails=rails, skipped_rules=frozenset({"S2"})
    )

    findings = context.judge_and_record(json_array(config))

    assert {f.rule for f in findings} == {"E1"}
    assert {key[0] for key in context.recorder.findings} == {"E1"}
    assert not context.is_new(("S2", LIST, 200))


@pytest.mark.parametrize(
    ("key", "new"),
    [
        pytest.param(("E4", LIST, 200), False, id="known-to-the-baseline"),
        pytest.param(("A3", LIST, 200), True, id="another-rule-is-new"),
        pytest.param(("S2", LIST, 200), False, id="skipped-rule"),
    ],
)
def test_a_finding_is_new_unless_known_or_skipped(
    config: TargetConfig,
    spec: Spec,
    rails: Rails,
    key: tuple[str, str, int],
    new: bool,
) -> None:
    context = RunContext(
        target=config,
        spec=spec,
        seed=1,
        rails=rails,
        known_issue=lambda found: found[0] == "E4",
        skipped_rules=frozenset({"S2"}),
    )

    assert context.is_new(key) is new


def test_a_finding_handed_on_again_is_recorded_once_and_an_equal_one_again(
    context: RunContext,
) -> None:
    finding = Finding("P1", "getProspectByProviderId", "Expected 404.", status=200)
    twin = Finding("P1", "getProspectByProviderId", "Expected 404.", status=200)

    context.record([finding])
    context.record([finding])
    context.record([twin])

    assert context.recorder.findings[finding.key].count == 2


@pytest.mark.parametrize(
    ("observed", "rule"),
    [
        pytest.param(
            lambda config: response(
                config, GET, "GET", "/prospecting/JOB-1", 200, ok(job("job-1", "queued"), "t-9")
            ),
            "S5",
            id="a-2xx-for-another-id",
        ),
        pytest.param(
            lambda config: response(
                config, LIST, "GET", "/sales-navigator/saved-searches/", 307, "", {"Location": "/"}
            ),
            "H3",
            id="a-redirect",
        ),
    ],
)
def test_identity_and_redirects_are_judged_on_every_response(
    context: RunContext, config: TargetConfig, observed: Any, rule: str
) -> None:
    findings = context.judge_and_record(observed(config))

    assert rule in {f.rule for f in findings}


def test_the_rails_hear_of_open_jobs_when_their_number_changes(
    context: RunContext, config: TargetConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each count is a rewrite of the run's shared ledger file: a response that opens or ends
    # no job must not cost one, and the ledger must still hold the latest count.
    written: list[int] = []
    monkeypatch.setattr(context.rails, "jobs_open", written.append)
    get = "/prospecting/job-1"

    context.judge_and_record(listed(config))
    context.judge_and_record(started(config))
    context.judge_and_record(listed(config, "t-list-2"))
    context.judge_and_record(started(config, "job-2"))
    running = ok(job("job-1", "running"), "t-get-1")
    context.judge_and_record(response(config, GET, "GET", get, 200, running))
    ended = ok(job("job-1", "completed"), "t-get-2")
    context.judge_and_record(response(config, GET, "GET", get, 200, ended))

    assert written == [0, 1, 2, 1]
    assert context.recorder.open_jobs == 1
