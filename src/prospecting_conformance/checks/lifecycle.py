"""The job lifecycle (I6-I8): the state machine and its per-observation rules.

`JobTracker` judges successive observations of one job (L2, L3, L8). It is pure: it is given
responses, whoever sent them (the poller in run/poller.py, the run's job history, a test).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed

__all__ = [
    "LEGAL_TRANSITIONS",
    "OBSERVABLE_TRANSITIONS",
    "STATUSES",
    "TERMINAL",
    "JobTracker",
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

    def follow(self, observed: Observed) -> list[Finding]:
        """The lifecycle findings (L2, L3, L8) for one more observation of the job."""
        job = observed.data
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
