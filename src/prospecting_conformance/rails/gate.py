"""The safety rails of a run: one gate that every request to the target passes, whoever sends it.

The suite's own client, every schemathesis check (auth probes and undeclared methods
included), the stateful phase, the preflight and settle all send through `Rails.admit` before
a request leaves the machine and report the status back through `Rails.answered`
(`wire.py` holds the adapters that put the gate in front of httpx and requests). The gate
holds what docs/contract.md §4 promises a live target:

- **writes only when allowed**: a method other than GET, HEAD or OPTIONS is refused unless
  the target allows writes;
- **the target's origin only**: no request, and so no key, goes to any other host;
- **one request budget** for the whole run, with a reserve kept for settling the jobs the
  run started: when it is spent, `RequestBudgetExceeded` stops the run;
- **one rate**: consecutive requests leave at least `1 / max_rate` seconds apart, so no
  one-second window holds more than `max_rate` of them;
- **`Retry-After`**: after a 429 nothing leaves until the target's pause is over;
- **weather is retried, not judged**: a 500 or 502 (the statuses the docs list for a
  healthy API's bad moments) is sent again, a bounded number of times, when sending it again
  is safe; what still fails after the last attempt is the API's answer, and the rules judge
  it. A 429 is sent again by time, not by count: for as long as the budget and
  `RATE_LIMIT_PATIENCE_S` allow; past them `RateLimitOutlasted` stops the run, incomplete,
  naming the operation. Every such response is counted in the run's `Weather`.

The numbers live in a `Ledger` (ledger.py) that the run's processes share, so that the
budget and the rate are the run's, not each process's; the weather is counted in `Weather`
(weather.py).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from prospecting_conformance.core.clock import Clock, Sleep
from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.http import is_write, retry_after_seconds
from prospecting_conformance.rails.ledger import Ledger, LedgerStore, MemoryLedgerStore
from prospecting_conformance.rails.usage import Layer, RequestUsage
from prospecting_conformance.rails.weather import (
    DROP_ATTEMPTS,
    DROPPED,
    RATE_LIMIT_PATIENCE_S,
    WEATHER_ATTEMPTS,
    WEATHER_BACKOFF_S,
    WEATHER_STATUSES,
    Weather,
)
from prospecting_conformance.spec.model import IDEMPOTENT_METHODS, OperationSpec, Spec, load_spec
from prospecting_conformance.target.config import TargetConfig

__all__ = [
    "DEFAULT_RETRY_AFTER_S",
    "JITTER_ALLOWANCE_S",
    "SETTLE_REQUESTS_PER_JOB",
    "BudgetRefusal",
    "HostNotAllowed",
    "Rails",
    "RailsRefusal",
    "RateLimitOutlasted",
    "RequestBudgetExceeded",
    "Tries",
    "WritesNotAllowed",
]

# Settle looks a job up, cancels it if it is still going and looks again.
SETTLE_REQUESTS_PER_JOB = 3

# What the rails wait after a 429 whose Retry-After is missing or unreadable (S2 reports the
# header; the run still must not hammer a target that asked it to slow down).
DEFAULT_RETRY_AFTER_S = 1.0

# Requests are spaced a little wider than 1 / rate: what leaves here on time can still reach
# the target some milliseconds early or late, and no one-second window there may hold one
# request too many. The allowance is the jitter tolerated per second of requests.
JITTER_ALLOWANCE_S = 0.1


class RailsRefusal(Exception):
    """The rails refused to send a request; nothing left the machine."""


class WritesNotAllowed(RailsRefusal):
    """The request could change the target (a write method), and writes are off."""


class HostNotAllowed(RailsRefusal):
    """The request is for another origin than the target's; no key is sent there."""


class BudgetRefusal(RailsRefusal):
    """The budget is spent, said as an ordinary error where a BaseException would go unseen.

    schemathesis' engine runs the stateful phase in a thread of its own: there a
    `RequestBudgetExceeded` would end the thread silently. The engine reports this error as a
    failed step instead, and the loop that reads its events stops the run
    (`fuzz.stateful.run_stateful`).
    """


class RequestBudgetExceeded(BaseException):
    """The run's request budget is spent: the run stops.

    A BaseException, like KeyboardInterrupt, on purpose: Hypothesis and schemathesis catch
    `Exception` to record, replay and shrink a failing case, and a spent budget must stop the
    run, not become a failing example that is replayed (refused again) many times over.
    """


class RateLimitOutlasted(RequestBudgetExceeded):
    """The target kept answering one request 429 past the rails' patience: the run stops.

    A spent budget of another kind (time, not requests), and handled as one: the run ends
    INCOMPLETE with this message, which names the operation, never FAIL (docs/contract.md §4).
    """


