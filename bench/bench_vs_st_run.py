"""Generated cases per second: this suite's schemathesis layer against `st run`, same budget.

docs/contract.md §6 asks for ratios against schemathesis' own CLI on the same target and
budget. Both sides here get the same spec, a fresh reference server over loopback HTTP per run
(started before the clock starts), the same seed, the same phases and budgets (those of a suite
profile: `--max-examples`, stateful scenarios, steps per scenario, positive-only stateful
steps, no inferred links) and the closest checks:

- st run: not_a_server_error, status_code_conformance, content_type_conformance,
  response_schema_conformance, response_headers_conformance, negative_data_rejection,
  positive_data_acceptance, unsupported_method, missing_required_header, ignored_auth,
  ensure_resource_availability, use_after_free;
- the suite: its FUZZ_CHECKS (E1-E6, S1, S2 by its own validators, which cover the four
  conformance checks and more, then S3 and the same seven builtins re-raised under rule ids).

Two comparisons, each on its own: `fuzz` (examples, coverage, fuzzing: one pytest test per
operation against one st run of those three phases) and `stateful` (the stateful phase alone).
The sides alternate within each round; the figures are medians over the rounds. Wall time
covers the whole process, start-up included (interpreter, imports, loading the spec; pytest's
collection, preflight and reports for the suite). The "engine" figure leaves start-up out: for
st the duration it prints ("No issues found in X s"), for the suite the sum of its tests'
durations in the junit report.

The suite's side runs with `--max-rate 1000000`: on a live target its layer keeps to
PROSPECTING_MAX_RATE (50/s as the reference server prints it), a politeness cap for staging,
and st run has no cap.

    python bench/bench_vs_st_run.py [--runs 3] [--profile default] [--only fuzz|stateful]
    python bench/bench_vs_st_run.py --bytecode-cache   # both sides may cache bytecode
    python bench/bench_vs_st_run.py --suite-src /tmp/before/src   # the suite at another commit
    python bench/bench_vs_st_run.py --pyinstrument reports/bench   # profile the suite's side
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from prospecting_conformance.reference import seed
from prospecting_conformance.target.embedded import EmbeddedServer
from prospecting_conformance.target.profiles import PROFILE_SETTINGS, ProfileSettings

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "prospecting-api.yaml"
BIN = Path(sys.executable).parent
ST_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "unsupported_method",
    "missing_required_header",
    "ignored_auth",
    "ensure_resource_availability",
    "use_after_free",
)
SCENARIOS = {
    # name: (st phases, pytest -k expression selecting the suite's tests)
    "fuzz": ("examples,coverage,fuzzing", "generated_cases_conform"),
    "stateful": ("stateful", "stateful_walks_conform"),
}
SIDES = ("st run", "suite")
# Requests per second: far above what either side sends on this machine.
UNCAPPED_RATE = 1_000_000


@dataclass(frozen=True)
class Sample:
    wall_s: float
    engine_s: float
    cases: int

    @property
    def cases_per_s(self) -> float:
        return self.cases / self.wall_s

    @property
    def engine_cases_per_s(self) -> float:
        return self.cases / self.engine_s


def st_config(profile: ProfileSettings) -> str:
    """schemathesis.toml for st run: the pins and stateful settings fuzz_schema() uses."""
    return f"""
[parameters]
"path.accountGroupId" = "{seed.PRIMARY_ACCOUNT_GROUP_ID}"
"path.providerId" = "{seed.PROVIDER_ID}"

[phases.stateful]
max-steps = {profile.stateful_max_steps}

[phases.stateful.inference]
algorithms = []

[phases.stateful.generation]
max-examples = {profile.stateful_max_examples}
mode = "positive"
"""


@contextmanager
def reference_server() -> Iterator[dict[str, str]]:
    """A fresh reference server on a free loopback port; yields its PROSPECTING_* variables."""
    server = EmbeddedServer()
    try:
        yield server.start()
    finally:
        server.stop()


def base_env(pycache_prefix: Path | None) -> dict[str, str]:
    """The children's environment: the caller's, without PROSPECTING_* (the server's go in).

    With `pycache_prefix`, bytecode caching is switched on for both sides (even when the
    caller set PYTHONDONTWRITEBYTECODE=1), with the caches under that directory.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}
    if pycache_prefix is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache_prefix)
    return env


