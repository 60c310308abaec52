"""What one test process saw during a run: findings, statuses, links, jobs.

Every response the suite receives (from its own client or from schemathesis) passes through
one recorder, so that the reports, the coverage matrix, the reachability gate and the final
"no job left running" check all read the same facts. Under pytest-xdist each worker keeps its
own recorder and writes it out at the end; the controller merges them (`merge`).
"""

from __future__ import annotations

import json
import threading
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.run.replay import Seen, chain

# Exchanges kept for the current test: a generated test sends hundreds, a chain needs a few.
HISTORY = 400

__all__ = ["RUN_UNIQUE", "RecordedFinding", "Recorder", "merge"]

# Values that must never repeat in a run, whichever process received them: kind (the dump's
# key) -> (rule, what the value is, what the rule expects).
RUN_UNIQUE: dict[str, tuple[str, str, str]] = {
    "traceIds": ("E4", "traceId", "a traceId unique to each request"),
    "startedJobIds": ("L9", "job id", "a new id for every job started"),
}


@dataclass
class RecordedFinding:
    """A distinct finding (by rule, operation, status) with how often and where it was seen."""

    finding: Finding
    count: int = 0
    tests: set[str] = field(default_factory=set)
    # The exchanges that led to the first occurrence (replay.chain), for the draft's script.
    steps: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.finding.to_dict(),
            "count": self.count,
            "tests": sorted(self.tests),
            "steps": self.steps,
        }


