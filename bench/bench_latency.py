"""The quick profile's wall time against `st run`'s when every answer comes late (issue 21).

On loopback an answer takes about a millisecond, so the other benchmarks measure CPU: what
a request costs to generate, send and judge. A staging server across a network may answer
in tens to hundreds of milliseconds, and there a run's wall time is set by how many requests
it waits for one after the other. This benchmark puts a latency proxy between each side and
a fresh reference server and adds 0, 50 and 200 ms to every answer:

- the suite: `python -m pytest tests/conformance -q -p no:cacheprovider --profile quick
  --seed S --reports-dir TMP`, the README's way (no xdist unless `--xdist N`);
- the anchor: `st run` with `--workers 4` (`--workers`) on the same spec, through the same
  proxy, with bench_vs_st_run's configuration and checks for the same profile's budgets and
  every phase the suite runs (examples, coverage, fuzzing, stateful).

The figure is the ratio suite/st run of the wall times (above 1: the suite takes longer),
medians of `--runs` alternating runs per latency. A fresh reference server (its jobs are
state) and a fresh proxy per run, both started before the clock starts. The proxy also counts
the requests it answered for each side, and the suite's junit report says which of its tests
the time went to.

The suite runs with PROSPECTING_MAX_RATE far above what either side sends: on a live target
its client keeps to that rate (a politeness cap for staging), st run has none, and a capped
suite would measure its cap, not its latency.

    python bench/bench_latency.py [--runs 3] [--latencies 0,50,200] [--workers 4] [--xdist N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
from starlette.types import Message, Receive, Scope, Send

from bench_vs_st_run import ROOT, SCENARIOS, UNCAPPED_RATE, base_env, reference_server, run_st
from prospecting_conformance.mutation.runs import conformance_command
from prospecting_conformance.reference.server import STARTUP_TIMEOUT, serve_in_thread
from prospecting_conformance.reference.witness import HOP_HEADERS, upstream_url
from prospecting_conformance.target.profiles import PROFILE_SETTINGS, ProfileSettings

SIDES = ("st run", "suite")
# Every phase the suite runs: bench_vs_st_run's two comparisons together.
ST_PHASES = ",".join(phases for phases, _ in SCENARIOS.values())
# Headers of one hop, dropped both ways. Host goes through (a server that builds an absolute
# URL from it names the proxy, not itself), and so does Content-Length: the body goes through
# unchanged, and httpx sets it when the request came chunked.
HOP_BY_HOP = frozenset(name.encode() for name in HOP_HEADERS - {"host", "content-length"})
# The reference server answers at once; a job runs on its own after the 202.
UPSTREAM_TIMEOUT_S = 60.0
# st run's worker threads now and then trip a CPython 3.11 bug in the AST constructor (cf.
# python/cpython#106905) and end with a runtime error; such a run is run again, with a fresh
# server, up to this many times in all (seen twice in a row at 200 ms).
ST_THREAD_FLAKE = "AST constructor recursion depth mismatch"
ST_ATTEMPTS = 5
# Where the suite's time goes, from its junit report: its tests by bench_vs_st_run's keywords
# (the stateful phase; the examples, coverage and fuzzing phases, one test per operation).
PARTS = {"stateful": SCENARIOS["stateful"][1], "per operation": SCENARIOS["fuzz"][1]}
OTHER_TESTS = "other tests"
ALL_PARTS = (*PARTS, OTHER_TESTS)
# pytest: 0 all passed, 1 some test failed. Anything else is no run to time.
SUITE_RAN = (0, 1)


class LatencyProxy:
    """An ASGI app that forwards every request to `upstream` and answers `latency_s` late.

    Method, path and query as they arrived, headers (auth and Host included), body, status,
    response headers and the body's bytes (still encoded) go through unchanged; only the
    hop-by-hop headers stay behind. One pooled client, opened and closed with the server
    (lifespan): a client per request, as witness.RecordingProxy opens, would cost each
    request about 20 ms of CPU (the client's TLS context), more than a case costs on loopback.
    """

    def __init__(self, upstream: str, latency_s: float) -> None:
        self.upstream = upstream
        self.latency_s = latency_s
        self.answered = 0
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx.AsyncClient(timeout=UPSTREAM_TIMEOUT_S, trust_env=False)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self._client is not None, "the proxy serves with lifespan on"
        body = await _request_body(receive)
        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP]
        request = self._client.build_request(
            scope["method"], upstream_url(self.upstream, scope), headers=headers, content=body
        )
        response = await self._client.send(request, stream=True)
        try:
            answer = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        await asyncio.sleep(self.latency_s)
        kept = [(k, v) for k, v in response.headers.raw if k.lower() not in HOP_BY_HOP]
        await send({"type": "http.response.start", "status": response.status_code, "headers": kept})
        await send({"type": "http.response.body", "body": answer})
        self.answered += 1


async def _request_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message: Message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


@contextmanager
def latency_proxy(upstream: str, latency_s: float) -> Iterator[tuple[LatencyProxy, str]]:
    """A LatencyProxy under uvicorn in a thread of this process; yields it and its URL."""
    proxy = LatencyProxy(upstream, latency_s)
    # No Server or Date header of its own: the upstream's go through.
    server, thread, url = serve_in_thread(
        proxy,
        name="latency-proxy",
        lifespan="on",
        server_header=False,
        date_header=False,
        # Not "Invalid HTTP request received" for each generated request that no HTTP parser
        # takes: the server behind it would answer those the same way (its own uvicorn).
        log_level="error",
    )
    try:
        yield proxy, url
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT)


@dataclass(frozen=True)
class Run:
    wall_s: float
    requests: int
    # The suite's side: its pytest exit status (1: some test failed; st run's side raises
    # unless it passed), its tests' seconds by part (PARTS), its slowest and failed tests.
    exit_status: int = 0
    tests_s: dict[str, float] = field(default_factory=dict)
    slowest: tuple[tuple[float, str], ...] = ()
    failed: tuple[str, ...] = ()


def run_suite(profile: str, seed: int, xdist: int, env: dict[str, str], slowest: int) -> Run:
    """One quick run of the suite (requests counted by the caller's proxy)."""
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp:
        reports = Path(tmp)
        xdist_args = ["-n", str(xdist)] if xdist else []
        command = conformance_command(profile, seed, reports, *xdist_args)
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        if result.returncode not in SUITE_RAN or not (reports / "junit.xml").exists():
            output = (result.stdout + result.stderr)[-3000:]
            raise RuntimeError(f"the suite did not run ({result.returncode}):\n{output}")
        cases = list(ET.parse(reports / "junit.xml").getroot().iter("testcase"))
    durations = sorted(((float(case.get("time", 0)), _name(case)) for case in cases), reverse=True)
    tests_s = dict.fromkeys(ALL_PARTS, 0.0)
    for seconds, name in durations:
        tests_s[next((part for part, key in PARTS.items() if key in name), OTHER_TESTS)] += seconds
    failed = tuple(
        f"{_name(case)}: {_first_line(problem.get('message', ''))}"
        for case in cases
        for problem in (case.find("failure"), case.find("error"))
        if problem is not None
    )
    return Run(wall, 0, result.returncode, tests_s, tuple(durations[:slowest]), failed)


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "(no message)"


def _name(case: ET.Element) -> str:
    return f"{case.get('classname')}::{case.get('name')}"


def measure(side: str, latency_ms: float, args: argparse.Namespace, base: dict[str, str]) -> Run:
    """One run of `side` behind a fresh proxy and server; st run again if it tripped on the
    CPython bug (ST_THREAD_FLAKE)."""
    for attempt in range(1, ST_ATTEMPTS + 1):
        try:
            return measure_once(side, latency_ms, args, base)
        except RuntimeError as error:
            if side != "st run" or ST_THREAD_FLAKE not in str(error) or attempt == ST_ATTEMPTS:
                raise
            print(f"  st run ended on {ST_THREAD_FLAKE!r}: run again", flush=True)
    raise AssertionError("unreachable")


def measure_once(
    side: str, latency_ms: float, args: argparse.Namespace, base: dict[str, str]
) -> Run:
    profile: ProfileSettings = PROFILE_SETTINGS[args.profile]
    with (
        reference_server() as server,
        latency_proxy(server["PROSPECTING_BASE_URL"], latency_ms / 1000) as (proxy, url),
    ):
        env = {
            **base,
            **server,
            "PROSPECTING_BASE_URL": url,
            # On a live target the suite keeps to this rate; st run has no cap (docstring).
            "PROSPECTING_MAX_RATE": str(UNCAPPED_RATE),
        }
        if side == "st run":
            sample = run_st(ST_PHASES, profile, args.seed, env, workers=args.workers)
            run = Run(sample.wall_s, 0)
        else:
            run = run_suite(profile.name, args.seed, args.xdist, env, args.slowest)
    return replace(run, requests=proxy.answered)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(latencies: Sequence[float], runs: dict[float, dict[str, list[Run]]]) -> None:
    print(f"\n== wall time, median of {len(runs[latencies[0]]['suite'])} alternating runs ==")
    # The sides do not send as many requests from the same budgets (st run's stateful phase
    # stops after a number of scenarios that varies from run to run): the last column is the
    # ratio of wall seconds per request answered.
    print(
        f"{'latency':>8} | {'suite s':>8} | {'st run s':>8} | {'ratio':>5} | "
        f"{'requests suite / st':>19} | ratio per request"
    )
    for latency in latencies:
        suite, st = runs[latency]["suite"], runs[latency]["st run"]
        suite_s = statistics.median(r.wall_s for r in suite)
        st_s = statistics.median(r.wall_s for r in st)
        suite_requests = statistics.median(r.requests for r in suite)
        st_requests = statistics.median(r.requests for r in st)
        per_request = (suite_s / suite_requests) / (st_s / st_requests)
        failing = sum(r.exit_status != 0 for r in suite)
        note = f"  (suite failed in {failing} of {len(suite)} runs)" if failing else ""
        print(
            f"{latency:>5g} ms | {suite_s:8.1f} | {st_s:8.1f} | {suite_s / st_s:5.2f} | "
            f"{f'{suite_requests:.0f} / {st_requests:.0f}':>19} | {per_request:17.2f}{note}"
        )
    print(
        f"\n== where the suite's time goes: its tests' seconds from junit.xml, medians ==\n"
        f"{'latency':>8} | {' | '.join(f'{part:>13}' for part in ALL_PARTS)} | "
        "outside tests (start-up, collection, settling jobs, reports)"
    )
    for latency in latencies:
        suite = runs[latency]["suite"]
        parts = [statistics.median(r.tests_s[part] for r in suite) for part in ALL_PARTS]
        outside = statistics.median(r.wall_s - sum(r.tests_s.values()) for r in suite)
        print(f"{latency:>5g} ms | {' | '.join(f'{s:13.1f}' for s in parts)} | {outside:.1f}")
    for latency in latencies:
        last = runs[latency]["suite"][-1]
        if last.slowest:
            print(f"\nthe suite's slowest tests at {latency:g} ms (its last run):")
            for seconds, name in last.slowest:
                print(f"  {seconds:7.2f} s  {name}")
        for name in last.failed:
            print(f"  FAILED at {latency:g} ms: {name}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per side and latency")
    parser.add_argument(
        "--latencies", default="0,50,200", help="milliseconds added to each answer, commas"
    )
    parser.add_argument("--workers", type=int, default=4, help="st run's --workers")
    parser.add_argument("--xdist", type=int, default=0, metavar="N", help="the suite with -n N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--profile", choices=sorted(PROFILE_SETTINGS), default="quick", help="budgets to use"
    )
    parser.add_argument(
        "--slowest", type=int, default=3, help="the suite's slowest tests to list per latency"
    )
    args = parser.parse_args(argv)
    try:
        latencies = [float(value) for value in args.latencies.split(",") if value.strip()]
    except ValueError:
        parser.error(f"--latencies {args.latencies!r}: milliseconds, separated by commas")
    if args.runs < 1 or args.workers < 1 or not latencies or min(latencies) < 0:
        parser.error("--runs and --workers must be >= 1, latencies >= 0")
    base = base_env(None)
    print(
        f"profile {args.profile}, seed {args.seed}; suite "
        f"{f'-n {args.xdist}' if args.xdist else 'without xdist'}, st run --workers "
        f"{args.workers} --phases {ST_PHASES}; {os.cpu_count()} cores, "
        f"loadavg at start {loadavg()}",
        flush=True,
    )
    runs: dict[float, dict[str, list[Run]]] = {}
    for latency in latencies:
        runs[latency] = {side: [] for side in SIDES}
        for round_number in range(1, args.runs + 1):
            # Alternate which side goes first, so neither always gets the quieter slot.
            for side in SIDES if round_number % 2 else SIDES[::-1]:
                run = measure(side, latency, args, base)
                runs[latency][side].append(run)
                status = f", exit {run.exit_status}" if run.exit_status else ""
                print(
                    f"{latency:g} ms, round {round_number}: {side:<6} {run.wall_s:6.1f} s, "
                    f"{run.requests} requests{status}",
                    flush=True,
                )
    report(latencies, runs)
    print(f"\nloadavg at end: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
