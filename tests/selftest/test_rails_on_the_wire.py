"""The rails, proven where the target feels them: on the wire, through a recording proxy.

Each case runs the real suite (`pytest tests/conformance`, quick profile) in a subprocess
against a reference server behind the witness proxy, configured as a live target, and asserts
on what reached the proxy, on the exit status and on every output the run left. The runs
start together and overlap, so the module costs about as long as its slowest run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from prospecting_conformance.reference.witness import (
    Arrival,
    Witness,
    busiest_second,
    early_after_pause,
)
from prospecting_conformance.target.embedded import demo_target_config

if TYPE_CHECKING:
    from conftest import SuiteRun, SuiteRunner

pytestmark = pytest.mark.slow

SEED = 11
GENERATED = "tests/conformance/test_generated.py"
STATEFUL = f"{GENERATED}::test_stateful_walks_conform"


@dataclass(frozen=True)
class Case:
    """One witnessed run: the proxy's behaviour, the suite's settings, what it runs."""

    env: dict[str, str]
    paths: tuple[str, ...] = ("tests/conformance",)
    faults: tuple[str, ...] = ()
    bearer_gateway: bool = False
    throttle_every: int | None = None
    hiccup_every: int | None = None
    extra_args: tuple[str, ...] = ()


CASES: dict[str, Case] = {
    "writes-off": Case(env={"PROSPECTING_ALLOW_WRITES": "0"}),
    # The generated layer alone: the contract tests, which run first, would spend a small
    # budget before schemathesis sent anything.
    "budget-generated": Case(env={"PROSPECTING_MAX_REQUESTS": "30"}, paths=(GENERATED,)),
    # Eight walks at once (as across a network): the budget holds for all of them together.
    "budget-stateful": Case(
        env={"PROSPECTING_MAX_REQUESTS": "30", "PROSPECTING_CONCURRENCY": "8"}, paths=(STATEFUL,)
    ),
    "rate": Case(env={"PROSPECTING_MAX_RATE": "5", "PROSPECTING_MAX_REQUESTS": "60"}),
    # A real gateway's weather comes all at once: it takes a bearer key, throttles and
    # stumbles in the same run, and each rail must hold while the others are at work. One
    # request in flight at a time (the recording proxy takes about 20 ms an answer, which
    # `auto` would take for a network): then nothing may arrive inside a 429's pause. With
    # several in flight, those already sent when the 429 comes back may (docs/contract.md §4).
    "messy-gateway": Case(
        env={
            "PROSPECTING_AUTH_HEADER": "Authorization",
            "PROSPECTING_AUTH_PREFIX": "Bearer ",
            "PROSPECTING_CONCURRENCY": "1",
        },
        bearer_gateway=True,
        throttle_every=150,
        hiccup_every=97,
    ),
    # Failing tests that take key fixtures, with every way pytest has of printing values.
    "key-leak": Case(
        env={},
        faults=("trace_id_missing", "read_scope_allows_write"),
        extra_args=("--showlocals", "-vv", "--tb=long"),
    ),
}


def target_env(witness: Witness, **overrides: str) -> dict[str, str]:
    """The PROSPECTING_* variables that point the suite at the proxy, as at a live target."""
    env = demo_target_config(witness.reference.base_url).env()
    env["PROSPECTING_BASE_URL"] = witness.base_url
    return {**env, **overrides}


@dataclass(frozen=True)
class Witnessed:
    run: SuiteRun
    arrivals: list[Arrival]
    keys: list[str]
    jobs_not_terminal: list[str]


@pytest.fixture(scope="module")
def witnessed(
    tmp_path_factory: pytest.TempPathFactory, suite_runner: SuiteRunner
) -> Iterator[dict[str, Witnessed]]:
    started = {}
    for name, case in CASES.items():
        witness = Witness(
            case.faults,
            bearer_gateway=case.bearer_gateway,
            throttle_every=case.throttle_every,
            hiccup_every=case.hiccup_every,
        )
        reports = tmp_path_factory.mktemp(name)
        command = [sys.executable, "-m", "pytest", *case.paths, "-p", "no:cacheprovider"]
        command += ["--profile", "quick", "--no-shrink", "--seed", str(SEED)]
        command += ["--reports-dir", str(reports), *case.extra_args]
        process = subprocess.Popen(
            command,
            cwd=suite_runner.root,
            env={**suite_runner.clean_env(), **target_env(witness, **case.env)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started[name] = (witness, process, reports)
    results = {}
    try:
        for name, (witness, process, reports) in started.items():
            run = suite_runner.finish(process, reports)
            results[name] = Witnessed(
                run=run,
                arrivals=witness.arrivals,
                keys=list(demo_target_config(witness.reference.base_url).secrets().values()),
                jobs_not_terminal=[
                    f"{job.id}: {job.status}"
                    for job in witness.reference.store.jobs()
                    if job.status not in ("completed", "failed", "cancelled")
                ],
            )
        yield results
    finally:
        for witness, process, _ in started.values():
            process.kill()
            witness.stop()


def test_with_writes_off_no_write_reaches_the_target(witnessed: dict[str, Witnessed]) -> None:
    # Given a run against a live target that does not allow writes
    seen = witnessed["writes-off"]

    # Then not one request that could change the target arrived, from any layer
    writes = [f"{a.method} {a.path}" for a in seen.arrivals if a.writes]
    assert writes == [], seen.run.explain()
    # and the run still judged the API (reads of every kind arrived), passed, and said what the
    # rails kept it from doing once
    assert {a.method for a in seen.arrivals} >= {"GET", "OPTIONS"}, seen.run.explain()
    assert seen.run.returncode == 0, seen.run.explain()
    assert seen.run.stdout.count("note: writes are off") == 1, seen.run.explain()
    # and the requests its reports say it sent, by layer, are the ones that arrived
    assert_requests_reported_as_arrived(seen, budget=1_000_000)


@pytest.mark.parametrize("case", ["budget-generated", "budget-stateful"])
def test_the_budget_holds_for_every_layer_and_stops_the_run(
    witnessed: dict[str, Witnessed], case: str
) -> None:
    # Given a budget of 30 requests for a run whose layers want hundreds
    seen = witnessed[case]

    # Then no more than 30 reached the target, preflight and settle included
    assert len(seen.arrivals) <= 30, seen.run.explain()
    # and the run stopped as incomplete (75), with its reports and no test failure reported
    assert seen.run.returncode == 75, seen.run.explain()
    assert seen.run.summary["verdict"] == "incomplete", seen.run.explain()
    assert "FAILED" not in seen.run.stdout, seen.run.explain()
    assert "Traceback" not in seen.run.stdout + seen.run.stderr, seen.run.explain()
    # and settle had its reserve: every job the run started ended, none is reported left running
    assert seen.run.summary["jobsLeftRunning"] == [], seen.run.explain()
    assert seen.jobs_not_terminal == [], seen.run.explain()
    # and the run said, before its first test, that its budget would not last
    assert "warning: request budget: 1 of 30 sent" in seen.run.stdout, seen.run.explain()
    assert any("request budget" in note for note in seen.run.summary["notes"])
    assert_requests_reported_as_arrived(seen, budget=30, stopped=True)


def assert_requests_reported_as_arrived(
    seen: Witnessed, budget: int, stopped: bool = False
) -> None:
    """The summary's request count is what reached the target, every layer's share in it; in a
    run the budget stopped, a request the rails let go as the engine stopped may never leave,
    so there the count may be above the arrivals, never below (a rail counts what it let go)."""
    requests = seen.run.summary["requests"]
    if stopped:
        assert len(seen.arrivals) <= requests["sent"] <= budget, seen.run.explain()
    else:
        assert requests["sent"] == len(seen.arrivals), seen.run.explain()
    assert requests["budget"] == budget, seen.run.explain()
    assert sum(requests["byLayer"].values()) == requests["sent"], seen.run.explain()
    assert f"requests: {requests['sent']} of {budget}" in seen.run.stdout, seen.run.explain()


def test_no_second_holds_more_requests_than_the_rate(witnessed: dict[str, Witnessed]) -> None:
    # Given a run limited to 5 requests a second (and 60 requests, to keep it short)
    seen = witnessed["rate"]

    # Then no one-second window at the target held more than 5, whichever layer sent them
    assert len(seen.arrivals) > 10, seen.run.explain()
    assert busiest_second([a.at for a in seen.arrivals]) <= 5, seen.run.explain()


def test_every_layer_waits_out_a_429_then_sends_again(witnessed: dict[str, Witnessed]) -> None:
    # Given a gateway that answers every 150th request 429 with Retry-After: 1
    seen = witnessed["messy-gateway"]
    limited = [a for a in seen.arrivals if a.status == 429 and a.retry_after is not None]

    # Then after each of them, nothing arrived before the second was over
    assert len(limited) >= 3, seen.run.explain()
    early = [
        f"{b.method} {b.path} {b.at - a.answered_at:.3f}s after a 429"
        for a, b in early_after_pause(seen.arrivals)
    ]
    assert early == [], seen.run.explain()
    # and the gateway's 429s were the target's weather, not findings: sent again, reported apart
    assert_weather_only(seen, 429, sum(a.injected for a in limited))


def test_a_rare_502_is_weather_not_a_finding(witnessed: dict[str, Witnessed]) -> None:
    # Given a gateway whose upstream stumbles on every 97th GET
    seen = witnessed["messy-gateway"]
    hiccups = [a for a in seen.arrivals if a.status == 502 and a.injected]

    # Then the run passes, and the report counts them as weather
    assert len(hiccups) >= 3, seen.run.explain()
    assert_weather_only(seen, 502, len(hiccups))


def assert_weather_only(seen: Witnessed, status: int, answered: int) -> None:
    findings = [
        f"[{f['rule']}] {f['operation']} {f['status']}" for f in seen.run.summary["findings"]
    ]
    assert findings == [], seen.run.explain()
    assert seen.run.returncode == 0, seen.run.explain()
    weather = seen.run.summary["weather"]
    counted = sum(r["count"] for r in weather["responses"] if r["status"] == status)
    assert counted == answered, weather
    assert "weather:" in seen.run.stdout, seen.run.explain()


def test_a_bearer_target_gets_its_own_header_and_no_false_finding(
    witnessed: dict[str, Witnessed],
) -> None:
    # Given a correct API behind a gateway that takes `Authorization: Bearer <key>` only
    seen = witnessed["messy-gateway"]

    # Then the run passes with no finding: every layer sent, stripped and spoiled that header
    findings = [
        f"[{f['rule']}] {f['operation']} {f['status']}" for f in seen.run.summary["findings"]
    ]
    assert findings == [], seen.run.explain()
    assert seen.run.returncode == 0, seen.run.explain()


def test_no_key_appears_in_any_output(witnessed: dict[str, Witnessed]) -> None:
    # Given a run whose tests fail (faults on) and that prints locals and full tracebacks
    seen = witnessed["key-leak"]
    assert seen.run.returncode == 1, seen.run.explain()

    # Then no key is in the terminal output, nor in any file of the reports
    outputs = {"stdout": seen.run.stdout, "stderr": seen.run.stderr}
    outputs.update(
        {
            str(path.relative_to(seen.run.reports_dir)): path.read_text("utf-8", "replace")
            for path in sorted(Path(seen.run.reports_dir).rglob("*"))
            if path.is_file()
        }
    )
    leaks = [name for name, text in outputs.items() for key in seen.keys if key in text]
    assert leaks == [], f"keys found in: {sorted(set(leaks))}"
