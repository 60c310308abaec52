"""The verdict from the run's facts: which word, which exit status, and why.

Each case is a run described by its facts (new and known findings, test outcomes, jobs settle
could not end, incomplete or interrupted); the table reads as the verdict's rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from prospecting_conformance.core.findings import FindingKey
from prospecting_conformance.run.verdict import LeftJob, Outcome, Verdict, judge

L5: FindingKey = ("L5", "cancelProspectingJob", 200)
L3: FindingKey = ("L3", "getProspectingJob", 200)


@dataclass(frozen=True)
class Facts:
    new: tuple[FindingKey, ...] = ()
    known: tuple[FindingKey, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    left_running: tuple[LeftJob, ...] = ()
    incomplete: tuple[str, ...] = ()
    interrupted: bool = False


PASSED = Outcome("t::ok", "passed")
FAILED_ON_L5 = Outcome("t::cancel", "failed", (L5,))
FAILED_WITHOUT_FINDING = Outcome("t::gate", "failed")
JOB_OF_L5_TEST = LeftJob("job-1 (ag-1: running)", "t::cancel")
JOB_OF_PASSING_TEST = LeftJob("job-2 (ag-1: running)", "t::ok")
CANCEL_IGNORED = LeftJob("job-3 (ag-1: running)", "t::ok", cancel_ignored=True)
UNREACHABLE = LeftJob("job-4 (ag-1: unknown)", "t::ok")

CASES = [
    pytest.param(Facts(outcomes=(PASSED,)), Verdict.PASS, [], id="all-passed"),
    pytest.param(Facts(), Verdict.PASS, [], id="nothing-ran-is-no-failure-by-itself"),
    pytest.param(
        Facts(new=(L5,), outcomes=(FAILED_ON_L5,)),
        Verdict.FAIL,
        ["1 new finding(s)"],
        id="new-finding",
    ),
    pytest.param(
        Facts(known=(L5,), outcomes=(FAILED_ON_L5,)),
        Verdict.PASS,
        [],
        id="known-finding",
    ),
    pytest.param(
        Facts(new=(L5,), outcomes=(PASSED,)),
        Verdict.FAIL,
        ["1 new finding(s)"],
        id="new-finding-from-a-passing-test",
    ),
    pytest.param(
        Facts(known=(L5,), outcomes=(FAILED_ON_L5, FAILED_WITHOUT_FINDING)),
        Verdict.FAIL,
        ["1 test(s) failed without a rule finding"],
        id="failure-without-finding",
    ),
    pytest.param(
        Facts(outcomes=(PASSED,), left_running=(JOB_OF_PASSING_TEST,)),
        Verdict.FAIL,
        ["1 job(s) left running"],
        id="job-left-running",
    ),
    pytest.param(
        Facts(known=(L5,), outcomes=(FAILED_ON_L5,), left_running=(JOB_OF_L5_TEST,)),
        Verdict.PASS,
        [],
        id="job-of-a-test-explained-by-known-findings",
    ),
    pytest.param(
        Facts(new=(L5,), outcomes=(FAILED_ON_L5,), left_running=(JOB_OF_L5_TEST,)),
        Verdict.FAIL,
        ["1 new finding(s)", "1 job(s) left running"],
        id="job-of-a-test-with-a-new-finding",
    ),
    pytest.param(
        Facts(known=(L3,), outcomes=(PASSED,), left_running=(CANCEL_IGNORED,)),
        Verdict.PASS,
        [],
        id="cancel-ignored-while-L3-known",
    ),
    pytest.param(
        Facts(known=(L5,), outcomes=(PASSED,), left_running=(CANCEL_IGNORED,)),
        Verdict.FAIL,
        ["1 job(s) left running"],
        id="cancel-ignored-while-only-another-rule-known",
    ),
    pytest.param(
        Facts(known=(L3,), outcomes=(PASSED,), left_running=(UNREACHABLE,)),
        Verdict.FAIL,
        ["1 job(s) left running"],
        id="unreachable-job-is-no-known-L3",
    ),
    pytest.param(
        Facts(outcomes=(PASSED,), incomplete=("budget spent",)),
        Verdict.INCOMPLETE,
        ["incomplete: budget spent"],
        id="incomplete",
    ),
    pytest.param(
        Facts(new=(L5,), outcomes=(FAILED_ON_L5,), incomplete=("budget spent",)),
        Verdict.FAIL,
        ["1 new finding(s)", "incomplete: budget spent"],
        id="fail-outranks-incomplete",
    ),
    pytest.param(
        Facts(outcomes=(PASSED,), interrupted=True),
        Verdict.INTERRUPTED,
        ["interrupted (Ctrl-C): what ran is reported, the rest did not run"],
        id="interrupted-never-passes",
    ),
    pytest.param(
        Facts(new=(L5,), outcomes=(FAILED_ON_L5,), incomplete=("a phase lost",), interrupted=True),
        Verdict.INTERRUPTED,
        [
            "interrupted (Ctrl-C): what ran is reported, the rest did not run",
            "1 new finding(s)",
            "incomplete: a phase lost",
        ],
        id="interrupted-outranks-fail-and-incomplete",
    ),
]


@pytest.mark.parametrize(("facts", "verdict", "reasons"), CASES)
def test_the_verdict_from_the_facts(facts: Facts, verdict: Verdict, reasons: list[str]) -> None:
    judgement = judge(
        facts.new,
        facts.known,
        facts.outcomes,
        facts.left_running,
        incomplete=facts.incomplete,
        interrupted=facts.interrupted,
    )

    assert (judgement.verdict, list(judgement.reasons)) == (verdict, reasons)


@pytest.mark.parametrize(
    ("verdict", "exit_status"),
    [
        pytest.param(Verdict.PASS, 0, id="pass"),
        pytest.param(Verdict.FAIL, 1, id="fail"),
        pytest.param(Verdict.INCOMPLETE, 75, id="incomplete-EX_TEMPFAIL"),
        pytest.param(Verdict.INTERRUPTED, 130, id="interrupted-128-plus-SIGINT"),
    ],
)
def test_each_verdict_has_its_exit_status(verdict: Verdict, exit_status: int) -> None:
    assert verdict.exit_status == exit_status


def test_blocking_tests_are_those_a_new_finding_or_no_finding_explains() -> None:
    judgement = judge(
        [L5],
        [L3],
        [
            FAILED_ON_L5,
            FAILED_WITHOUT_FINDING,
            Outcome("t::poll", "failed", (L3,)),
            PASSED,
        ],
    )

    assert judgement.blocking == {"t::cancel", "t::gate"}
    assert judgement.exit_status == 1


def test_known_jobs_are_named_apart_from_the_others() -> None:
    judgement = judge(
        [],
        [L5, L3],
        [FAILED_ON_L5, PASSED],
        [JOB_OF_L5_TEST, CANCEL_IGNORED, UNREACHABLE],
    )

    assert judgement.known_jobs == (JOB_OF_L5_TEST.description, CANCEL_IGNORED.description)
    assert judgement.reasons == ("1 job(s) left running",)
