"""The run's verdict and facts as one JSON document (`reports/summary.json`).

CI reads the verdict; dashboards read the counts and the coverage matrix; the HTML report and
the regression drafts are rendered from this same document, so every report tells one story.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prospecting_conformance.checks.rules import FAMILIES
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.run.verdict import LeftJob, Outcome, judge
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec

__all__ = ["ItemOutcome", "RunFacts", "build_summary"]

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class ItemOutcome:
    nodeid: str
    outcome: str  # passed | failed | skipped
    finding_keys: tuple[tuple[str, str, int | None], ...] = ()
    message: str = ""


@dataclass
class RunFacts:
    base_url: str
    embedded: bool
    faults: tuple[str, ...]
    profile: str
    seed: int
    started_at: str
    finished_at: str
    command: str
    outcomes: list[ItemOutcome] = field(default_factory=list)
    jobs_left_running: list[str] = field(default_factory=list)
    # Why the run could not do all it had to (verdict.mark_incomplete), and whether Ctrl-C
    # stopped it.
    incomplete: list[str] = field(default_factory=list)
    interrupted: bool = False


def build_summary(
    facts: RunFacts, record: Mapping[str, Any], spec: Spec, baseline: Baseline | None = None
) -> dict[str, Any]:
    """The summary document; `record` is a merged recorder dump."""
    baseline = baseline or Baseline()
    findings = []
    for entry in sorted(
        record["findings"], key=lambda f: (f["rule"], f["operation"], f["status"] or 0)
    ):
        known = baseline.entry_for(entry)
        findings.append(
            {
                **entry,
                "new": known is None,
                "ticket": known.ticket if known else None,
            }
        )
    judgement = judge(
        findings,
        [Outcome(o.nodeid, o.outcome, o.finding_keys) for o in facts.outcomes],
        _left_jobs(facts.jobs_left_running, record["jobs"]),
        incomplete=facts.incomplete,
        interrupted=facts.interrupted,
    )
    failed = [o for o in facts.outcomes if o.outcome == "failed"]
    passed = {o.nodeid for o in facts.outcomes if o.outcome == "passed"}
    observed_operations = {op for op, counts in record["statuses"].items() if counts}
    unmatched = baseline.unmatched(findings)
    declared_links = spec_links(spec)
    covered = set(record["linksCovered"]) & declared_links
    return {
        "schemaVersion": SCHEMA_VERSION,
        "target": {
            "baseUrl": facts.base_url,
            "embedded": facts.embedded,
            "faults": list(facts.faults),
        },
        "profile": facts.profile,
        "seed": facts.seed,
        "startedAt": facts.started_at,
        "finishedAt": facts.finished_at,
        "command": facts.command,
        "verdict": str(judgement.verdict),
        "exitStatus": judgement.exit_status,
        "reasons": list(judgement.reasons),
        "tests": dict(Counter(o.outcome for o in facts.outcomes)),
        "failedTests": [
            {
                "nodeid": o.nodeid,
                "findings": [list(k) for k in o.finding_keys],
                "blocking": o.nodeid in judgement.blocking,
                "message": o.message,
            }
            for o in failed
        ],
        "counts": {
            "byFamily": _count(findings, "family", sorted(set(FAMILIES.values()))),
            "byOperation": _count(findings, "operation", sorted(spec.operations)),
            "byRule": dict(sorted(Counter(f["rule"] for f in findings).items())),
        },
        "coverage": _coverage(spec, record),
        "generatedCases": {
            "byOperation": {
                op: sum(counts.values())
                for op, counts in sorted(record["generatedStatuses"].items())
            },
            "total": sum(sum(c.values()) for c in record["generatedStatuses"].values()),
        },
        "links": {"declared": sorted(declared_links), "covered": sorted(covered)},
        "findings": findings,
        "fixed": [e.to_dict() for e in unmatched if e.exercised(passed, observed_operations)],
        "notExercised": [
            e.to_dict() for e in unmatched if not e.exercised(passed, observed_operations)
        ],
        "jobsLeftRunning": list(facts.jobs_left_running),
        "knownJobsLeftRunning": list(judgement.known_jobs),
    }


def _left_jobs(left: Sequence[str], jobs: Mapping[str, Mapping[str, Any]]) -> list[LeftJob]:
    """Settle's "<id> (<group>: <status>)" lines, with the test that started each job.

    A status other than "unknown" is the target's answer after settle cancelled the job.
    """
    return [
        LeftJob(
            line,
            str(jobs.get(line.split(" ", 1)[0], {}).get("test", "")),
            cancel_ignored=not line.endswith(": unknown)"),
        )
        for line in left
    ]


def _count(findings: Sequence[Mapping[str, Any]], field: str, keys: list[str]) -> dict[str, int]:
    counts = Counter(f[field] for f in findings)
    return {key: counts.get(key, 0) for key in sorted(set(keys) | set(counts))}


def _coverage(spec: Spec, record: Mapping[str, Any]) -> dict[str, Any]:
    """For each operation: the statuses the spec documents, those observed, and the rest."""
    coverage = {}
    for operation_id, operation in spec.operations.items():
        observed = {int(s): n for s, n in record["statuses"].get(operation_id, {}).items()}
        documented = sorted(operation.responses)
        coverage[operation_id] = {
            "method": operation.method.upper(),
            "path": operation.path,
            "documented": documented,
            "observed": dict(sorted((str(s), n) for s, n in observed.items())),
            "documentedObserved": [s for s in documented if s in observed],
            "undocumentedObserved": sorted(s for s in observed if s not in operation.responses),
        }
    return coverage
