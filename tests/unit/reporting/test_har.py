"""reports/exchanges.har: every exchange as HAR 1.2, which devtools and HAR viewers open."""

from __future__ import annotations

import json
from pathlib import Path

from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.reporting.har import write_har
from prospecting_conformance.run.exchanges import LoggedExchange

START = Exchange(
    "POST",
    "http://127.0.0.1:8080/v1/accounts/ag-1/prospecting?dryRun=1",
    {"content-type": "application/json", "x-api-key": "$PROSPECTING_KEY_ALL"},
    '{"savedSearchId": "s-1"}',
    202,
    {"content-type": "application/json", "location": "/v1/accounts/ag-1/prospecting/j-1"},
    '{"success": true}',
)
NO_ANSWER = Exchange("GET", "http://127.0.0.1:8080/v1/x")


def test_every_exchange_is_an_entry_of_a_har_1_2_log(tmp_path: Path) -> None:
    path = tmp_path / "exchanges.har"
    logged = [
        LoggedExchange("startProspectingJob", 1_764_000_000.25, 0.0123, START),
        LoggedExchange("getProspectingJob", 1_764_000_001.0, None, NO_ANSWER),
    ]

    count = write_har(path, logged)

    log = json.loads(path.read_text(encoding="utf-8"))["log"]
    assert (count, log["version"], log["creator"]["name"]) == (2, "1.2", "prospecting-conformance")
    start, no_answer = log["entries"]
    assert start["startedDateTime"] == "2025-11-24T16:00:00.250000+00:00"
    assert (start["time"], start["timings"]["wait"], start["comment"]) == (
        12.3,
        12.3,
        "startProspectingJob",
    )
    assert start["request"]["queryString"] == [{"name": "dryRun", "value": "1"}]
    assert start["request"]["postData"] == {
        "mimeType": "application/json",
        "text": '{"savedSearchId": "s-1"}',
    }
    assert {"name": "x-api-key", "value": "$PROSPECTING_KEY_ALL"} in start["request"]["headers"]
    assert (start["response"]["status"], start["response"]["statusText"]) == (202, "Accepted")
    assert start["response"]["redirectURL"] == "/v1/accounts/ag-1/prospecting/j-1"
    assert start["response"]["content"]["text"] == '{"success": true}'
    # The target never answered (T1): HAR's status 0, no time.
    assert (no_answer["response"]["status"], no_answer["time"]) == (0, 0.0)