def run_st(
    phases: str,
    profile: ProfileSettings,
    seed_value: int,
    env: dict[str, str],
    workers: int = 1,
) -> Sample:
    with tempfile.TemporaryDirectory(prefix="bench-st-") as tmp:
        Path(tmp, "schemathesis.toml").write_text(st_config(profile), encoding="utf-8")
        command = [
            str(BIN / "st"),
            "run",
            str(SPEC),
            "--url",
            env["PROSPECTING_BASE_URL"],
            "--header",
            f"X-API-Key: {env['PROSPECTING_KEY_ALL']}",
            "--phases",
            phases,
            "--checks",
            ",".join(ST_CHECKS),
            "--max-examples",
            str(profile.max_examples),
            "--workers",
            str(workers),
            "--seed",
            str(seed_value),
            "--no-shrink",
            "--generation-database",
            "none",
        ]
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=tmp, env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
    output = result.stdout + result.stderr
    cases = re.search(r"(\d+) generated", output)
    engine = re.search(r"(?:No issues found|issues? found) in ([\d.]+)s", output)
    if result.returncode != 0 or cases is None or engine is None:
        raise RuntimeError(f"st run failed ({result.returncode}):\n{output[-3000:]}")
    return Sample(wall, float(engine[1]), int(cases[1]))


def suite_command(keyword: str, profile: str, seed_value: int, reports: Path) -> list[str]:
    return [
        "-m",
        "pytest",
        "tests/conformance/test_generated.py",
        "-k",
        keyword,
        "-p",
        "no:cacheprovider",
        "-q",
        "--profile",
        profile,
        "--seed",
        str(seed_value),
        "--no-shrink",
        "--reports-dir",
        str(reports),
        # On a live target the layer keeps to PROSPECTING_MAX_RATE (the server prints 50/s),
        # a politeness cap for staging; st run has none, so neither side is capped here.
        "--max-rate",
        str(UNCAPPED_RATE),
    ]


def run_suite(keyword: str, profile: str, seed_value: int, env: dict[str, str]) -> Sample:
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        reports = Path(tmp)
        command = [sys.executable, *suite_command(keyword, profile, seed_value, reports)]
        started = time.perf_counter()
        result = subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        wall = time.perf_counter() - started
        if result.returncode != 0 or not (reports / "summary.json").exists():
            output = (result.stdout + result.stderr)[-3000:]
            raise RuntimeError(f"the suite failed ({result.returncode}):\n{output}")
        summary = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
        engine = sum(
            float(case.get("time", 0))
            for case in ET.parse(reports / "junit.xml").getroot().iter("testcase")
        )
    return Sample(wall, engine, int(summary["generatedCases"]["total"]))


def measure(
    side: str, scenario: str, profile: ProfileSettings, seed_value: int, base: dict[str, str]
) -> Sample:
    phases, keyword = SCENARIOS[scenario]
    with reference_server() as server:
        env = {**base, **server}
        if side == "st run":
            return run_st(phases, profile, seed_value, env)
        return run_suite(keyword, profile.name, seed_value, env)


def median(samples: list[Sample], attribute: str) -> float:
    return statistics.median(float(getattr(s, attribute)) for s in samples)


def report(scenario: str, samples: dict[str, list[Sample]]) -> None:
    print(f"\n== {scenario}: median of {len(samples['suite'])} alternating runs ==")
    print(f"{'side':<8} {'wall s':>8} {'cases':>7} {'cases/s':>9} {'engine s':>9} {'cases/s*':>9}")
    for side in SIDES:
        runs = samples[side]
        print(
            f"{side:<8} {median(runs, 'wall_s'):8.2f} {median(runs, 'cases'):7.0f} "
            f"{median(runs, 'cases_per_s'):9.1f} {median(runs, 'engine_s'):9.2f} "
            f"{median(runs, 'engine_cases_per_s'):9.1f}"
        )
    wall_ratio = median(samples["suite"], "cases_per_s") / median(samples["st run"], "cases_per_s")
    engine_ratio = median(samples["suite"], "engine_cases_per_s") / median(
        samples["st run"], "engine_cases_per_s"
    )
    print("(* engine: start-up excluded)")
    print(f"ratio suite/st run, cases/s, wall   : {wall_ratio:.2f}")
    print(f"ratio suite/st run, cases/s, engine : {engine_ratio:.2f}", flush=True)


