"""The reporting library on its own: curl reproductions, baselines, the verdict, merging.

The selftests run whole faulted runs; these pin down the decisions in between, where a
mistake would turn a regression into a pass (or a known issue into a blocker).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.findings import Exchange, Finding
from prospecting_conformance.recorder import Recorder, merge
from prospecting_conformance.reporting.baseline import Baseline, BaselineError
from prospecting_conformance.reporting.curl import curl_command
from prospecting_conformance.reporting.summary import ItemOutcome, RunFacts, build_summary
from prospecting_conformance.spec import Spec

EXCHANGE = Exchange(
    method="POST",
    url="http://127.0.0.1:8080/v1/accounts/ag-1/prospecting",
    request_headers={
        "host": "127.0.0.1:8080",
        "user-agent": "python-httpx",
        "x-api-key": "Bearer $PROSPECTING_KEY_ALL",
        "content-type": "application/json",
    },
    request_body='{"savedSearchId": "it\'s"}',
    status=500,
    response_headers={"content-type": "application/json"},
    response_body="{}",
)


def test_curl_keeps_the_key_variable_expandable_and_drops_client_noise() -> None:
    command = curl_command(EXCHANGE)

    assert command.startswith("curl -sS -i -X POST 'http://127.0.0.1:8080/v1/")
    assert "-H 'x-api-key: Bearer '\"$PROSPECTING_KEY_ALL\"" in command
    assert "user-agent" not in command
    assert "host:" not in command


def test_curl_command_is_valid_shell_that_expands_the_key(tmp_path: Path) -> None:
    # Given a fake curl that prints its arguments, one a line
    fake = tmp_path / "curl"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)

    # When the reproduction runs with the key in the environment
    printed = subprocess.run(
        ["bash", "-c", curl_command(EXCHANGE)],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "PROSPECTING_KEY_ALL": "k-123"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    # Then curl receives the real key and the body unchanged, quote included
    assert "x-api-key: Bearer k-123" in printed
    assert '{"savedSearchId": "it\'s"}' in printed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(None, "no such file", id="missing-file"),
        pytest.param("not json", "expected", id="not-json"),
        pytest.param('{"entries": [{"rule": "L5"}]}', "KeyError", id="entry-without-operation"),
        pytest.param('{"items": []}', "KeyError", id="no-entries-key"),
    ],
)
def test_an_unreadable_baseline_is_refused_with_its_path(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "baseline.json"
    if content is not None:
        path.write_text(content)

    with pytest.raises(BaselineError, match=message) as raised:
        Baseline.load(path)
    assert str(path) in str(raised.value)


def _finding(rule: str, operation: str, status: int) -> Finding:
    return Finding(rule=rule, operation=operation, message="m", status=status, trace_id="t")


def _record(*findings: Finding) -> dict[str, Any]:
    recorder = Recorder()
    recorder.current_test = "tests/conformance/test_x.py::test_y"
    recorder.record(findings)
    return recorder.to_dict()


def _facts(*outcomes: ItemOutcome, left_running: tuple[str, ...] = ()) -> RunFacts:
    return RunFacts(
        base_url="http://127.0.0.1:1",
        embedded=True,
        faults=(),
        profile="quick",
        seed=1,
        started_at="2026-11-26T00:00:00+00:00",
        finished_at="2026-11-26T00:00:01+00:00",
        command="pytest",
        outcomes=list(outcomes),
        jobs_left_running=list(left_running),
    )


L5 = ("L5", "cancelProspectingJob", 200)
FAILED_ON_L5 = ItemOutcome("t::cancel", "failed", (L5,))


@pytest.mark.parametrize(
    ("outcomes", "baseline_entries", "left_running", "verdict", "reasons"),
    [
        pytest.param([FAILED_ON_L5], [], (), "fail", ["1 new finding(s)"], id="new-finding-fails"),
        pytest.param(
            [FAILED_ON_L5],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (),
            "pass",
            [],
            id="known-finding-passes",
        ),
        pytest.param(
            [FAILED_ON_L5, ItemOutcome("t::gate", "failed", ())],
            [{"rule": "L5", "operation": "cancelProspectingJob", "ticket": "T-1"}],
            (),
            "fail",
            ["1 test(s) failed without a rule finding"],
            id="failure-without-finding-fails-even-with-a-baseline",
        ),
        pytest.param(
            [ItemOutcome("t::ok", "passed")],
            [],
            ("job-1 (ag-1: running)",),
            "fail",
            ["1 job(s) left running"],
            id="job-left-running-fails",
        ),
    ],
)
def test_the_verdict(
    spec: Spec,
    tmp_path: Path,
    outcomes: list[ItemOutcome],
    baseline_entries: list[dict[str, str]],
    left_running: tuple[str, ...],
    verdict: str,
    reasons: list[str],
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"entries": baseline_entries}))
    findings = [_finding(*L5)] if any(o.finding_keys for o in outcomes) else []

    summary = build_summary(
        _facts(*outcomes, left_running=left_running),
        _record(*findings),
        spec,
        Baseline.load(path),
    )

    assert (summary["verdict"], summary["reasons"]) == (verdict, reasons)


def test_a_baseline_entry_no_finding_matches_is_fixed(spec: Spec, tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    entry = {"rule": "P1", "operation": "getProspectByProviderId", "ticket": "T-2"}
    path.write_text(json.dumps({"entries": [entry]}))

    summary = build_summary(_facts(), _record(), spec, Baseline.load(path))

    assert summary["fixed"] == [entry]
    assert summary["verdict"] == "pass"


def test_merging_workers_adds_counts_and_keeps_each_finding_once() -> None:
    first = _record(_finding("E4", "getProspectingJob", 200))
    second = _record(_finding("E4", "getProspectingJob", 200), _finding("S3", "x", 500))

    merged = merge([first, second])

    counts = {(f["rule"], f["operation"]): f["count"] for f in merged["findings"]}
    assert counts == {("E4", "getProspectingJob"): 2, ("S3", "x"): 1}
