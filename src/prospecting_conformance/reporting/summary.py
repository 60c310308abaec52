"""The run's verdict and facts as one document (`reports/summary.json`).

CI reads the verdict; dashboards read the counts and the coverage matrix; the HTML report and
the regression drafts are rendered from this same document, so every report tells one story.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from prospecting_conformance.core.rules import FAMILIES
from prospecting_conformance.rails.usage import RequestUsage
from prospecting_conformance.reporting.baseline import Baseline, BaselineEntry
from prospecting_conformance.reporting.document import ReportedFinding, Summary, Target
from prospecting_conformance.reporting.latency import Latency
from prospecting_conformance.run.record import RunRecord, TrackedJob
from prospecting_conformance.run.settle import UnsettledJob
from prospecting_conformance.run.verdict import Judgement, LeftJob, Outcome, judge
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec

__all__ = ["RunFacts", "build_summary"]


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
    outcomes: list[Outcome] = field(default_factory=list)
    jobs_left_running: list[UnsettledJob] = field(default_factory=list)
    # Why the run could not do all it had to (Recorder.mark_incomplete), and whether Ctrl-C
    # stopped it.
    incomplete: list[str] = field(default_factory=list)
    interrupted: bool = False
    seconds_to_first_failure: float | None = None
    # What the rails kept the run from doing, said once.
    notes: list[str] = field(default_factory=list)
    # Rules the run did not judge (--skip-rule).
    skipped_rules: tuple[str, ...] = ()
    latency: Latency = field(default_factory=Latency)
    # Requests sent, by layer, and the budget (the rails' ledger at the end of the run).
    requests: RequestUsage = field(default_factory=RequestUsage)


def build_summary(
    facts: RunFacts, record: RunRecord, spec: Spec, baseline: Baseline | None = None
) -> Summary:
    """The summary of a run whose processes' records were merged into `record`."""
    baseline = baseline or Baseline()
    findings = _reported(record, baseline)
    judgement = _judge(facts, findings, record.jobs)
    fixed, not_exercised = _unmatched(baseline, findings, facts, record)
    return Summary(
        target=Target(facts.base_url, facts.embedded, tuple(facts.faults)),
        profile=facts.profile,
        seed=facts.seed,
        started_at=facts.started_at,
        finished_at=facts.finished_at,
        command=facts.command,
        verdict=str(judgement.verdict),
        exit_status=judgement.exit_status,
        reasons=list(judgement.reasons),
        tests=dict(Counter(o.outcome for o in facts.outcomes)),
        failed_tests=_failed_tests(facts.outcomes, judgement),
        counts=_counts(findings, spec),
        coverage=_coverage(spec, record),
        generated_cases=_generated_cases(record),
        links=_links(spec, record),
        findings=findings,
        fixed=fixed,
        not_exercised=not_exercised,
        jobs_left_running=[str(job) for job in facts.jobs_left_running],
        known_jobs_left_running=list(judgement.known_jobs),
        seconds_to_first_failure=facts.seconds_to_first_failure,
        notes=list(facts.notes),
        weather=record.weather,
        expired=list(baseline.expired),
        skipped_rules=sorted(facts.skipped_rules),
        latency=facts.latency.since(baseline.latency),
        requests=facts.requests,
    )


def _reported(record: RunRecord, baseline: Baseline) -> list[ReportedFinding]:
    """The run's findings in the summary's order, each new or known to the baseline."""
    reported = []
    for entry in sorted(record.findings, key=lambda e: (e.key[0], e.key[1], e.key[2] or 0)):
        known = baseline.entry_for(entry.key)
        reported.append(ReportedFinding(entry, known is None, known.ticket if known else None))
    return reported


def _judge(
    facts: RunFacts, findings: Sequence[ReportedFinding], jobs: Mapping[str, TrackedJob]
) -> Judgement:
    return judge(
        [f.finding.key for f in findings if f.new],
        [f.finding.key for f in findings if not f.new],
        facts.outcomes,
        _left_jobs(facts.jobs_left_running, jobs),
        incomplete=facts.incomplete,
        interrupted=facts.interrupted,
    )


def _left_jobs(left: Sequence[UnsettledJob], jobs: Mapping[str, TrackedJob]) -> list[LeftJob]:
    """The jobs settle could not end, each with the test that started it."""
    return [
        LeftJob(str(job), _test_of(jobs.get(job.job_id)), cancel_ignored=job.cancel_ignored)
        for job in left
    ]


def _test_of(job: TrackedJob | None) -> str:
    return job.test if job is not None else ""


def _unmatched(
    baseline: Baseline, findings: Sequence[ReportedFinding], facts: RunFacts, record: RunRecord
) -> tuple[list[BaselineEntry], list[BaselineEntry]]:
    """The baseline entries no finding matched: (fixed, not exercised by this run). An entry
    for a rule the run did not judge was not exercised, whatever ran."""
    passed = {o.nodeid for o in facts.outcomes if o.outcome == "passed"}
    observed_operations = {op for op, counts in record.statuses.items() if counts}
    unmatched = baseline.unmatched(f.finding.key for f in findings)

    def exercised(entry: BaselineEntry) -> bool:
        judged = entry.rule not in facts.skipped_rules
        return judged and entry.exercised(passed, observed_operations)

    return (
        [e for e in unmatched if exercised(e)],
        [e for e in unmatched if not exercised(e)],
    )


def _failed_tests(outcomes: Iterable[Outcome], judgement: Judgement) -> list[dict[str, Any]]:
    return [
        {
            "nodeid": o.nodeid,
            "findings": [list(k) for k in o.finding_keys],
            "blocking": o.nodeid in judgement.blocking,
            "message": o.message,
        }
        for o in outcomes
        if o.outcome == "failed"
    ]


def _counts(findings: Sequence[ReportedFinding], spec: Spec) -> dict[str, dict[str, int]]:
    return {
        "byFamily": _count([f.finding.family for f in findings], sorted(set(FAMILIES.values()))),
        "byOperation": _count([f.finding.operation for f in findings], sorted(spec.operations)),
        "byRule": dict(sorted(Counter(f.finding.rule for f in findings).items())),
    }


def _count(values: Sequence[str], keys: list[str]) -> dict[str, int]:
    counts = Counter(values)
    return {key: counts.get(key, 0) for key in sorted(set(keys) | set(counts))}


def _coverage(spec: Spec, record: RunRecord) -> dict[str, Any]:
    """For each operation: the statuses the spec documents, those observed, and the rest."""
    coverage = {}
    for operation_id, operation in spec.operations.items():
        observed = record.statuses.get(operation_id, Counter())
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


def _generated_cases(record: RunRecord) -> dict[str, Any]:
    generated = record.generated_statuses
    return {
        "byOperation": {op: sum(counts.values()) for op, counts in sorted(generated.items())},
        "total": sum(sum(counts.values()) for counts in generated.values()),
    }


def _links(spec: Spec, record: RunRecord) -> dict[str, list[str]]:
    declared = spec_links(spec)
    return {"declared": sorted(declared), "covered": sorted(record.links_covered & declared)}
