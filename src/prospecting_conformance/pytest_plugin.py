"""The thin pytest layer over the library: options, the target, fixtures, the end of a run.

The controller (or the only process, without xdist) resolves the target once: a live one
from the environment and the options, or the embedded reference server started in its own
process. It exports the result into the environment, so xdist workers see the same target
exactly as a live one, then runs the preflight. Each process keeps a recorder; at the end the
workers write theirs out and the controller merges them, settles every job the run started,
and judges the run as a whole (reachability, link coverage, jobs left running).
"""

from __future__ import annotations

import json
import os
import random
import shlex
import shutil
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.client import ProspectingClient, TransportFailure
from prospecting_conformance.embedded import EmbeddedServer, EmbeddedServerError
from prospecting_conformance.findings import ConformanceError
from prospecting_conformance.fuzz import writing_operations
from prospecting_conformance.preflight import EXIT_MISCONFIGURED, PreflightError, preflight
from prospecting_conformance.recorder import merge
from prospecting_conformance.reporting.baseline import Baseline, BaselineError
from prospecting_conformance.reporting.summary import ItemOutcome, RunFacts, build_summary
from prospecting_conformance.reporting.write import write_reports
from prospecting_conformance.session import (
    NO_SHRINK_VAR,
    SEED_VAR,
    RunContext,
    activate,
    run_seed,
)
from prospecting_conformance.settle import settle_jobs
from prospecting_conformance.spec import Spec, load_spec
from prospecting_conformance.target import (
    ENV_VARS,
    PROFILES,
    Role,
    TargetConfig,
    TargetConfigError,
)

FAULTS_VAR = "PROSPECTING_REFERENCE_FAULTS"
VARIATIONS_VAR = "PROSPECTING_REFERENCE_VARIATIONS"
EMBEDDED_VAR = "PROSPECTING_EMBEDDED"
REPORTS_DIR_VAR = "PROSPECTING_REPORTS_DIR"

# Options that mirror an environment variable (option dest -> variable).
OPTION_VARS = {
    "prospecting_base_url": ENV_VARS["base_url"],
    "prospecting_account_group_id": ENV_VARS["account_group_id"],
    "prospecting_profile": ENV_VARS["profile"],
    "prospecting_allow_writes": ENV_VARS["allow_writes"],
    "prospecting_job_timeout": ENV_VARS["job_timeout"],
    "prospecting_max_requests": ENV_VARS["max_requests"],
    "prospecting_max_rate": ENV_VARS["max_rate"],
    "prospecting_seed": SEED_VAR,
    "prospecting_no_shrink": NO_SHRINK_VAR,
}

FINDINGS_PROPERTY = "prospecting_findings"

_embedded = pytest.StashKey[EmbeddedServer]()
_controller = pytest.StashKey["RunController"]()
_context = pytest.StashKey[RunContext]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prospecting", "Prospecting API conformance")
    group.addoption("--base-url", dest="prospecting_base_url", help=f"= ${ENV_VARS['base_url']}")
    group.addoption(
        "--account-group-id",
        dest="prospecting_account_group_id",
        help=f"= ${ENV_VARS['account_group_id']}",
    )
    group.addoption(
        "--profile",
        dest="prospecting_profile",
        choices=PROFILES,
        help=f"run depth (= ${ENV_VARS['profile']}; default: default)",
    )
    group.addoption(
        "--allow-writes",
        dest="prospecting_allow_writes",
        action="store_const",
        const="1",
        help=f"let the run start and cancel jobs on a live target (= ${ENV_VARS['allow_writes']})",
    )
    group.addoption(
        "--job-timeout", dest="prospecting_job_timeout", help=f"= ${ENV_VARS['job_timeout']}"
    )
    group.addoption(
        "--max-requests", dest="prospecting_max_requests", help=f"= ${ENV_VARS['max_requests']}"
    )
    group.addoption("--max-rate", dest="prospecting_max_rate", help=f"= ${ENV_VARS['max_rate']}")
    group.addoption(
        "--seed", dest="prospecting_seed", help=f"replay a run's generated cases (= ${SEED_VAR})"
    )
    group.addoption(
        "--no-shrink",
        dest="prospecting_no_shrink",
        action="store_true",
        help="report generated failures as found, without minimising them (faster)",
    )
    group.addoption(
        "--stop-on-rule",
        dest="prospecting_stop_rules",
        action="append",
        default=[],
        metavar="RULE",
        help="stop the run at the first failure that names this rule (repeatable)",
    )
    group.addoption(
        "--reference-fault",
        dest="prospecting_faults",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded server only: switch on a fault from the catalogue (repeatable)",
    )
    group.addoption(
        "--reference-variation",
        dest="prospecting_variations",
        action="append",
        default=[],
        metavar="NAME",
        help="embedded server only: switch on a conformant variation (repeatable)",
    )
    group.addoption(
        "--baseline",
        dest="prospecting_baseline",
        metavar="FILE",
        help="accepted known issues (JSON): known findings are reported but do not fail the run",
    )
    group.addoption(
        "--reports-dir",
        dest="prospecting_reports_dir",
        default=None,
        help=f"where reports go (= ${REPORTS_DIR_VAR}; default: reports/)",
    )


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _uses_target(config: pytest.Config) -> bool:
    """Whether the run includes the conformance tests (unit and selftest runs need no target)."""
    conformance = (Path(config.rootpath) / "tests" / "conformance").resolve()
    for arg in config.args:
        path = Path(str(arg).split("::", 1)[0]).resolve()
        if path == conformance or conformance in path.parents or path in conformance.parents:
            return True
    return False


