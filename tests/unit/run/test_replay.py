"""A finding's steps: the exchanges that led to it, cut from its test's history, as a script."""

from __future__ import annotations

import json

from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.reporting.curl import replay_script
from prospecting_conformance.run.replay import Seen, chain

BASE = "http://127.0.0.1:8080"
JOBS = f"{BASE}/v1/accounts/ag-1/prospecting"
KEY = {"x-api-key": "$PROSPECTING_KEY_ALL"}


def _exchange(method: str, url: str, status: int, data: object) -> Exchange:
    body = json.dumps({"success": True, "data": data, "error": None, "traceId": "t"})
    return Exchange(method, url, KEY, None, status, {}, body)


START = _exchange("POST", JOBS, 202, {"id": "job-7", "status": "queued"})
OTHER = _exchange("GET", f"{BASE}/v1/accounts/ag-1/sales-navigator/saved-searches", 200, {})
POLL_1 = _exchange("GET", f"{JOBS}/job-7", 200, {"id": "job-7", "status": "running"})
POLL_2 = _exchange("GET", f"{JOBS}/job-7", 200, {"id": "job-7", "status": "completed"})
CANCEL = _exchange("POST", f"{JOBS}/job-7/cancel", 200, {"id": "job-7", "status": "cancelled"})


def test_a_chain_keeps_the_jobs_exchanges_and_collapses_its_polls() -> None:
    history = [
        Seen(0.0, "listSalesNavigatorSavedSearches", OTHER),
        Seen(1.0, "startProspectingJob", START),
        Seen(1.3, "getProspectingJob", POLL_1),
        Seen(1.6, "getProspectingJob", POLL_2),
        Seen(1.7, "cancelProspectingJob", CANCEL),
    ]

    steps = chain(history, CANCEL)

    assert [(s.operation, s.after_seconds) for s in steps] == [
        ("startProspectingJob", 0.0),
        ("getProspectingJob", 0.6),
        ("cancelProspectingJob", 0.1),
    ]


def test_a_finding_about_no_job_is_its_own_exchange() -> None:
    steps = chain([Seen(0.0, "list", OTHER), Seen(1.0, "start", START)], OTHER)

    assert [s.exchange for s in steps] == [OTHER]


def test_the_script_captures_the_job_id_and_keeps_the_waits() -> None:
    steps = chain(
        [Seen(1.0, "startProspectingJob", START), Seen(1.6, "cancelProspectingJob", CANCEL)],
        CANCEL,
    )

    script = replay_script(steps, BASE)

    assert 'ID_1=$(curl -sS -X POST "$PROSPECTING_BASE_URL"' in script
    assert "sleep 0.6" in script
    assert "/prospecting/'\"$ID_1\"'/cancel'" in script
    assert "job-7" not in script
    assert BASE not in script
    assert script.splitlines()[-2].startswith("curl -sS -i -X POST")