def profile_suite(
    scenario: str, profile: ProfileSettings, seed_value: int, out_dir: Path, base: dict[str, str]
) -> None:
    """One suite run under pyinstrument: its text profile and its saved session in out_dir.

    Re-render the session with `python -m pyinstrument --load FILE -r html` (or `--show-all`).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    _, keyword = SCENARIOS[scenario]
    session = out_dir / f"suite-{scenario}.pyisession"
    with reference_server() as server, tempfile.TemporaryDirectory(prefix="bench-prof-") as tmp:
        args = suite_command(keyword, profile.name, seed_value, Path(tmp))
        command = [sys.executable, "-m", "pyinstrument", "-r", "session", "-o", str(session)]
        subprocess.run(
            [*command, *args], cwd=ROOT, env={**base, **server}, check=True, capture_output=True
        )
    text = out_dir / f"suite-{scenario}.txt"
    render = [sys.executable, "-m", "pyinstrument", "--load", str(session), "-r", "text"]
    subprocess.run([*render, "-o", str(text)], check=True, capture_output=True)
    print(f"profile of the suite's {scenario} run: {text} (session: {session})")


def compare(
    scenario: str, profile: ProfileSettings, seed_value: int, runs: int, base: dict[str, str]
) -> None:
    samples: dict[str, list[Sample]] = {side: [] for side in SIDES}
    for round_number in range(1, runs + 1):
        # Alternate which side goes first, so neither always gets the quieter slot.
        order = SIDES if round_number % 2 else SIDES[::-1]
        for side in order:
            sample = measure(side, scenario, profile, seed_value, base)
            samples[side].append(sample)
            print(
                f"{scenario} round {round_number}: {side:<6} {sample.wall_s:6.2f} s wall, "
                f"{sample.cases} cases, {sample.cases_per_s:6.1f} cases/s "
                f"({sample.engine_cases_per_s:6.1f} excluding start-up)",
                flush=True,
            )
    report(scenario, samples)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs per side")
    parser.add_argument(
        "--profile", choices=sorted(PROFILE_SETTINGS), default="default", help="budgets to use"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=sorted(SCENARIOS), help="one comparison only")
    parser.add_argument(
        "--bytecode-cache",
        action="store_true",
        help="let both sides cache bytecode (in a temporary PYTHONPYCACHEPREFIX), after one "
        "untimed warm-up run each; by default the caller's environment decides",
    )
    parser.add_argument(
        "--suite-src",
        type=Path,
        metavar="DIR",
        help="the suite's side imports prospecting_conformance from DIR (a `src` exported "
        "from another commit, e.g. `git archive HEAD src | tar -x -C /tmp/before`): the "
        "before of a before/after",
    )
    parser.add_argument(
        "--pyinstrument",
        type=Path,
        metavar="DIR",
        help="instead of timing, profile the suite's side once per comparison into DIR",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    profile = PROFILE_SETTINGS[args.profile]
    scenarios = [args.only] if args.only else list(SCENARIOS)
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        base = base_env(Path(pycache) if args.bytecode_cache else None)
        if args.suite_src:
            if not (args.suite_src / "prospecting_conformance").is_dir():
                parser.error(f"--suite-src {args.suite_src} holds no prospecting_conformance")
            base["PYTHONPATH"] = str(args.suite_src.resolve())
        print(
            f"profile {profile.name}: max-examples {profile.max_examples}, stateful "
            f"{profile.stateful_max_examples} scenarios x {profile.stateful_max_steps} steps; "
            f"seed {args.seed}; PYTHONDONTWRITEBYTECODE="
            f"{base.get('PYTHONDONTWRITEBYTECODE', '<unset>')}, PYTHONPYCACHEPREFIX="
            f"{base.get('PYTHONPYCACHEPREFIX', '<unset>')}; suite from "
            f"{base.get('PYTHONPATH', 'the installed package')}; {os.cpu_count()} cores, loadavg "
            f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
            flush=True,
        )
        for scenario in scenarios:
            if args.pyinstrument:
                profile_suite(scenario, profile, args.seed, args.pyinstrument, base)
                continue
            if args.bytecode_cache:
                for side in SIDES:
                    measure(side, scenario, profile, args.seed, base)  # warm the caches
            compare(scenario, profile, args.seed, args.runs, base)
    return 0


if __name__ == "__main__":
    sys.exit(main())
