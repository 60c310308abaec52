"""What the run has seen of each job, judged again on every response (L1, L2, L3, L8, L9).

A rule checked in one test catches a regression only when it shows in that test. The job history
holds, per job, the request that started it and everything seen of it since, and judges every
response of the run that carries a job, whichever test or generated case caused it:

- every 202's `Location` names, on the target, the job its body holds (L1);
- every representation agrees with the request that started the job (L8) and with everything
  seen before: statuses only move forward and terminal ones stay (L2; L3 after a cancel),
  `progress.processed` never decreases, `createdAt` never changes (L2);
- a job id is never handed out twice (L9), and a job once seen never answers 404 (L2).

`JobTracker` (lifecycle.py) judges one poll loop in a test; the job history judges the whole run.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from prospecting_conformance.checks.lifecycle import JobTracker
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

__all__ = ["JobHistory", "JobRecord"]

START, GET, CANCEL = "startProspectingJob", "getProspectingJob", "cancelProspectingJob"
# How many past observations a finding quotes: enough to see the story, short to read.
HISTORY_SHOWN = 6


@dataclass
class JobRecord:
    """One job as the run has seen it so far; its tracker judges the state machine."""

    account_group_id: str
    job_id: str
    tracker: JobTracker
    created_at: str | None = None
    history: list[str] = field(default_factory=list)
    # Whether anything but the 202 has shown the job: a 404 before that is L1's, after L2's.
    resolved: bool = False

    @classmethod
    def new(cls, group: str, job_id: str, started_with: dict[str, str] | None = None) -> JobRecord:
        asked = started_with or {}
        tracker = JobTracker(
            job_id,
            expected_source=asked.get("source"),
            expected_saved_search_id=asked.get("savedSearchId"),
        )
        return cls(group, job_id, tracker)

    def story(self) -> str:
        shown = self.history[-HISTORY_SHOWN:]
        skipped = len(self.history) - len(shown)
        return "; ".join(([f"{skipped} earlier"] if skipped else []) + shown)


class JobHistory:
    """Every job a process has seen, keyed by (account group, job id); thread-safe."""

    def __init__(self, spec: Spec, base_url: str) -> None:
        self.spec = spec
        self.base_url = httpx.URL(base_url)
        self._jobs: dict[tuple[str, str], JobRecord] = {}
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def jobs(self) -> list[JobRecord]:
        """The jobs seen so far, in the order they were first seen."""
        with self._lock:
            return list(self._jobs.values())

    def judge(self, observed: Observed, account_group_id: str) -> list[Finding]:
        """The findings this response adds to what the run has seen of its job."""
        if observed.operation_id not in (START, GET, CANCEL):
            return []
        with self._lock:
            if observed.status == 404:
                return self._vanished(observed, account_group_id)
            job = _job(observed)
            if job is None:
                return []
            if observed.operation_id == START:
                return self._started_job(observed, account_group_id, job)
            return self._seen_again(observed, account_group_id, job)

    # -- one kind of response each --------------------------------------------------------------

    def _started_job(self, observed: Observed, group: str, job: dict[str, Any]) -> list[Finding]:
        job_id = job["id"]
        findings = self._location(observed, group, job_id)
        if job_id in self._started:
            findings.append(
                observed.finding(
                    "L9", f"Job id {job_id!r} was given to two jobs; expected a new id."
                )
            )
        self._started.add(job_id)
        record = JobRecord.new(group, job_id, _start_request(observed))
        self._jobs[(group, job_id)] = record
        return findings + self._judge(observed, record, job)

    def _seen_again(self, observed: Observed, group: str, job: dict[str, Any]) -> list[Finding]:
        asked = _path_job_id(observed)
        if asked is not None and asked != job["id"]:
            if (group, asked) not in self._jobs:
                # An id the run never saw answered with some job: L6's 404 was due.
                message = (
                    f"Asked for job {asked!r}, which this run never started or saw, and "
                    f"received job {job['id']!r}; expected 404 for an unknown job id."
                )
                return [observed.finding("L6", message)]
            return [
                observed.finding(
                    "L2", f"Asked for job {asked!r}, received job {job['id']!r}; expected the job."
                )
            ]
        record = self._jobs.get((group, job["id"])) or JobRecord.new(group, job["id"])
        self._jobs[(group, job["id"])] = record
        record.resolved = True
        return self._judge(observed, record, job)

    def _vanished(self, observed: Observed, group: str) -> list[Finding]:
        job_id = _path_job_id(observed) if observed.operation_id != START else None
        record = self._jobs.get((group, job_id)) if job_id is not None else None
        if record is None or not record.history:
            return []  # a job the run never saw: L6's 404, not a vanished one
        if not record.resolved:
            # Never reachable since its 202: the accepted job does not resolve (L1).
            rule, expected = "L1", "the job the 202 accepted to be there"
        else:
            rule, expected = "L2", "the job to stay (a job once seen is never forgotten)"
        finding = observed.finding(
            rule,
            f"Received 404 for job {job_id!r}, seen before as: {record.story()}; expected "
            f"{expected}.",
        )
        record.history.append(f"{observed.operation_id} -> 404")
        return [finding]

    # -- the rules ------------------------------------------------------------------------------

    def _location(self, observed: Observed, group: str, job_id: str) -> list[Finding]:
        location = observed.header("location")
        if not location:
            return []  # no Location at all: check_accepted_job's L1 and S2 say so
        expected = self.spec.operation(GET).url(
            str(self.base_url), accountGroupId=group, jobId=job_id
        )
        try:
            resolved = self.base_url.join(location)
        except httpx.InvalidURL:
            resolved = None
        if resolved is not None and _same_resource(resolved, httpx.URL(expected)):
            return []
        return [
            observed.finding(
                "L1",
                f"Received Location {location!r} for job {job_id!r}; expected it to name that "
                f"job on the target ({expected}).",
                provenance="inferred",  # the Location header is I5's, not the docs'
            )
        ]

    def _judge(self, observed: Observed, record: JobRecord, job: dict[str, Any]) -> list[Finding]:
        findings = record.tracker.follow(observed) + self._created_at(observed, record, job)
        record.history.append(_moment(observed, job))
        return findings

    @staticmethod
    def _created_at(observed: Observed, record: JobRecord, job: dict[str, Any]) -> list[Finding]:
        created = job.get("createdAt")
        if not isinstance(created, str):
            return []  # a missing or mistyped createdAt is S2's finding
        if record.created_at is None:
            record.created_at = created
            return []
        if _same_instant(created, record.created_at):
            return []
        return [
            observed.finding(
                "L2",
                f"Job {record.job_id!r} shows createdAt {created!r}, seen before as "
                f"{record.created_at!r} ({record.story()}); expected it never to change.",
            )
        ]


def _job(observed: Observed) -> dict[str, Any] | None:
    """The job a 2xx job response holds, when it has a string id."""
    job = observed.data
    return job if job is not None and isinstance(job.get("id"), str) and job["id"] else None


def _start_request(observed: Observed) -> dict[str, str]:
    """What the start request asked for: its source and savedSearchId (L8's expectations)."""
    try:
        body = json.loads(observed.exchange.request_body or "")
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    return {
        name: body[name] for name in ("source", "savedSearchId") if isinstance(body.get(name), str)
    }


def _path_job_id(observed: Observed) -> str | None:
    """The job id a get or cancel URL names."""
    segments = urlsplit(observed.url).path.rstrip("/").split("/")
    if observed.operation_id == CANCEL and segments[-1:] == ["cancel"]:
        segments = segments[:-1]
    return unquote(segments[-1]) if segments and segments[-1] else None


def _same_resource(left: httpx.URL, right: httpx.URL) -> bool:
    return (left.scheme, left.host, left.port, unquote(left.path)) == (
        right.scheme,
        right.host,
        right.port,
        unquote(right.path),
    )


def _same_instant(left: str, right: str) -> bool:
    """Two RFC 3339 timestamps name the same instant (a server may vary the offset it shows)."""
    try:
        return datetime.fromisoformat(left) == datetime.fromisoformat(right)
    except ValueError:
        return left == right


def _moment(observed: Observed, job: dict[str, Any]) -> str:
    progress = job.get("progress")
    processed = progress.get("processed") if isinstance(progress, dict) else None
    return (
        f"{observed.operation_id} -> {observed.status} {job.get('status')!r} "
        f"processed {processed} (traceId {observed.trace_id})"
    )