@dataclass
class Tries:
    """One request's earlier answers, as far as sending it again goes.

    The two kinds of weather are counted apart: the 500s and 502s by number (WEATHER_ATTEMPTS),
    the 429s by the time since the first of them (RATE_LIMIT_PATIENCE_S), so that a long rate
    limit burst never uses up the attempts a later 502 is owed.
    """

    server_errors: int = 0
    limited_since: float | None = None
    dropped: int = 0


class Rails:
    """The gate: `admit` before a request leaves, `answered` when its status is known."""

    def __init__(
        self,
        config: TargetConfig,
        *,
        store: LedgerStore | None = None,
        spec: Spec | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        process: str | None = None,
    ) -> None:
        self.config = config
        self.spec = spec or load_spec()
        self.store: LedgerStore = store or MemoryLedgerStore()
        self.clock = clock
        self.sleep = sleep
        self.process = process or str(os.getpid())
        origin = urlsplit(config.base_url)
        self._origin = (origin.scheme, origin.hostname, origin.port)
        self._spacing = (1.0 + JITTER_ALLOWANCE_S) / config.max_rate
        # What this process sent, as clock readings: the proof of pacing in unit tests.
        self.sent_at: list[float] = []
        # Why the budget stopped the run, once it has (the message of RequestBudgetExceeded).
        self.spent: str | None = None
        self.weather = Weather()
        # The operation this process is waiting on a 429 for, if any: a budget spent while
        # waiting names it.
        self.limited_by: str | None = None
        # The layer this process sends for now (the plugin sets it as each test starts); what
        # settle sends counts as settle's, whichever it is.
        self.layer: Layer = "preflight"
        # Threads of this process that may each have a start in flight (the stateful walks
        # set it): each may start a job the reserve must be able to settle.
        self.concurrent_senders = 1

    @property
    def requests_sent(self) -> int:
        """Requests sent by this process."""
        return len(self.sent_at)

    @property
    def paused_until(self) -> float:
        return self.store.update(lambda ledger: ledger.paused_until)

    def admit(self, method: str, url: str, *, settling: bool = False) -> float:
        """Wait for this request's turn and return the clock reading at which it leaves.

        Raises a `RailsRefusal` for a request that must never leave, and
        `RequestBudgetExceeded` when the budget is spent (`settling` may use the reserve).
        """
        self._refuse_foreign_origin(url)
        self._refuse_unallowed_write(method)
        slot = self.store.update(lambda ledger: self._take_slot(ledger, settling))
        # The slot already waits out the pause the ledger held when it was taken; a request
        # that must wait for it asks the ledger again when it wakes (_depart).
        now = self.clock()
        while slot > now:
            self.sleep(slot - now)
            slot = self.store.update(partial(self._depart, slot=slot))
            now = self.clock()
        self.sent_at.append(now)
        return now

    def _depart(self, ledger: Ledger, *, slot: float) -> float:
        """Leave now if the slot's time has come, else the reading to wait for instead.

        A pause a 429 started since the slot was taken still holds, and a sender that woke
        late for its slot keeps the rate's spacing from the last request that left: with
        several senders at once, a late one and the next on time would otherwise leave
        closer together than the rate allows."""
        now = self.clock()
        turn = max(slot, ledger.paused_until, ledger.last_departure + self._spacing)
        if turn <= now:
            ledger.last_departure = now
            # The later slots, taken before this one left late, move with it.
            ledger.next_slot = max(ledger.next_slot, now + self._spacing)
        return turn

    def answered(self, status: int, retry_after: str | None) -> None:
        """A response arrived: after a 429, pause every sender for Retry-After seconds."""
        if status != 429:
            self.limited_by = None
            return
        asked = retry_after_seconds(retry_after)
        until = self.clock() + (DEFAULT_RETRY_AFTER_S if asked is None else asked)

        def pause(ledger: Ledger) -> None:
            ledger.paused_until = max(ledger.paused_until, until)

        self.store.update(pause)

    def send_again(
        self, method: str, url: str, status: int, tries: Tries, *, created: bool = False
    ) -> bool:
        """After an answer `status` to a request that was answered `tries` before: whether to
        send it again (and `tries` now counts this answer).

        A 429 refused the request unprocessed, so any request may be sent again, after the
        pause `admit` keeps, as long as the wait since its first 429 stays within
        RATE_LIMIT_PATIENCE_S; past it `RateLimitOutlasted` stops the run. A 500 or a 502 may
        have left the request half done: an idempotent one is sent again, after a doubling
        backoff, up to WEATHER_ATTEMPTS in all; one that is not (a start) only when the answer
        names nothing it `created` (no Location), since a job the API made and did not name
        is one the run could never find again.
        """
        if status not in WEATHER_STATUSES:
            return False
        operation, label = self._operation(method, url)
        if status == 429:
            self._be_patient(label, tries)
            self.weather.note(label, status, retried=True)
            return True
        idempotent = operation.idempotent if operation else method.lower() in IDEMPOTENT_METHODS
        tries.server_errors += 1
        again = tries.server_errors < WEATHER_ATTEMPTS and (idempotent or not created)
        self.weather.note(label, status, retried=again)
        if again:
            self.sleep(WEATHER_BACKOFF_S * 2 ** (tries.server_errors - 1))
        return again

    def send_again_after_drop(self, method: str, url: str, tries: Tries) -> bool:
        """After the connection dropped before any answer: whether to send the request again.

        Once, whatever the method: the drop that a client reusing connections races (an idle
        timeout closing the connection as the request leaves) is over on a new connection,
        and a start it dropped named no job the run could lose, as a 502 without a Location
        names none. A second drop in a row is the target's answer, and T1 judges it.
        """
        tries.dropped += 1
        again = tries.dropped < DROP_ATTEMPTS
        self.weather.note(self._operation(method, url)[1], DROPPED, retried=again)
        return again

    def _operation(self, method: str, url: str) -> tuple[OperationSpec | None, str]:
        """The spec's operation for this request, if any, and the label the weather counts
        it under."""
        path = urlsplit(url).path
        operation = self.spec.match(method, path)
        return operation, operation.operation_id if operation else f"{method.upper()} {path}"

    def _be_patient(self, label: str, tries: Tries) -> None:
        """Wait out one more 429 for `label`, or stop the run if that outlasts the patience."""
        now = self.clock()
        if tries.limited_since is None:
            tries.limited_since = now
        resumes = max(self.paused_until, now)
        if resumes - tries.limited_since <= RATE_LIMIT_PATIENCE_S:
            self.limited_by = label
            return
        self.weather.note(label, 429, retried=False)
        self.spent = (
            f"rate limited: {label} kept answering 429 for "
            f"{now - tries.limited_since:.0f} s, and its Retry-After asks until "
            f"{resumes - tries.limited_since:.0f} s; the rails wait at most "
            f"{RATE_LIMIT_PATIENCE_S:.0f} s for one request (RATE_LIMIT_PATIENCE_S), so the run "
            "stops here, incomplete: run it again when the target has quota."
        )
        raise RateLimitOutlasted(self.spent)

    def usage(self) -> RequestUsage:
        """What the run (every process on this ledger) has sent so far, and its budget."""
        return self.store.update(
            lambda ledger: RequestUsage(
                ledger.sent, self.config.request_budget, dict(ledger.sent_by_layer)
            )
        )

    def jobs_open(self, count: int) -> None:
        """How many jobs this process started and has not seen end (the settle reserve)."""

        def record(ledger: Ledger) -> None:
            ledger.open_jobs[self.process] = count

        self.store.update(record)

    def _take_slot(self, ledger: Ledger, settling: bool) -> float:
        reserve = 0 if settling else self._reserve(ledger)
        budget = self.config.request_budget
        if ledger.sent + 1 + reserve > budget:
            kept = f", {reserve} kept to settle jobs" if reserve else ""
            waiting = f" while {self.limited_by} kept answering 429" if self.limited_by else ""
            self.spent = (
                f"request budget spent{waiting}: {ledger.sent} of {budget} "
                f"requests sent{kept} ({ENV_VARS['max_requests']}); the run stops here rather "
                "than load the target further."
            )
            raise RequestBudgetExceeded(self.spent)
        ledger.sent += 1
        layer = "settle" if settling else self.layer
        ledger.sent_by_layer[layer] = ledger.sent_by_layer.get(layer, 0) + 1
        now = self.clock()
        slot = max(now, ledger.next_slot, ledger.paused_until)
        ledger.next_slot = slot + self._spacing
        if slot <= now:
            ledger.last_departure = now  # it leaves at once; a later slot waits for _depart
        return slot

    def _reserve(self, ledger: Ledger) -> int:
        # Room for the jobs already open, and for one that each sender's request in flight (this
        # one among them) may start.
        may_start = self.concurrent_senders if self.config.allow_writes else 0
        return SETTLE_REQUESTS_PER_JOB * (sum(ledger.open_jobs.values()) + may_start)

    def _refuse_foreign_origin(self, url: str) -> None:
        parts = urlsplit(url)
        if (parts.scheme, parts.hostname, parts.port) != self._origin:
            raise HostNotAllowed(
                f"refusing to send a request to {parts.scheme}://{parts.netloc}: it is not the "
                f"target {self.config.base_url}."
            )

    def _refuse_unallowed_write(self, method: str) -> None:
        # Whatever the operation and the key: a broken API could accept an unknown key or
        # route an undeclared method, and the write would then be real on staging.
        if self.config.allow_writes or not is_write(method):
            return
        raise WritesNotAllowed(
            f"{method.upper()} could change the target, which does not allow writes "
            f"(set {ENV_VARS['allow_writes']}=1 if it may)."
        )
