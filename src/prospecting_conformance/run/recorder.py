"""What one test process saw during a run: findings, statuses, links, jobs.

Every response the suite receives (from its own client or from schemathesis) passes through
one recorder, so that the reports, the coverage matrix, the reachability gate and the final
"no job left running" check all read the same facts. Under pytest-xdist each worker keeps its
own recorder and hands its record (record.py) to the controller, which merges them (`merge`).

One entry point per thing recorded, each taking the lock once: a response
(`record_response`: its exchange, status, unique values and job), findings (`record`), a
link followed (`cover_link`), a reason the process is incomplete (`mark_incomplete`).
"""

from __future__ import annotations

import statistics
import threading
from collections import Counter, deque
from collections.abc import Iterable
from pathlib import Path

from prospecting_conformance.checks.lifecycle import TERMINAL
from prospecting_conformance.core.findings import Finding, FindingKey
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.weather import Weather
from prospecting_conformance.run.record import (
    RUN_UNIQUE,
    RecordedFinding,
    RunRecord,
    Sighting,
    TrackedJob,
)
from prospecting_conformance.run.replay import Seen, chain

# Exchanges kept for the current test: a generated test sends hundreds, a chain needs a few.
HISTORY = 400
# Answer times kept for `typical_answer_s`: enough for a median that one slow answer does not
# move, few enough to follow a target that slows down.
RECENT_ANSWERS = 64
# The operations whose answers carry a job the run must see end.
JOB_OPERATIONS = frozenset({"startProspectingJob", "getProspectingJob", "cancelProspectingJob"})

__all__ = ["Recorder", "merge"]


class Recorder:
    """Thread-safe store of one process's observations."""

    def __init__(self, weather: Weather | None = None) -> None:
        self._lock = threading.Lock()
        self.findings: dict[FindingKey, RecordedFinding] = {}
        self.statuses: dict[str, Counter[int]] = {}
        self.generated_statuses: dict[str, Counter[int]] = {}
        self.links_covered: set[str] = set()
        self.jobs: dict[str, TrackedJob] = {}
        # The ids in `jobs` not yet seen terminal, kept as statuses arrive: the run context
        # reads their number on every response, and a recount would grow with the run's jobs.
        self._open_job_ids: set[str] = set()
        # What must be unique across the run, by kind: value -> where it was first received.
        # Each process judges its own; the controller compares the workers' (merge).
        self.seen: dict[str, dict[str, Sighting]] = {kind: {} for kind in RUN_UNIQUE}
        # The target's weather, as this process's rails count it (the very same value).
        self.weather = weather if weather is not None else Weather()
        self._current_test = ""
        # The current test's exchanges, from which a finding's steps are cut.
        self._history: deque[Seen] = deque(maxlen=HISTORY)
        # Why this process could not do all it had to (mark_incomplete).
        self.incomplete: list[str] = []
        self._answer_times: deque[float] = deque(maxlen=RECENT_ANSWERS)

    @property
    def current_test(self) -> str:
        return self._current_test

    @current_test.setter
    def current_test(self, nodeid: str) -> None:
        with self._lock:
            if nodeid != self._current_test:
                self._history.clear()
            self._current_test = nodeid

    def record_response(
        self, observed: Observed, account_group_id: str, *, at: float, generated: bool = False
    ) -> None:
        """One response the process received (at clock reading `at`): kept in the current
        test's history (a later finding's steps), its status counted (also as a generated
        case's), where its run-unique values were first seen (RUN_UNIQUE: its traceId, a
        started job's id), and the job it carries, with its latest status.

        The test that first saw a job is kept: a job left running by a test whose findings
        are all known issues is part of those issues (verdict.judge).
        """
        operation_id, status = observed.operation_id, observed.status
        where = Sighting(operation_id, status, self._current_test, observed.trace_id)
        job = observed.data if operation_id in JOB_OPERATIONS else None
        job_id = job.get("id") if job is not None else None
        with self._lock:
            self._history.append(Seen(at, operation_id, observed.exchange))
            if observed.elapsed_s is not None:
                self._answer_times.append(observed.elapsed_s)
            self.statuses.setdefault(operation_id, Counter())[status] += 1
            if generated:
                self.generated_statuses.setdefault(operation_id, Counter())[status] += 1
            if observed.trace_id:
                self.seen["traceIds"].setdefault(observed.trace_id, where)
            if not isinstance(job_id, str):
                return
            if operation_id == "startProspectingJob":
                self.seen["startedJobIds"].setdefault(job_id, where)
            tracked = self.jobs.setdefault(job_id, TrackedJob(account_group_id, self._current_test))
            job_status = job.get("status") if job is not None else None
            if isinstance(job_status, str):
                tracked.status = job_status
            if tracked.status in TERMINAL:
                self._open_job_ids.discard(job_id)
            else:
                self._open_job_ids.add(job_id)

    def typical_answer_s(self) -> float | None:
        """The median time of the process's recent answers, or None before any."""
        with self._lock:
            times = list(self._answer_times)
        return statistics.median(times) if times else None

    @property
    def open_jobs(self) -> int:
        """How many of the jobs this process saw it has not seen end (what settle will need)."""
        with self._lock:
            return len(self._open_job_ids)

    def record(self, findings: Iterable[Finding]) -> None:
        with self._lock:
            for finding in findings:
                entry = self.findings.get(finding.key)
                if entry is None:
                    entry = self.findings[finding.key] = RecordedFinding(finding)
                    if finding.exchange is not None:
                        entry.steps = chain(list(self._history), finding.exchange)
                entry.count += 1
                if self.current_test:
                    entry.tests.add(self.current_test)

    def mark_incomplete(self, reason: str) -> None:
        """This process could not do all the run had to (budget spent, a phase lost).

        The verdict is then at best INCOMPLETE (exit 75): a new finding still makes it FAIL and
        Ctrl-C still makes it INTERRUPTED. The reason travels to the controller in the record,
        where `merge` keeps each reason once.
        """
        with self._lock:
            if reason not in self.incomplete:
                self.incomplete.append(reason)

    def keys_for_test(self, nodeid: str) -> list[FindingKey]:
        """The distinct findings recorded while `nodeid` ran."""
        with self._lock:
            return [key for key, entry in self.findings.items() if nodeid in entry.tests]

    def cover_link(self, link: str) -> None:
        with self._lock:
            self.links_covered.add(link)

    def snapshot(self) -> RunRecord:
        """What this process recorded so far, as a record of its own (later calls do not
        change it)."""
        with self._lock:
            return RunRecord(
                findings=[
                    RecordedFinding(e.finding, e.count, set(e.tests), list(e.steps))
                    for e in self.findings.values()
                ],
                statuses={op: Counter(c) for op, c in self.statuses.items()},
                generated_statuses={op: Counter(c) for op, c in self.generated_statuses.items()},
                links_covered=set(self.links_covered),
                jobs={
                    job_id: TrackedJob(job.account_group_id, job.test, job.status)
                    for job_id, job in self.jobs.items()
                },
                weather=Weather(Counter(self.weather.retried), Counter(self.weather.persisted)),
                incomplete=list(self.incomplete),
                seen={kind: dict(values) for kind, values in self.seen.items()},
            )

    def dump(self, path: Path) -> None:
        """Hand this process's record to the controller (pytest-xdist: as a file)."""
        self.snapshot().dump(path)


