"""The summary document, typed: what every report of a run is rendered from.

summary.py builds a `Summary` from the run's record; drafts, Markdown and HTML read it;
`to_dict` is `reports/summary.json` (its schema: reports/summary.schema.json), and
`from_dict` reads one back (the mutation matrix renders the reports of a run it started).
The sections only dashboards and the HTML template read (counts, coverage, links, ...) stay
the JSON they are written as.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.rails.usage import RequestUsage
from prospecting_conformance.rails.weather import Weather
from prospecting_conformance.reporting.baseline import BaselineEntry
from prospecting_conformance.reporting.latency import Latency
from prospecting_conformance.run.record import RecordedFinding

__all__ = ["SCHEMA_VERSION", "ReportedFinding", "Summary", "Target"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ReportedFinding:
    """A recorded finding as the run reports it: new, or known under a baseline's ticket."""

    recorded: RecordedFinding
    new: bool
    ticket: str | None = None

    @property
    def finding(self) -> Finding:
        return self.recorded.finding

    def to_dict(self) -> dict[str, Any]:
        return {**self.recorded.to_dict(), "new": self.new, "ticket": self.ticket}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportedFinding:
        return cls(RecordedFinding.from_dict(data), data["new"], data["ticket"])


@dataclass(frozen=True)
class Target:
    base_url: str
    embedded: bool
    faults: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"baseUrl": self.base_url, "embedded": self.embedded, "faults": list(self.faults)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        return cls(data["baseUrl"], data["embedded"], tuple(data["faults"]))


@dataclass(frozen=True)
class Summary:
    """The run's verdict and facts (field by field, summary.json in its own order)."""

    target: Target
    profile: str
    seed: int
    started_at: str
    finished_at: str
    command: str
    verdict: str
    exit_status: int
    reasons: list[str]
    tests: dict[str, int]
    failed_tests: list[dict[str, Any]]
    counts: dict[str, Any]
    coverage: dict[str, Any]
    generated_cases: dict[str, Any]
    links: dict[str, list[str]]
    findings: list[ReportedFinding]
    fixed: list[BaselineEntry]
    not_exercised: list[BaselineEntry]
    jobs_left_running: list[str]
    known_jobs_left_running: list[str]
    seconds_to_first_failure: float | None = None
    notes: list[str] = field(default_factory=list)
    weather: Weather = field(default_factory=Weather)
    expired: list[BaselineEntry] = field(default_factory=list)
    skipped_rules: list[str] = field(default_factory=list)
    latency: Latency = field(default_factory=Latency)
    requests: RequestUsage = field(default_factory=RequestUsage)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "target": self.target.to_dict(),
            "profile": self.profile,
            "seed": self.seed,
            "startedAt": self.started_at,
            "finishedAt": self.finished_at,
            "command": self.command,
            "verdict": self.verdict,
            "exitStatus": self.exit_status,
            "reasons": list(self.reasons),
            "tests": dict(self.tests),
            "failedTests": list(self.failed_tests),
            "counts": self.counts,
            "coverage": self.coverage,
            "generatedCases": self.generated_cases,
            "links": self.links,
            "findings": [finding.to_dict() for finding in self.findings],
            "fixed": [entry.to_dict() for entry in self.fixed],
            "notExercised": [entry.to_dict() for entry in self.not_exercised],
            "expired": [entry.to_dict() for entry in self.expired],
            "skippedRules": list(self.skipped_rules),
            "jobsLeftRunning": list(self.jobs_left_running),
            "knownJobsLeftRunning": list(self.known_jobs_left_running),
            "secondsToFirstFailure": self.seconds_to_first_failure,
            "notes": list(self.notes),
            "weather": self.weather.to_dict(),
            "latency": self.latency.to_dict(),
            "requests": self.requests.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Summary:
        return cls(
            target=Target.from_dict(data["target"]),
            profile=data["profile"],
            seed=data["seed"],
            started_at=data["startedAt"],
            finished_at=data["finishedAt"],
            command=data["command"],
            verdict=data["verdict"],
            exit_status=data["exitStatus"],
            reasons=list(data["reasons"]),
            tests=dict(data["tests"]),
            failed_tests=list(data["failedTests"]),
            counts=data["counts"],
            coverage=data["coverage"],
            generated_cases=data["generatedCases"],
            links=data["links"],
            findings=[ReportedFinding.from_dict(f) for f in data["findings"]],
            fixed=[BaselineEntry.from_dict(e) for e in data["fixed"]],
            not_exercised=[BaselineEntry.from_dict(e) for e in data["notExercised"]],
            jobs_left_running=list(data["jobsLeftRunning"]),
            known_jobs_left_running=list(data["knownJobsLeftRunning"]),
            seconds_to_first_failure=data["secondsToFirstFailure"],
            notes=list(data["notes"]),
            weather=Weather.from_dict(data["weather"]),
            expired=[BaselineEntry.from_dict(e) for e in data.get("expired", [])],
            skipped_rules=list(data.get("skippedRules", [])),
            latency=Latency.from_dict(data["latency"]),
            requests=RequestUsage.from_dict(data["requests"]),
        )
