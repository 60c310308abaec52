"""Every exchange of the run, as the run observed it: what the HAR file and the latency read.

Each process of a run (the controller, each xdist worker) appends what it observes, one JSON
line per response, to its own file under the reports folder's `.exchanges/`; the controller
reads them all once the run is over. A file, not the worker's `RunRecord`: a release run sends
thousands of requests, bodies included, and the hand-off would carry them all through memory.
The exchanges are those of `Observed`, redacted when they were built.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.core.observed import Observed

__all__ = ["EXCHANGES_DIR", "ExchangeLog", "LoggedExchange", "read_exchanges", "reset"]

EXCHANGES_DIR = ".exchanges"


@dataclass(frozen=True)
class LoggedExchange:
    """One response of the run: its operation, when it was sent and how long its answer took."""

    operation: str
    started: float  # seconds since the epoch
    elapsed_s: float | None
    exchange: Exchange

    def to_dict(self) -> dict[str, Any]:
        # The whole body: Exchange.to_dict keeps an excerpt, for findings.
        exchange = {**self.exchange.to_dict(), "response_body": self.exchange.response_body}
        return {
            "operation": self.operation,
            "started": self.started,
            "elapsedS": self.elapsed_s,
            "exchange": exchange,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LoggedExchange:
        return cls(
            data["operation"],
            data["started"],
            data["elapsedS"],
            Exchange.from_dict(data["exchange"]),
        )


class ExchangeLog:
    """This process's exchanges, appended to its own file (none: nothing is kept)."""

    def __init__(self, reports_dir: Path | None) -> None:
        folder = None if reports_dir is None else reports_dir / EXCHANGES_DIR
        self.path = None if folder is None else folder / f"{os.getpid()}.jsonl"
        self._lock = threading.Lock()

    def add(self, observed: Observed) -> None:
        if self.path is None:
            return
        started = time.time() - (observed.elapsed_s or 0.0)
        entry = LoggedExchange(
            observed.operation_id, started, observed.elapsed_s, observed.exchange
        )
        line = json.dumps(entry.to_dict()) + "\n"
        with self._lock:
            try:
                log = self.path.open("a", encoding="utf-8")
            except FileNotFoundError:
                # The folder is made by the first response (and again if something removed
                # it), not checked on every one: a mkdir per response cost as much as the append.
                self.path.parent.mkdir(parents=True, exist_ok=True)
                log = self.path.open("a", encoding="utf-8")
            with log:
                log.write(line)


def read_exchanges(reports_dir: Path) -> list[LoggedExchange]:
    """Every process's exchanges, in the order they were sent."""
    entries = [
        LoggedExchange.from_dict(json.loads(line))
        for path in sorted((reports_dir / EXCHANGES_DIR).glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    return sorted(entries, key=lambda entry: entry.started)


def reset(reports_dir: Path) -> None:
    """Forget what an earlier run in this folder logged (one Ctrl-C'd twice leaves its files)."""
    shutil.rmtree(reports_dir / EXCHANGES_DIR, ignore_errors=True)
