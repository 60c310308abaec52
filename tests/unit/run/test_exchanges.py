"""The exchange log: each process appends what it observed; the controller reads them in order."""

from __future__ import annotations

import json
from pathlib import Path

from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.run.exchanges import ExchangeLog, read_exchanges, reset

BODY = "x" * 5000  # longer than a finding's excerpt: the HAR keeps the whole body


REDACTOR = Redactor({"PROSPECTING_KEY_ALL": "k-secret-1"})


def _observed(operation: str, elapsed_s: float | None) -> Observed:
    return Observed.build(
        operation, "GET", "http://t/v1/x", 200, {"Content-Type": "application/json"}, BODY,
        request_headers={"X-API-Key": "k-secret-1"}, redactor=REDACTOR, elapsed_s=elapsed_s,
    )  # fmt: skip


def test_what_is_logged_is_read_back_whole_and_redacted(tmp_path: Path) -> None:
    log = ExchangeLog(tmp_path)

    log.add(_observed("getProspectingJob", 0.004))
    log.add(_observed("listSalesNavigatorSavedSearches", None))

    read = read_exchanges(tmp_path)
    assert [(e.operation, e.elapsed_s) for e in read] == [
        ("getProspectingJob", 0.004),
        ("listSalesNavigatorSavedSearches", None),
    ]
    assert read[0].exchange.response_body == BODY
    assert log.path is not None
    assert "k-secret-1" not in log.path.read_text()


def test_a_log_whose_folder_was_removed_makes_it_again(tmp_path: Path) -> None:
    # The folder is made when an append finds it missing, not checked on every response.
    log = ExchangeLog(tmp_path)
    log.add(_observed("getProspectingJob", 0.001))

    reset(tmp_path)
    log.add(_observed("listSalesNavigatorSavedSearches", 0.002))

    assert [e.operation for e in read_exchanges(tmp_path)] == ["listSalesNavigatorSavedSearches"]


def test_the_processes_logs_are_read_in_the_order_they_were_sent(tmp_path: Path) -> None:
    folder = tmp_path / ".exchanges"
    folder.mkdir()
    for name, started in (("1", 5.0), ("2", 1.0)):
        line = {"operation": name, "started": started, "elapsedS": None,
                "exchange": {"method": "GET", "url": "http://t/"}}  # fmt: skip
        (folder / f"{name}.jsonl").write_text(json.dumps(line) + "\n")

    assert [e.operation for e in read_exchanges(tmp_path)] == ["2", "1"]

    reset(tmp_path)
    assert read_exchanges(tmp_path) == []


def test_outside_a_run_nothing_is_logged(tmp_path: Path) -> None:
    log = ExchangeLog(None)

    log.add(_observed("getProspectingJob", 0.001))

    assert log.path is None