def reports_dir(config: pytest.Config) -> Path:
    chosen = config.getoption("prospecting_reports_dir") or os.environ.get(REPORTS_DIR_VAR)
    return Path(chosen or Path(config.rootpath) / "reports")


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if _is_worker(config) or not _uses_target(config):
        return
    if not config.option.xmlpath:
        config.option.xmlpath = str(reports_dir(config) / "junit.xml")
    baseline = config.getoption("prospecting_baseline")
    if baseline:
        try:
            Baseline.load(Path(baseline))
        except BaselineError as exc:
            raise pytest.UsageError(str(exc)) from None
    os.environ[REPORTS_DIR_VAR] = str(reports_dir(config).resolve())
    faults = config.getoption("prospecting_faults")
    variations = config.getoption("prospecting_variations")
    embedded = not (
        config.getoption("prospecting_base_url") or os.environ.get(ENV_VARS["base_url"])
    )
    if (faults or variations) and not embedded:
        raise pytest.UsageError(
            "--reference-fault and --reference-variation only apply to the embedded server"
        )
    if embedded:
        server = EmbeddedServer(faults, variations)
        try:
            os.environ.update(server.start())
        except EmbeddedServerError as exc:
            pytest.exit(str(exc), returncode=EXIT_MISCONFIGURED)
        config.stash[_embedded] = server
        os.environ[EMBEDDED_VAR] = "1"
        os.environ[FAULTS_VAR] = ",".join(faults)
        os.environ[VARIATIONS_VAR] = ",".join(variations)
    # Options win over the environment, the embedded server's included.
    for dest, var in OPTION_VARS.items():
        value = config.getoption(dest)
        if value not in (None, False):
            os.environ[var] = "1" if value is True else str(value)
    os.environ.setdefault(SEED_VAR, str(random.randrange(2**32)))
    try:
        target = target_from_env()
        preflight(target, wait_s=10.0 if embedded else 0.0)
    except PreflightError as exc:
        _stop_embedded(config)
        pytest.exit(f"preflight: {exc}", returncode=exc.exit_status)
    controller = RunController(config)
    config.stash[_controller] = controller
    config.pluginmanager.register(controller, "prospecting-run-controller")


def target_from_env() -> TargetConfig:
    """The run's target as the controller exported it (a PreflightError if unusable)."""
    try:
        target = TargetConfig.from_env()
    except TargetConfigError as exc:
        raise PreflightError(str(exc), EXIT_MISCONFIGURED) from None
    if target is None:
        raise PreflightError(f"{ENV_VARS['base_url']} is not set", EXIT_MISCONFIGURED)
    if os.environ.get(EMBEDDED_VAR) == "1":
        target = replace(target, embedded=True)
    return target