class Recorder:
    """Thread-safe store of one process's observations."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.findings: dict[tuple[str, str, int | None], RecordedFinding] = {}
        self.statuses: dict[str, Counter[int]] = {}
        self.generated_statuses: dict[str, Counter[int]] = {}
        self.links_covered: set[str] = set()
        self.jobs: dict[str, dict[str, Any]] = {}
        # What must be unique across the run, by kind: value -> [operation, status, test,
        # traceId]. Each process judges its own; the controller compares the workers' (merge).
        self.seen: dict[str, dict[str, list[Any]]] = {kind: {} for kind in RUN_UNIQUE}
        # The target's weather as the rails counted it ("operation status" -> responses).
        self.weather: dict[str, Counter[str]] = {"retried": Counter(), "persisted": Counter()}
        self._current_test = ""
        # The current test's exchanges, from which a finding's steps are cut.
        self._history: deque[Seen] = deque(maxlen=HISTORY)
        # Why this process could not do all it had to (see verdict.mark_incomplete).
        self.incomplete: list[str] = []

    @property
    def current_test(self) -> str:
        return self._current_test

    @current_test.setter
    def current_test(self, nodeid: str) -> None:
        with self._lock:
            if nodeid != self._current_test:
                self._history.clear()
            self._current_test = nodeid

    def remember(self, operation_id: str, exchange: Exchange, at: float) -> None:
        """Keep one exchange of the current test (a later finding may need its history)."""
        with self._lock:
            self._history.append(Seen(at, operation_id, exchange))

    def observe(self, operation_id: str, status: int, *, generated: bool = False) -> None:
        with self._lock:
            self.statuses.setdefault(operation_id, Counter())[status] += 1
            if generated:
                self.generated_statuses.setdefault(operation_id, Counter())[status] += 1

    def saw(
        self, kind: str, value: str, operation_id: str, status: int, trace_id: str | None
    ) -> None:
        """Remember where a value that must be unique across the run (RUN_UNIQUE) was seen."""
        with self._lock:
            where = [operation_id, status, self.current_test, trace_id]
            self.seen[kind].setdefault(value, where)

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

    def keys_for_test(self, nodeid: str) -> list[tuple[str, str, int | None]]:
        """The distinct findings recorded while `nodeid` ran."""
        with self._lock:
            return [key for key, entry in self.findings.items() if nodeid in entry.tests]

    def cover_link(self, link: str) -> None:
        with self._lock:
            self.links_covered.add(link)

    def track_job(self, job_id: str, account_group_id: str, status: str | None) -> None:
        """Remember a job the run started (or saw), with its latest status.

        The test that first saw it is kept: a job left running by a test whose findings are
        all known issues is part of those issues (verdict.judge).
        """
        with self._lock:
            job = self.jobs.setdefault(
                job_id, {"accountGroupId": account_group_id, "test": self.current_test}
            )
            if status is not None:
                job["status"] = status

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "findings": [entry.to_dict() for entry in self.findings.values()],
                "statuses": {op: dict(c) for op, c in self.statuses.items()},
                "generatedStatuses": {op: dict(c) for op, c in self.generated_statuses.items()},
                "linksCovered": sorted(self.links_covered),
                "jobs": dict(self.jobs),
                "weather": {kind: dict(counts) for kind, counts in self.weather.items()},
                "incomplete": list(self.incomplete),
                **{kind: dict(values) for kind, values in self.seen.items()},
            }

    def dump(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True), encoding="utf-8")


def merge(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Combine the dumps of several processes into one (same shape as `Recorder.to_dict`).

    Each process judged E4 on its own traceIds; a traceId two processes both received is
    judged here, so that uniqueness holds across the whole run (xdist workers included).
    """
    findings: dict[tuple[str, str, Any], dict[str, Any]] = {}
    statuses: dict[str, Counter[int]] = {}
    generated: dict[str, Counter[int]] = {}
    links: set[str] = set()
    jobs: dict[str, dict[str, Any]] = {}
    weather: dict[str, Counter[str]] = {"retried": Counter(), "persisted": Counter()}
    incomplete: list[str] = []
    parts = list(parts)
    shared = [entry for kind in RUN_UNIQUE for entry in _shared(parts, kind)]
    for entry in [e for part in parts for e in part["findings"]] + shared:
        key = (entry["rule"], entry["operation"], entry["status"])
        if key in findings:
            findings[key]["count"] += entry["count"]
            findings[key]["tests"] = sorted(set(findings[key]["tests"]) | set(entry["tests"]))
        else:
            findings[key] = dict(entry)
    for part in parts:
        for target, source in (
            (statuses, part["statuses"]),
            (generated, part["generatedStatuses"]),
        ):
            for op, counts in source.items():
                target.setdefault(op, Counter()).update({int(s): n for s, n in counts.items()})
        links |= set(part["linksCovered"])
        for job_id, job in part["jobs"].items():
            # The first process to see a job keeps it (and its test); later ones update it.
            jobs.setdefault(job_id, dict(job)).update({k: v for k, v in job.items() if k != "test"})
        incomplete += [r for r in part.get("incomplete", []) if r not in incomplete]
        for kind, counts in part.get("weather", {}).items():
            weather[kind].update(counts)
    return {
        "findings": list(findings.values()),
        "statuses": {op: dict(c) for op, c in statuses.items()},
        "generatedStatuses": {op: dict(c) for op, c in generated.items()},
        "linksCovered": sorted(links),
        "jobs": jobs,
        "weather": {kind: dict(counts) for kind, counts in weather.items()},
        "incomplete": incomplete,
    }


def _shared(parts: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """Findings (as dumped entries) for values of `kind` that more than one process saw."""
    rule, what, expected = RUN_UNIQUE[kind]
    first_seen: dict[str, tuple[int, list[Any]]] = {}
    found: dict[tuple[str, str, int | None], dict[str, Any]] = {}
    for index, part in enumerate(parts):
        for value, (operation, status, test, trace_id) in part.get(kind, {}).items():
            earlier = first_seen.setdefault(value, (index, [operation, status, test, trace_id]))
            if earlier[0] == index:
                continue
            seen_op, seen_status, seen_test, _ = earlier[1]
            finding = Finding(
                rule=rule,
                operation=operation,
                message=(
                    f"Received {what} {value!r} in another test process too, already "
                    f"returned by {seen_op} -> {seen_status} (in {seen_test or 'no test'}); "
                    f"expected {expected} across the run."
                ),
                status=status,
                trace_id=trace_id,
            )
            entry = found.setdefault(finding.key, {**finding.to_dict(), "count": 0, "tests": []})
            entry["count"] += 1
            entry["tests"] = sorted({*entry["tests"], *(t for t in (test, seen_test) if t)})
    return list(found.values())
