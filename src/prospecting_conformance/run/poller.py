"""The poller: follow one job until it ends or a deadline passes, judging every answer.

Each response is checked by `check_response` (envelope and spec) and by the job's
`JobTracker` (the state machine in checks/lifecycle.py). The poller waits only through the
client's injectable clock and sleep, and lets the client honour `Retry-After`, so unit tests
script a whole lifecycle in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prospecting_conformance.checks.envelope import TraceIds
from prospecting_conformance.checks.lifecycle import TERMINAL, JobTracker
from prospecting_conformance.checks.schema import check_response
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import TransportFailure
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = ["TRANSIENT_STATUSES", "PollOutcome", "wait_for_terminal_status"]

# What a healthy API answers now and then (D3 documents 500 and 502; 503 comes from gateways):
# polled again, up to the poller's retries, before it counts against the API.
TRANSIENT_STATUSES = frozenset({500, 502, 503})

# The poller keeps its own retry policy for server errors (a poll is repeated anyway): the
# rails' retries would multiply it. A 429 it leaves to the rails, which wait it out by time
# with the run's patience (RATE_LIMIT_PATIENCE_S) however long the burst: a job's deadline
# judges the job, and a poll the target refused tells nothing about the job.
RAILS_RETRIES = frozenset({429})


@dataclass
class PollOutcome:
    """How a poll ended: the last status seen, every response, and every finding."""

    job_id: str
    status: str | None = None
    observations: list[Observed] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


def wait_for_terminal_status(
    client: ProspectingClient,
    job_id: str,
    *,
    deadline_s: float | None = None,
    poll_interval_s: float = 0.5,
    max_transient_retries: int = 3,
    url: str | None = None,
    tracker: JobTracker | None = None,
    trace_ids: TraceIds | None = None,
) -> PollOutcome:
    """Poll a job until it is terminal or `deadline_s` (default: the target's job_timeout) passes.

    Every response is judged by `check_response` and the tracker. `url` (the 202's Location)
    is polled instead of the spec's get-job URL when given. A 429 is not an error here: the
    rails send the poll again once its Retry-After has passed, and the job is judged on the
    answer that follows; only a job seen still running after the deadline is late (L2), never
    one the target did not let the run see. Up to `max_transient_retries` consecutive
    500/502/503 answers or transport errors are retried; one more ends the poll with S3 (a 500)
    or T1. A 404 ends it with L2 (see `_judge`).
    """
    poll = _Poll(
        client, job_id, url, tracker or JobTracker(job_id), trace_ids, max_transient_retries
    )
    deadline = deadline_s if deadline_s is not None else client.config.job_timeout
    start = client.clock()
    while not poll.once():
        now = client.clock()
        if now - start >= deadline:
            poll.outcome.findings.append(poll.timed_out(deadline))
            break
        client.sleep(min(poll_interval_s, start + deadline - now))
    poll.outcome.elapsed_s = client.clock() - start
    return poll.outcome


class _Poll:
    """One poll in progress: what it has seen so far, and how many failures in a row."""

    def __init__(
        self,
        client: ProspectingClient,
        job_id: str,
        url: str | None,
        tracker: JobTracker,
        trace_ids: TraceIds | None,
        max_retries: int,
    ) -> None:
        self.client = client
        self.url = url
        self.tracker = tracker
        self.trace_ids = trace_ids
        self.outcome = PollOutcome(job_id=job_id)
        self.max_retries = max_retries
        self.transient = 0
        self.last: Observed | None = None

    def once(self) -> bool:
        """Poll once; True when the poll is over (the job ended, or a finding ended it)."""
        try:
            observed = self._fetch()
        except TransportFailure as failure:
            self.transient += 1
            if self.transient <= self.max_retries:
                return False
            self.outcome.findings.append(_exhausted(failure.finding, self.transient))
            return True
        return self._take(observed)

    def _fetch(self) -> Observed:
        if self.url:
            return self.client.get_url(self.url, retry_on=RAILS_RETRIES)
        return self.client.get_job(self.outcome.job_id, retry_on=RAILS_RETRIES)

    def _take(self, observed: Observed) -> bool:
        outcome = self.outcome
        self.last = observed
        outcome.observations.append(observed)
        outcome.findings += check_response(observed, self.client.spec, self.trace_ids)
        outcome.findings += self.tracker.follow(observed)
        outcome.status = self.tracker.status
        stop, self.transient = _judge(observed, self.tracker, self.transient, self.max_retries)
        if observed.status in TRANSIENT_STATUSES:
            # The poller's retries are the target's weather too, counted with the rails'.
            self.client.rails.weather.note(observed.operation_id, observed.status, retried=not stop)
        if stop is not None:
            outcome.findings += stop
            return True
        return self.tracker.terminal

    def timed_out(self, deadline: float) -> Finding:
        message = (
            f"Received status {self.tracker.status!r} for job {self.outcome.job_id!r} after "
            f"{deadline:g} s and {len(self.outcome.observations)} polls; expected a terminal "
            f"status ({', '.join(sorted(TERMINAL))}) within the deadline."
        )
        if self.last is None:
            return Finding(rule="L2", operation="getProspectingJob", message=message)
        return self.last.finding("L2", message)


def _judge(
    observed: Observed, tracker: JobTracker, transient: int, max_retries: int
) -> tuple[list[Finding] | None, int]:
    """What one poll answer means: stop with these findings, or go on (and the retry count)."""
    status = observed.status
    if 200 <= status <= 299:
        return None, 0
    if status in TRANSIENT_STATUSES:
        if transient + 1 <= max_retries:
            return None, transient + 1
        # A 500 that persists is the server failing on this input (S3); a gateway's 502 or 503
        # that persists is a target that cannot answer (T1).
        return [
            observed.finding(
                "S3" if status == 500 else "T1",
                f"Received {status} on {transient + 1} consecutive polls; expected the job "
                f"after at most {max_retries} retries.",
            )
        ], transient + 1
    if status == 404:
        # L2 rather than L6: L6 says an unknown id is a 404, which is right; here the API
        # accepted the job and then lost it, which breaks the polling contract.
        return [
            observed.finding(
                "L2",
                f"Received 404 for job {tracker.job_id!r} while polling (last status "
                f"{tracker.status!r}); expected 200 with the job until it is terminal.",
            )
        ], transient
    return [
        observed.finding(
            "L2", f"Received {status} while polling the job; expected 200 with the job."
        )
    ], transient


def _exhausted(finding: Finding, attempts: int) -> Finding:
    return Finding(
        rule="T1",
        operation=finding.operation,
        message=f"{finding.message} Gave up after {attempts} consecutive failed polls.",
        exchange=finding.exchange,
    )
