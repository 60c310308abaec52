"""The run's verdict, computed from facts in one place, and the exit status that carries it.

CI and release managers bet on one word and one number. Both are decided here, from what
the run established (the findings with the baseline applied, the tests' outcomes, the jobs
settle could not end, whether the run was interrupted or left incomplete), never from
pytest's own exit status, which knows nothing of baselines or of jobs.

    INTERRUPTED  130  Ctrl-C: the jobs were settled and the reports written, but never PASS
    FAIL           1  a new finding, a test that failed without one, or a job left running
    INCOMPLETE    75  nothing new failed, but the run could not do all it had to
    PASS           0  everything the run exercised held, known issues aside

The other exit statuses stop a run before it judges anything: 78 misconfigured, 69 target
down (`preflight.py`). Code that runs in a test process marks the run incomplete on its
recorder (`Recorder.mark_incomplete`): the reason travels in the process's record to the
controller, where the records are merged, and into the summary.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from prospecting_conformance.core.findings import FindingKey

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INTERRUPTED",
    "EXIT_MISCONFIGURED",
    "EXIT_TARGET_DOWN",
    "Judgement",
    "LeftJob",
    "Outcome",
    "Verdict",
    "judge",
]

# Before any judging, preflight.py stops a run with one of these (sysexits.h EX_CONFIG and
# EX_UNAVAILABLE; pytest itself uses 0-5).
EXIT_MISCONFIGURED = 78
EXIT_TARGET_DOWN = 69
# sysexits.h EX_TEMPFAIL: "try again later" is what an incomplete run asks of CI.
EXIT_INCOMPLETE = 75
# 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


class Verdict(enum.StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCOMPLETE = "incomplete"
    INTERRUPTED = "interrupted"

    @property
    def exit_status(self) -> int:
        return _EXIT_STATUS[self]


_EXIT_STATUS = {
    Verdict.PASS: 0,
    Verdict.FAIL: 1,
    Verdict.INCOMPLETE: EXIT_INCOMPLETE,
    Verdict.INTERRUPTED: EXIT_INTERRUPTED,
}


@dataclass(frozen=True)
class Outcome:
    """How one test ended, with the findings recorded while it ran (and, failed, why)."""

    nodeid: str
    outcome: str  # passed | failed | skipped
    finding_keys: tuple[FindingKey, ...] = ()
    # A failed test's message, for the summary's failed tests.
    message: str = ""


@dataclass(frozen=True)
class LeftJob:
    """A job settle could not end, with the test that started it ("" if unknown).

    `cancel_ignored` says the target answered settle's cancel and the job still runs: the
    cancel rule (L3) broken once more, as opposed to a job settle could not reach at all.
    """

    description: str
    test: str = ""
    cancel_ignored: bool = False


# The rule a job that survives its cancel breaks (cancel a running job -> cancelled).
CANCEL_RULE = "L3"


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    reasons: tuple[str, ...]
    # Failed tests that block the run: a new finding, or no finding at all to explain them.
    blocking: frozenset[str]
    # Jobs left running by a test whose every finding is a known issue: part of that issue.
    known_jobs: tuple[str, ...]

    @property
    def exit_status(self) -> int:
        return self.verdict.exit_status


def judge(
    new: Collection[FindingKey],
    known: Collection[FindingKey],
    outcomes: Iterable[Outcome],
    left_running: Sequence[LeftJob] = (),
    *,
    incomplete: Sequence[str] = (),
    interrupted: bool = False,
) -> Judgement:
    """The verdict, from the keys of the run's new and known (baseline) findings and the rest."""
    new_keys = set(new)
    outcomes = list(outcomes)
    failed = [o for o in outcomes if o.outcome == "failed"]
    blocking = _blocking(failed, new_keys)
    # Tests whose every finding is a known issue, whatever their outcome: a test that met a
    # known issue passes (plugin/outcomes.py), and the job it could not end is that issue too.
    explained_tests = {
        o.nodeid
        for o in outcomes
        if o.finding_keys and not any(k in new_keys for k in o.finding_keys)
    }
    cancel_known = any(key[0] == CANCEL_RULE for key in known)
    known_jobs = [j for j in left_running if _known(j, explained_tests, cancel_known)]
    unknown_jobs = [j.description for j in left_running if j not in known_jobs]
    reasons = _failure_reasons(new_keys, blocking, unknown_jobs)
    verdict = _verdict(bool(reasons), incomplete, interrupted)
    if verdict is Verdict.INTERRUPTED:
        reasons.insert(0, "interrupted (Ctrl-C): what ran is reported, the rest did not run")
    reasons += [f"incomplete: {reason}" for reason in incomplete]
    return Judgement(
        verdict=verdict,
        reasons=tuple(reasons),
        blocking=frozenset(o.nodeid for o in blocking),
        known_jobs=tuple(j.description for j in known_jobs),
    )


def _blocking(failed: Sequence[Outcome], new_keys: Collection[FindingKey]) -> list[Outcome]:
    """The baseline applies to findings: a failed test is explained when it recorded findings
    and every one of them is known."""
    return [o for o in failed if not o.finding_keys or any(k in new_keys for k in o.finding_keys)]


def _known(job: LeftJob, explained_tests: Collection[str], cancel_known: bool) -> bool:
    """A job its own test could not end because of a known issue is that issue again, not a
    new failure. So is a job that ignored settle's cancel while the run's cancel finding (L3)
    is known: a passing test that cancels and moves on strands one too. Any other job left
    running is a failure."""
    return job.test in explained_tests or (job.cancel_ignored and cancel_known)


def _failure_reasons(
    new_keys: Collection[FindingKey], blocking: Sequence[Outcome], unknown_jobs: Sequence[str]
) -> list[str]:
    reasons = []
    if new_keys:
        reasons.append(f"{len(new_keys)} new finding(s)")
    unexplained = [o.nodeid for o in blocking if not o.finding_keys]
    if unexplained:
        reasons.append(f"{len(unexplained)} test(s) failed without a rule finding")
    if unknown_jobs:
        reasons.append(f"{len(unknown_jobs)} job(s) left running")
    return reasons


def _verdict(failed: bool, incomplete: Sequence[str], interrupted: bool) -> Verdict:
    """A regression found is certain even in a run that could not finish, so FAIL outranks
    INCOMPLETE; Ctrl-C outranks both, since what did not run may hide anything."""
    if interrupted:
        return Verdict.INTERRUPTED
    if failed:
        return Verdict.FAIL
    if incomplete:
        return Verdict.INCOMPLETE
    return Verdict.PASS