def _stop_embedded(config: pytest.Config) -> None:
    server = config.stash.get(_embedded, None)
    if server is not None:
        server.stop()


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not _uses_target(config) or _is_worker(config):
        return []
    embedded = os.environ.get(EMBEDDED_VAR) == "1"
    faults = os.environ.get(FAULTS_VAR) or "none"
    varied = os.environ.get(VARIATIONS_VAR) or "none"
    kind = (
        f"embedded reference server (faults: {faults}; variations: {varied})"
        if embedded
        else "live target"
    )
    return [
        f"prospecting target: {os.environ.get(ENV_VARS['base_url'])} ({kind})",
        f"prospecting profile: {os.environ.get(ENV_VARS['profile'], 'default')}, "
        f"seed: {os.environ.get(SEED_VAR)} (replay with --seed {os.environ.get(SEED_VAR)})",
    ]


@pytest.fixture(scope="session")
def run_context(request: pytest.FixtureRequest) -> Iterator[RunContext]:
    """The run's target, spec, seed and recorder, active for the schemathesis checks."""
    try:
        target = target_from_env()
    except PreflightError as exc:
        pytest.exit(f"preflight: {exc}", returncode=exc.exit_status)
    context = RunContext(target=target, spec=load_spec(), seed=run_seed())
    request.config.stash[_context] = context
    activate(context)
    yield context
    activate(None)


@pytest.fixture(scope="session")
def target(run_context: RunContext) -> TargetConfig:
    return run_context.target


@pytest.fixture(scope="session")
def spec(run_context: RunContext) -> Spec:
    return run_context.spec


@pytest.fixture(scope="session")
def api(run_context: RunContext) -> Iterator[ProspectingClient]:
    """The suite's client; every response it receives is judged by the envelope and spec rules."""
    with ProspectingClient(run_context.target, spec=run_context.spec) as client:
        client.add_observer(run_context.raise_on_findings)
        yield client


@pytest.fixture
def writes(target: TargetConfig) -> None:
    """Skip unless the target lets the run start and cancel jobs."""
    require_writes(target)


def require_writes(target: TargetConfig) -> None:
    """Skip unless the target lets the run start and cancel jobs (for any fixture scope)."""
    if not target.allow_writes:
        pytest.skip(f"starts jobs: set {ENV_VARS['allow_writes']}=1 to allow writes")


SkipUnlessWritable = Callable[[str], None]


@pytest.fixture
def skip_unless_writable(target: TargetConfig, spec: Spec) -> SkipUnlessWritable:
    """`skip_unless_writable(operation_id)`: skip when the operation writes and writes are off.

    Any request to such an operation counts, whatever key it carries: against a broken API an
    invalid key or a missing scope would still start a real job.
    """

    def skip(operation_id: str) -> None:
        if operation_id in writing_operations(spec) and not target.allow_writes:
            pytest.skip(f"{operation_id} writes: set {ENV_VARS['allow_writes']}=1 to allow it")

    return skip


RequireKey = Callable[[Role], str]


@pytest.fixture
def require_key(target: TargetConfig) -> RequireKey:
    """`require_key(role)`: skip unless the target configures that role's key."""

    def require(role: Role) -> str:
        key = target.key_for(role)
        if key is None:
            pytest.skip(f"needs the {role} key: set {ENV_VARS[f'key_{role}']}")
        return key

    return require


def terminal_progress(config: pytest.Config) -> Callable[[str], None] | None:
    """A way for a long phase to show progress past output capture (None under xdist)."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or _is_worker(config):
        return None

    def show(line: str) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"  {line}")

    return show


def require_setting(target: TargetConfig, name: str) -> str:
    """The target's `name` setting, or a skip naming the variable that sets it."""
    value = getattr(target, name)
    if value is None:
        pytest.skip(f"needs {ENV_VARS[name]}")
    return str(value)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    context = item.config.stash.get(_context, None)
    if context is not None:
        context.recorder.current_test = item.nodeid


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    context = item.config.stash.get(_context, None)
    if context is None or not report.failed:
        return report
    error = call.excinfo.value if call.excinfo is not None else None
    if isinstance(error, ConformanceError):
        context.recorder.record(error.findings)
    elif isinstance(error, TransportFailure):
        context.recorder.record([error.finding])
    # Travels to the xdist controller with the report, so the verdict can tell a failure
    # explained by known findings (a baseline) from a new one.
    report.user_properties.append(
        (FINDINGS_PROPERTY, json.dumps(context.recorder.keys_for_test(item.nodeid)))
    )
    return report


