"""The job lifecycle (I6-I8): the state machine, its per-observation rules, and the poller.

`JobTracker` judges successive observations of one job (L2, L3, L8); `wait_for_terminal_status`
polls a job until it ends or a deadline passes, checking every response with `check_response`
and the tracker. The poller waits only through the client's injectable clock and sleep, and
lets the client honour `Retry-After`, so unit tests script a whole lifecycle in milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prospecting_conformance.checks.envelope import TraceIds
from prospecting_conformance.checks.schema import check_response
from prospecting_conformance.client.api import ProspectingClient, TransportFailure
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = [
    "LEGAL_TRANSITIONS",
    "OBSERVABLE_TRANSITIONS",
    "STATUSES",
    "TERMINAL",
    "TRANSIENT_STATUSES",
    "JobTracker",
    "PollOutcome",
    "wait_for_terminal_status",
]

# I7, one step at a time: queued -> running -> completed | failed; queued | running -> cancelled.
LEGAL_TRANSITIONS: Mapping[str, frozenset[str]] = {
    "queued": frozenset({"running", "cancelled"}),
    "running": frozenset({"completed", "failed", "cancelled"}),
    "completed": frozenset(),
    "failed": frozenset(),
    "cancelled": frozenset(),
}
STATUSES = frozenset(LEGAL_TRANSITIONS)
TERMINAL = frozenset(s for s, successors in LEGAL_TRANSITIONS.items() if not successors)


def _reachable(status: str) -> frozenset[str]:
    seen = {status}
    frontier = [status]
    while frontier:
        for successor in LEGAL_TRANSITIONS[frontier.pop()]:
            if successor not in seen:
                seen.add(successor)
                frontier.append(successor)
    return frozenset(seen)


# What two successive polls may show: a poll can miss intermediate states (queued, then
# completed, when the job ran between two polls) and a status may stay as it was.
OBSERVABLE_TRANSITIONS: Mapping[str, frozenset[str]] = {s: _reachable(s) for s in STATUSES}

# Answers worth another poll: the upstream or a proxy hiccupped (D3's 502; 503 from gateways).
# What a healthy API answers now and then (D3 documents 500 and 502; 503 comes from gateways):
# polled again, up to the poller's retries, before it counts against the API.
TRANSIENT_STATUSES = frozenset({500, 502, 503})


def _job(observed: Observed) -> dict[str, Any] | None:
    """The job in a 2xx job envelope, else None (not a job observation)."""
    body = observed.body
    if not 200 <= observed.status <= 299 or body is None:
        return None
    data = body.get("data")
    return data if isinstance(data, dict) else None


class JobTracker:
    """Successive observations of one job, judged against the state machine.

    Give it every 2xx response that carries the job (start, get, cancel); other responses are
    not job observations and are ignored. `expected_source` and `expected_saved_search_id`
    turn on L8 (the job records what it was started with).
    """

    def __init__(
        self,
        job_id: str | None = None,
        *,
        expected_source: str | None = None,
        expected_saved_search_id: str | None = None,
    ) -> None:
        self.job_id = job_id
        self.expected_source = expected_source
        self.expected_saved_search_id = expected_saved_search_id
        self.statuses: list[str] = []
        self._processed: int | None = None

    @property
    def status(self) -> str | None:
        """The last legal status observed."""
        return self.statuses[-1] if self.statuses else None

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def observe(self, observed: Observed) -> list[Finding]:
        """The lifecycle findings (L2, L3, L8) for one more observation of the job."""
        job = _job(observed)
        if job is None:
            return []
        previous = self.status
        findings = self._check_identity(observed, job)
        status = job.get("status")
        if isinstance(status, str) and status in STATUSES:
            findings += self._check_transition(observed, previous, status)
            findings += self._check_outcome(observed, job, status)
            self.statuses.append(status)
        else:
            findings.append(
                observed.finding(
                    "L2",
                    f"Received status {status!r}; expected one of {', '.join(sorted(STATUSES))}.",
                )
            )
        findings += self._check_progress(observed, job, previous)
        findings += self._check_recorded(observed, job)
        return findings

    def _check_identity(self, observed: Observed, job: dict[str, Any]) -> list[Finding]:
        job_id = job.get("id")
        if self.job_id is None and isinstance(job_id, str):
            self.job_id = job_id
        if job_id == self.job_id:
            return []
        return [
            observed.finding(
                "L2", f"Received job id {job_id!r}; expected {self.job_id!r}, the job polled."
            )
        ]

    @staticmethod
    def _check_transition(observed: Observed, previous: str | None, status: str) -> list[Finding]:
        if previous is None or status in OBSERVABLE_TRANSITIONS[previous]:
            return []
        if observed.operation_id == "cancelProspectingJob" and previous in ("completed", "failed"):
            # The cancel itself moved a finished job: L5 says it must refuse and change nothing.
            return [
                observed.finding(
                    "L5",
                    f"Cancelling a {previous} job answered {observed.status} with status "
                    f"{status!r}; expected 409 and the job unchanged.",
                )
            ]
        if previous in TERMINAL:
            expected = f"{previous!r} to stay: a terminal status never changes"
        else:
            expected = f"one of {', '.join(sorted(OBSERVABLE_TRANSITIONS[previous]))}"
        return [
            observed.finding(
                "L2", f"Received status {status!r} after {previous!r}; expected {expected}."
            )
        ]

    @staticmethod
    def _check_outcome(observed: Observed, job: dict[str, Any], status: str) -> list[Finding]:
        result, error = job.get("result"), job.get("error")
        problems = []
        if status == "completed" and result is None:
            problems.append("a completed job with result null; expected its result")
        if status != "completed" and result is not None:
            problems.append(f"a {status} job with a result; expected result null until completed")
        if status == "failed" and error is None:
            problems.append("a failed job with error null; expected the error")
        if status != "failed" and error is not None:
            problems.append(f"a {status} job with an error; expected error null unless failed")
        return [observed.finding("L2", f"Received {problem}.") for problem in problems]

    def _check_progress(
        self, observed: Observed, job: dict[str, Any], previous: str | None
    ) -> list[Finding]:
        progress = job.get("progress")
        processed = progress.get("processed") if isinstance(progress, dict) else None
        if not isinstance(processed, int) or isinstance(processed, bool):
            return []  # a malformed progress is S2's finding
        before = self._processed
        self._processed = processed if before is None else max(before, processed)
        if before is None or processed == before:
            return []
        if processed < before:
            return [
                observed.finding(
                    "L2",
                    f"Received progress.processed {processed} after {before}; expected it "
                    "never to decrease.",
                )
            ]
        if previous == "cancelled":
            return [
                observed.finding(
                    "L3",
                    f"Received progress.processed {processed} after {before} on a cancelled "
                    "job; expected no more progress once cancelled.",
                )
            ]
        return []

    def _check_recorded(self, observed: Observed, job: dict[str, Any]) -> list[Finding]:
        return [
            observed.finding(
                "L8", f"Received {name} {job.get(name)!r}; expected {expected!r}, as started."
            )
            for name, expected in (
                ("source", self.expected_source),
                ("savedSearchId", self.expected_saved_search_id),
            )
            if expected is not None and job.get(name) != expected
        ]


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
    client holds the next request until its Retry-After has passed. Up to
    `max_transient_retries` consecutive 500/502/503 answers or transport errors are retried;
    one more ends the poll with S3 (a 500) or T1. A 404 ends it with L2 (see below), and a
    job still running at the deadline with L2.
    """
    tracker = tracker or JobTracker(job_id)
    deadline = deadline_s if deadline_s is not None else client.config.job_timeout
    start = client.clock()
    outcome = PollOutcome(job_id=job_id)
    transient = 0
    last: Observed | None = None
    while True:
        rate_limited = False
        try:
            # The poller keeps its own retry policy (a poll is repeated anyway): the rails'
            # weather retries would multiply it.
            observed = (
                client.get_url(url, retry_on=frozenset())
                if url
                else client.get_job(job_id, retry_on=frozenset())
            )
        except TransportFailure as failure:
            transient += 1
            if transient > max_transient_retries:
                outcome.findings.append(_exhausted(failure.finding, transient))
                break
        else:
            last = observed
            rate_limited = observed.status == 429
            outcome.observations.append(observed)
            outcome.findings += check_response(observed, client.spec, trace_ids)
            outcome.findings += tracker.observe(observed)
            outcome.status = tracker.status
            stop, transient = _judge(observed, tracker, transient, max_transient_retries)
            if rate_limited or observed.status in TRANSIENT_STATUSES:
                # The poller's retries are the target's weather too, counted with the rails'.
                client.rails.weather.note(observed.operation_id, observed.status, retried=not stop)
            if stop is not None:
                outcome.findings += stop
                break
            if tracker.terminal:
                break
        now = client.clock()
        if now - start >= deadline or client.ready_at - start > deadline:
            outcome.findings.append(_timed_out(job_id, last, tracker, deadline, outcome))
            break
        if not rate_limited:
            # After a 429 the client itself waits out Retry-After; no extra poll interval.
            client.sleep(min(poll_interval_s, start + deadline - now))
    outcome.elapsed_s = client.clock() - start
    return outcome


def _judge(
    observed: Observed, tracker: JobTracker, transient: int, max_retries: int
) -> tuple[list[Finding] | None, int]:
    """What one poll answer means: stop with these findings, or go on (and the retry count)."""
    status = observed.status
    if 200 <= status <= 299 or status == 429:
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


def _timed_out(
    job_id: str,
    last: Observed | None,
    tracker: JobTracker,
    deadline: float,
    outcome: PollOutcome,
) -> Finding:
    message = (
        f"Received status {tracker.status!r} for job {job_id!r} after {deadline:g} s and "
        f"{len(outcome.observations)} polls; expected a terminal status "
        f"({', '.join(sorted(TERMINAL))}) within the deadline."
    )
    if last is None:
        return Finding(rule="L2", operation="getProspectingJob", message=message)
    return last.finding("L2", message)