def merge(parts: Iterable[RunRecord]) -> RunRecord:
    """Combine the records of several processes into the run's.

    Each process judged E4 on its own traceIds; a traceId two processes both received is
    judged here, so that uniqueness holds across the whole run (xdist workers included).
    """
    parts = list(parts)
    merged = RunRecord(seen={kind: {} for kind in RUN_UNIQUE})
    shared = [entry for kind in RUN_UNIQUE for entry in _shared(parts, kind)]
    findings: dict[FindingKey, RecordedFinding] = {}
    for entry in [e for part in parts for e in part.findings] + shared:
        if entry.key in findings:
            findings[entry.key].add(entry)
        else:
            findings[entry.key] = RecordedFinding(
                entry.finding, entry.count, set(entry.tests), list(entry.steps)
            )
    merged.findings = list(findings.values())
    for part in parts:
        _merge_counts(merged.statuses, part.statuses)
        _merge_counts(merged.generated_statuses, part.generated_statuses)
        merged.links_covered |= part.links_covered
        for job_id, job in part.jobs.items():
            _merge_job(merged.jobs, job_id, job)
        merged.incomplete += [r for r in part.incomplete if r not in merged.incomplete]
        merged.weather.add(part.weather)
    return merged


def _merge_counts(into: dict[str, Counter[int]], counts: dict[str, Counter[int]]) -> None:
    for operation, statuses in counts.items():
        into.setdefault(operation, Counter()).update(statuses)


def _merge_job(jobs: dict[str, TrackedJob], job_id: str, job: TrackedJob) -> None:
    """The first process to see a job keeps it (and its test); later ones update it."""
    known = jobs.get(job_id)
    if known is None:
        jobs[job_id] = TrackedJob(job.account_group_id, job.test, job.status)
        return
    known.account_group_id = job.account_group_id
    if job.status is not None:
        known.status = job.status


def _shared(parts: list[RunRecord], kind: str) -> list[RecordedFinding]:
    """Findings for values of `kind` that more than one process saw."""
    rule, what, expected = RUN_UNIQUE[kind]
    first_seen: dict[str, tuple[int, Sighting]] = {}
    found: dict[FindingKey, RecordedFinding] = {}
    for index, part in enumerate(parts):
        for value, where in part.seen.get(kind, {}).items():
            earlier_index, earlier = first_seen.setdefault(value, (index, where))
            if earlier_index == index:
                continue
            finding = Finding(
                rule=rule,
                operation=where.operation,
                message=(
                    f"Received {what} {value!r} in another test process too, already "
                    f"returned by {earlier.operation} -> {earlier.status} "
                    f"(in {earlier.test or 'no test'}); expected {expected} across the run."
                ),
                status=where.status,
                trace_id=where.trace_id,
            )
            entry = found.setdefault(finding.key, RecordedFinding(finding))
            entry.count += 1
            entry.tests |= {t for t in (where.test, earlier.test) if t}
    return list(found.values())
