"""The ledger: the run's numbers, changed atomically, in memory or in a file the processes share.

Every sender of a run reads and changes one `Ledger` through a store: a `MemoryLedgerStore`
for a process alone, a `FileLedgerStore` for the xdist workers and the controller, so that
what one records, the others read.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from prospecting_conformance.rails.ledger import (
    FileLedgerStore,
    Ledger,
    LedgerStore,
    MemoryLedgerStore,
)


def record_a_busy_moment(ledger: Ledger) -> str:
    ledger.sent += 3
    ledger.next_slot = 12.5
    ledger.paused_until = 14.0
    ledger.last_departure = 12.28
    ledger.open_jobs["gw0"] = 2
    return "recorded"


def read(store: LedgerStore) -> Ledger:
    return store.update(copy.deepcopy)


STORES: list[object] = [
    pytest.param(lambda path: MemoryLedgerStore(), id="in-memory"),
    pytest.param(lambda path: FileLedgerStore(path / "ledger.json"), id="in-a-file"),
]


@pytest.mark.parametrize("make_store", STORES)
def test_a_fresh_ledger_has_sent_nothing_and_waits_for_nothing(
    make_store: Callable[[Path], LedgerStore], tmp_path: Path
) -> None:
    ledger = read(make_store(tmp_path))

    assert (ledger.sent, ledger.open_jobs) == (0, {})
    # "Never" is earlier than any reading of a monotonic clock.
    assert ledger.next_slot < -1e299
    assert ledger.paused_until < -1e299


@pytest.mark.parametrize("make_store", STORES)
def test_a_change_is_kept_and_its_result_returned(
    make_store: Callable[[Path], LedgerStore], tmp_path: Path
) -> None:
    store = make_store(tmp_path)

    assert store.update(record_a_busy_moment) == "recorded"

    assert read(store) == Ledger(
        sent=3, next_slot=12.5, paused_until=14.0, last_departure=12.28, open_jobs={"gw0": 2}
    )


def test_what_one_file_store_records_another_on_the_same_file_reads(tmp_path: Path) -> None:
    # Given two processes' stores on the run's one ledger file
    worker = FileLedgerStore(tmp_path / "ledger.json")
    controller = FileLedgerStore(tmp_path / "ledger.json")

    # When one records
    worker.update(record_a_busy_moment)

    # Then the other reads it, and adds to it
    assert read(controller) == Ledger(
        sent=3, next_slot=12.5, paused_until=14.0, last_departure=12.28, open_jobs={"gw0": 2}
    )
    controller.update(lambda ledger: ledger.open_jobs.update({"gw1": 1}))
    assert read(worker).open_jobs == {"gw0": 2, "gw1": 1}


def test_two_memory_stores_are_two_processes_ledgers(tmp_path: Path) -> None:
    one, other = MemoryLedgerStore(), MemoryLedgerStore()

    one.update(record_a_busy_moment)

    assert read(other) == Ledger()


def test_the_file_is_strict_json_with_never_written_as_a_very_old_reading(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.json"

    FileLedgerStore(path).update(lambda ledger: None)

    def refuse(constant: str) -> float:
        raise AssertionError(f"{constant} is not JSON")

    written = json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)
    assert written == {
        "sent": 0,
        "sent_by_layer": {},
        "next_slot": -1e300,
        "paused_until": -1e300,
        "last_departure": -1e300,
        "open_jobs": {},
    }