class RunController:
    """The controller's view of the run: outcomes as they arrive, then the verdict and reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = time.monotonic()
        self.started_at = _now()
        self.outcomes: dict[str, ItemOutcome] = {}
        self.first_failure_s: float | None = None
        self.stop_rules = frozenset(config.getoption("prospecting_stop_rules"))
        self.session: pytest.Session | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        if report.failed and self.first_failure_s is None:
            self.first_failure_s = round(time.monotonic() - self.started, 3)
        keys: list[list[Any]] = next(
            (json.loads(str(v)) for k, v in report.user_properties if k == FINDINGS_PROPERTY), []
        )
        previous = self.outcomes.get(report.nodeid)
        if previous is not None and previous.outcome == "failed":
            return  # a teardown pass does not undo a call failure
        self.outcomes[report.nodeid] = ItemOutcome(
            nodeid=report.nodeid,
            outcome=report.outcome,
            finding_keys=tuple((k[0], k[1], k[2]) for k in keys),
            message=_short(report.longreprtext) if report.failed else "",
        )
        stopping_on = self.stop_rules & {k[0] for k in keys}
        if stopping_on and self.session is not None:
            self.session.shouldstop = f"a failure named {', '.join(sorted(stopping_on))}"

    def finish(self, session: pytest.Session, parts: Path) -> None:
        loaded = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(parts.glob("*.json"))]
        shutil.rmtree(parts, ignore_errors=True)
        record = merge(loaded)
        target = target_from_env()
        facts = RunFacts(
            base_url=target.base_url,
            embedded=target.embedded,
            faults=tuple(f for f in os.environ.get(FAULTS_VAR, "").split(",") if f),
            profile=target.profile,
            seed=run_seed(),
            started_at=self.started_at,
            finished_at=_now(),
            command=shlex.join(["python", "-m", "pytest", *self.config.invocation_params.args]),
            outcomes=list(self.outcomes.values()),
            jobs_left_running=settle_jobs(target, record["jobs"]),
        )
        summary = build_summary(facts, record, load_spec(), self._baseline())
        summary["secondsToFirstFailure"] = self.first_failure_s
        directory = reports_dir(self.config)
        write_reports(directory, summary)
        self._say(summary, directory)
        if summary["verdict"] == "fail":
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        elif session.exitstatus == pytest.ExitCode.TESTS_FAILED:
            # Every failure is a known issue of the baseline: the release gate passes.
            session.exitstatus = pytest.ExitCode.OK

    def _baseline(self) -> Baseline | None:
        path = self.config.getoption("prospecting_baseline")
        return Baseline.load(Path(path)) if path else None

    def _say(self, summary: dict[str, Any], directory: Path) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        new = [f for f in summary["findings"] if f["new"]]
        known = [f for f in summary["findings"] if not f["new"]]
        reporter.write_sep("=", "prospecting conformance")
        reporter.write_line(
            f"verdict: {summary['verdict'].upper()}"
            + (f" ({'; '.join(summary['reasons'])})" if summary["reasons"] else ""),
            red=summary["verdict"] == "fail",
            green=summary["verdict"] == "pass",
        )
        for finding in new:
            reporter.write_line(
                f"  new   [{finding['rule']}] {finding['operation']} -> {finding['status']} "
                f"(traceId {finding['traceId']})"
            )
        for finding in known:
            reporter.write_line(
                f"  known [{finding['rule']}] {finding['operation']} ({finding['ticket']})"
            )
        for entry in summary["fixed"]:
            reporter.write_line(
                f"  fixed [{entry['rule']}] {entry['operation']} ({entry['ticket']})"
            )
        for job in summary["jobsLeftRunning"]:
            reporter.write_line(f"  job left running (cancel it by hand): {job}", red=True)
        links = summary["links"]
        reporter.write_line(
            f"links followed: {len(links['covered'])}/{len(links['declared'])}; "
            f"reports: {directory}"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _short(text: str, limit: int = 600) -> str:
    lines = [line for line in text.splitlines() if line.startswith("E ")]
    shown = "\n".join(lines) if lines else text
    return shown[-limit:]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not _uses_target(config):
        return
    parts = reports_dir(config) / ".parts"
    context = config.stash.get(_context, None)
    name = config.workerinput["workerid"] if _is_worker(config) else "main"  # type: ignore[attr-defined]
    if context is not None:
        context.recorder.dump(parts / f"{name}.json")
    controller = config.stash.get(_controller, None)
    if controller is not None:
        controller.finish(session, parts)


def pytest_unconfigure(config: pytest.Config) -> None:
    # Here rather than at session end: this runs however the session ended.
    _stop_embedded(config)
