"""The run record: what a process recorded, typed, and how it crosses to the controller.

A recorder (recorder.py) fills one while its process runs. Under pytest-xdist a worker hands
its record to the controller as JSON (`to_dict`, `load`), the controller merges them
(recorder.merge) into the run's record, and the summary and every report are built from
that. JSON is the hand-off's format only: on either side the record is these types.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prospecting_conformance.core.findings import Finding, FindingKey
from prospecting_conformance.rails.weather import Weather
from prospecting_conformance.run.replay import Step

__all__ = ["RUN_UNIQUE", "RecordedFinding", "RunRecord", "Sighting", "TrackedJob"]

# Values that must never repeat in a run, whichever process received them: kind (the dump's
# key) -> (rule, what the value is, what the rule expects).
RUN_UNIQUE: dict[str, tuple[str, str, str]] = {
    "traceIds": ("E4", "traceId", "a traceId unique to each request"),
    "startedJobIds": ("L9", "job id", "a new id for every job started"),
}


@dataclass
class RecordedFinding:
    """A distinct finding (by its key) with how often and where it was seen."""

    finding: Finding
    count: int = 0
    tests: set[str] = field(default_factory=set)
    # The exchanges that led to the first occurrence (replay.chain), for the draft's script.
    steps: list[Step] = field(default_factory=list)

    @property
    def key(self) -> FindingKey:
        return self.finding.key

    def add(self, other: RecordedFinding) -> None:
        """Count `other`, the same finding seen elsewhere, into this one."""
        self.count += other.count
        self.tests |= other.tests

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.finding.to_dict(),
            "count": self.count,
            "tests": sorted(self.tests),
            "steps": [step.to_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RecordedFinding:
        return cls(
            Finding.from_dict(data),
            data["count"],
            set(data["tests"]),
            [Step.from_dict(step) for step in data.get("steps", ())],
        )


@dataclass
class TrackedJob:
    """A job the run started or saw, with the test that first saw it and its latest status."""

    account_group_id: str
    test: str = ""
    status: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"accountGroupId": self.account_group_id, "test": self.test}
        if self.status is not None:
            data["status"] = self.status
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrackedJob:
        return cls(data["accountGroupId"], data.get("test", ""), data.get("status"))


@dataclass(frozen=True)
class Sighting:
    """Where a value that must be unique across the run (RUN_UNIQUE) was first received."""

    operation: str
    status: int
    test: str
    trace_id: str | None

    def to_list(self) -> list[Any]:
        return [self.operation, self.status, self.test, self.trace_id]


@dataclass
class RunRecord:
    """Everything one process (or, merged, the whole run) recorded."""

    findings: list[RecordedFinding] = field(default_factory=list)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    generated_statuses: dict[str, Counter[int]] = field(default_factory=dict)
    links_covered: set[str] = field(default_factory=set)
    jobs: dict[str, TrackedJob] = field(default_factory=dict)
    # The target's weather as the rails counted it.
    weather: Weather = field(default_factory=Weather)
    # Why the process could not do all it had to (Recorder.mark_incomplete).
    incomplete: list[str] = field(default_factory=list)
    # By RUN_UNIQUE kind: value -> where it was first received. Each process judges its own;
    # merging compares the processes' (recorder.merge).
    seen: dict[str, dict[str, Sighting]] = field(
        default_factory=lambda: {kind: {} for kind in RUN_UNIQUE}
    )

    def to_dict(self) -> dict[str, Any]:
        """The worker's hand-off to the controller, as JSON."""
        return {
            "findings": [entry.to_dict() for entry in self.findings],
            "statuses": _counts_to_dict(self.statuses),
            "generatedStatuses": _counts_to_dict(self.generated_statuses),
            "linksCovered": sorted(self.links_covered),
            "jobs": {job_id: job.to_dict() for job_id, job in self.jobs.items()},
            "weather": self.weather.to_dict(),
            "incomplete": list(self.incomplete),
            **{
                kind: {value: where.to_list() for value, where in values.items()}
                for kind, values in self.seen.items()
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunRecord:
        return cls(
            findings=[RecordedFinding.from_dict(entry) for entry in data["findings"]],
            statuses=_counts_from_dict(data["statuses"]),
            generated_statuses=_counts_from_dict(data["generatedStatuses"]),
            links_covered=set(data["linksCovered"]),
            jobs={job_id: TrackedJob.from_dict(job) for job_id, job in data["jobs"].items()},
            weather=Weather.from_dict(data["weather"]),
            incomplete=list(data["incomplete"]),
            seen={
                kind: {value: Sighting(*where) for value, where in data[kind].items()}
                for kind in RUN_UNIQUE
            },
        )

    def dump(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> RunRecord:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))


def _counts_to_dict(counts: Mapping[str, Counter[int]]) -> dict[str, dict[int, int]]:
    return {operation: dict(statuses) for operation, statuses in counts.items()}


def _counts_from_dict(data: Mapping[str, Mapping[str, int]]) -> dict[str, Counter[int]]:
    """JSON keys are strings; a status is a number again once read."""
    return {
        operation: Counter({int(status): n for status, n in statuses.items()})
        for operation, statuses in data.items()
    }
