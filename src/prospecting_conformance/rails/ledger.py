"""The run-wide numbers the rails keep, and where they are kept.

One `Ledger` holds what every sender of a run must agree on: how many requests were sent,
when the next may leave, until when a 429 paused everyone, and how many jobs each process
has open (what settle will need). A store applies each change atomically: in memory for one
process, or in a locked file that the xdist workers and the controller share, so that the
budget and the rate are the run's, not each process's.
"""

from __future__ import annotations

import fcntl
import json
import math
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

__all__ = ["FileLedgerStore", "Ledger", "LedgerStore", "MemoryLedgerStore"]

T = TypeVar("T")


@dataclass
class Ledger:
    """The run-wide numbers the rails keep (clock readings are `time.monotonic`, system-wide)."""

    sent: int = 0
    # The same requests by the layer that sent them (usage.LAYERS).
    sent_by_layer: dict[str, int] = field(default_factory=dict)
    next_slot: float = -math.inf
    paused_until: float = -math.inf
    # When the last request left: a sender that woke late for its slot must not leave closer
    # than the rate's spacing to it (several senders at once).
    last_departure: float = -math.inf
    # Jobs each process started and has not yet seen end: what settle will need.
    open_jobs: dict[str, int] = field(default_factory=dict)


class LedgerStore(Protocol):
    def update(self, change: Callable[[Ledger], T]) -> T:
        """Apply `change` to the ledger atomically and return what it returns."""


class MemoryLedgerStore:
    """The ledger of one process."""

    def __init__(self) -> None:
        self._ledger = Ledger()
        self._lock = threading.Lock()

    def update(self, change: Callable[[Ledger], T]) -> T:
        with self._lock:
            return change(self._ledger)


class FileLedgerStore:
    """The ledger in a file under an exclusive lock: shared by every process of a run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def update(self, change: Callable[[Ledger], T]) -> T:
        # Read and written in place ("a+" would append every write, wherever the file is sought).
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        with self._lock, open(descriptor, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            text = handle.read()
            ledger = Ledger(**json.loads(text)) if text else Ledger()
            result = change(ledger)
            # JSON has no infinity; the ledger's "never" is written as a very old reading.
            written = json.dumps({k: _finite(v) for k, v in asdict(ledger).items()})
            # Written over, then cut to length: a file truncated to nothing and written again
            # is flushed to disk when it is closed (ext4's safeguard for replaced files), a
            # wait on every request of the run when the disk is busy.
            handle.seek(0)
            handle.write(written)
            handle.truncate()
            return result


def _finite(value: object) -> object:
    return -1e300 if value == -math.inf else value
