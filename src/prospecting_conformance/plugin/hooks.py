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
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.checks.lifecycle import TERMINAL
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import TransportFailure
from prospecting_conformance.core.findings import ConformanceError
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.fuzz.schema import unexpected_methods, writing_operations
from prospecting_conformance.rails.gate import RequestBudgetExceeded
from prospecting_conformance.reporting.baseline import Baseline, BaselineError
from prospecting_conformance.reporting.summary import ItemOutcome, RunFacts, build_summary
from prospecting_conformance.reporting.weather import describe_weather, weather_summary
from prospecting_conformance.reporting.write import write_reports
from prospecting_conformance.run.context import LEDGER_VAR, RunContext, activate, run_rails
from prospecting_conformance.run.interruption import Interruption
from prospecting_conformance.run.recorder import merge
from prospecting_conformance.run.settle import settle_jobs
from prospecting_conformance.run.verdict import incomplete_reasons, mark_incomplete
from prospecting_conformance.spec.model import Spec, load_spec
from prospecting_conformance.target.config import (
    ENV_VARS,
    KEY_FIELDS,
    PROFILES,
    KeyName,
    TargetConfig,
    TargetConfigError,
)
from prospecting_conformance.target.embedded import (
    EmbeddedServer,
    EmbeddedServerError,
    check_faults,
    check_variations,
)
from prospecting_conformance.target.preflight import EXIT_MISCONFIGURED, PreflightError, preflight
from prospecting_conformance.target.settings import (
    EMBEDDED_VAR,
    FAULTS_VAR,
    NO_SHRINK_VAR,
    REPORTS_DIR_VAR,
    SEED_LIMIT,
    SEED_VAR,
    VARIATIONS_VAR,
    SettingsError,
    check_reports_dir,
    check_seed,
    resolve,
    run_seed,
)

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
BUDGET_PROPERTY = "prospecting_budget_spent"

_embedded = pytest.StashKey[EmbeddedServer]()
_controller = pytest.StashKey["RunController"]()
_context = pytest.StashKey[RunContext]()
# The test this process is running, kept apart from the run context: the first test's setup
# runs before the session fixture has made the context (issue 11, case 1).
_current_test = pytest.StashKey[str]()


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
    try:
        embedded_env = _configure_run(config)
    except (SettingsError, BaselineError, EmbeddedServerError) as exc:
        _stop_embedded(config)
        pytest.exit(f"preflight: {exc}", returncode=EXIT_MISCONFIGURED)
    try:
        target = target_from_env()
        preflight(target, run_rails(target), wait_s=10.0 if embedded_env else 0.0)
    except PreflightError as exc:
        _stop_embedded(config)
        pytest.exit(f"preflight: {exc}", returncode=exc.exit_status)
    controller = RunController(config)
    config.stash[_controller] = controller
    config.pluginmanager.register(controller, "prospecting-run-controller")
    controller.interruption.install()


def _configure_run(config: pytest.Config) -> bool:
    """Check the run's own settings, start the embedded server if needed, export the rest.

    Everything that can be checked without the target is checked before anything starts;
    the target's settings are checked by `target_from_env` once they are all known.
    """
    user_env = {k: v for k, v in os.environ.items() if k.startswith("PROSPECTING_")}
    options: dict[str, str] = {}
    for dest, var in OPTION_VARS.items():
        value = config.getoption(dest)
        if value not in (None, False):
            options[var] = "1" if value is True else str(value)
    if SEED_VAR in options or SEED_VAR in user_env:
        check_seed(options.get(SEED_VAR, user_env.get(SEED_VAR, "")))
    directory = check_reports_dir(reports_dir(config).resolve())
    ledger = directory / ".rails-ledger.json"
    ledger.unlink(missing_ok=True)
    os.environ[LEDGER_VAR] = str(ledger)
    if not config.option.xmlpath:
        config.option.xmlpath = str(directory / "junit.xml")
    baseline = config.getoption("prospecting_baseline")
    if baseline:
        Baseline.load(Path(baseline))
    faults = config.getoption("prospecting_faults")
    variations = config.getoption("prospecting_variations")
    embedded = ENV_VARS["base_url"] not in options and not user_env.get(ENV_VARS["base_url"])
    for option, names in (("--reference-fault", faults), ("--reference-variation", variations)):
        if names and not embedded:
            raise SettingsError(f"{option} only applies to the embedded server")
    server_env: dict[str, str] | None = None
    if embedded:
        check_faults(faults)
        check_variations(variations)
        server = EmbeddedServer(faults, variations)
        config.stash[_embedded] = server
        server_env = server.start()
    os.environ.update(resolve(options, user_env, server_env))
    os.environ[REPORTS_DIR_VAR] = str(directory)
    os.environ[EMBEDDED_VAR] = "1" if embedded else "0"
    os.environ[FAULTS_VAR] = ",".join(faults)
    os.environ[VARIATIONS_VAR] = ",".join(variations)
    os.environ.setdefault(SEED_VAR, str(random.randrange(SEED_LIMIT)))
    return embedded


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
    target = target_from_env()
    faults = os.environ.get(FAULTS_VAR) or "none"
    varied = os.environ.get(VARIATIONS_VAR) or "none"
    kind = (
        f"embedded reference server (faults: {faults}; variations: {varied})"
        if target.embedded
        else "live target"
    )
    seed = run_seed()
    return [
        f"prospecting target: {target.base_url} ({kind})",
        f"prospecting profile: {target.profile}, seed: {seed} (replay with --seed {seed})",
        # The settings in force, wherever they came from (option, environment, server).
        f"prospecting settings: writes {'on' if target.allow_writes else 'off'}, "
        f"job timeout {target.job_timeout:g} s, max rate {target.max_rate:g}/s, "
        f"max requests {target.max_requests}",
    ]


@pytest.fixture(scope="session")
def run_context(request: pytest.FixtureRequest) -> Iterator[RunContext]:
    """The run's target, spec, seed and recorder, active for the schemathesis checks."""
    try:
        target = target_from_env()
    except PreflightError as exc:
        pytest.exit(f"preflight: {exc}", returncode=exc.exit_status)
    context = RunContext(target=target, spec=load_spec(), seed=run_seed())
    # Made inside the first test's setup: that test is already running.
    context.recorder.current_test = request.config.stash.get(_current_test, "")
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
    with ProspectingClient(
        run_context.target, spec=run_context.spec, rails=run_context.rails
    ) as client:
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


RequireKey = Callable[[KeyName], Secret]


@pytest.fixture
def require_key(target: TargetConfig) -> RequireKey:
    """`require_key(name)`: skip unless the target configures that key (a Secret)."""

    def require(name: KeyName) -> Secret:
        key: Secret | None = getattr(target, KEY_FIELDS[name])
        if key is None:
            pytest.skip(f"needs the {name} key: set {ENV_VARS[KEY_FIELDS[name]]}")
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
    item.config.stash[_current_test] = item.nodeid
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
    if isinstance(error, RequestBudgetExceeded):
        return _stop_on_spent_budget(item, report, str(error))
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


def _stop_on_spent_budget(
    item: pytest.Item, report: pytest.TestReport, why: str
) -> pytest.TestReport:
    """A spent budget is no verdict on the test: it did not finish. The run stops here."""
    mark_incomplete(why)
    item.session.shouldstop = why
    report.outcome = "skipped"
    report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {why}")
    report.user_properties.append((BUDGET_PROPERTY, why))
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
        self.stopped_on_rule = False
        self.session: pytest.Session | None = None
        self.budget_spent: str | None = None
        self.record: dict[str, Any] | None = None
        self.interruption = Interruption(
            self._jobs_in_doubt, on_first=self._stop_after_this_test, on_exit=self._kill_server
        )

    def _stop_after_this_test(self) -> None:
        if self.session is not None:
            self.session.shouldstop = "interrupted (Ctrl-C)"

    def _jobs_in_doubt(self) -> list[str]:
        """Jobs the run saw and never saw end (a second Ctrl-C leaves them to an operator)."""
        if self.record is not None:
            jobs = self.record["jobs"]
        else:
            context = self.config.stash.get(_context, None)
            if context is None:
                return ["unknown (the workers of an xdist run track them)"]
            jobs = context.recorder.jobs
        return [
            f"{job_id} ({job.get('accountGroupId')})"
            for job_id, job in sorted(jobs.items())
            if job.get("status") not in TERMINAL
        ]

    def _kill_server(self) -> None:
        server = self.config.stash.get(_embedded, None)
        if server is not None:
            server.kill()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" and not (report.failed or report.skipped):
            return
        spent = next((str(v) for k, v in report.user_properties if k == BUDGET_PROPERTY), None)
        if spent is not None and self.budget_spent is None:
            self.budget_spent = spent
            if self.session is not None:
                self.session.shouldstop = spent
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
            self.stopped_on_rule = True

    def finish(self, session: pytest.Session, parts: Path) -> None:
        # A real Ctrl-C, not pytest's own "Interrupted" (collection errors, --stop-on-rule).
        interrupted = self.interruption.interrupted
        loaded = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(parts.glob("*.json"))]
        shutil.rmtree(parts, ignore_errors=True)
        record = merge(loaded)
        self.record = record
        if interrupted:
            self._line(
                "interrupted: settling the jobs and writing the reports "
                "(Ctrl-C again exits at once)"
            )
        incomplete = _unique([*record["incomplete"], *incomplete_reasons()])
        pytest_status = session.exitstatus
        # Collection errors, no test selected, an internal error: whatever the tests said, the
        # run did not do what it had to. Not so for a stop someone asked for (Ctrl-C,
        # --stop-on-rule), nor one whose reason is already known (a budget that ran out and
        # stopped the run through pytest.exit).
        if not (interrupted or self.stopped_on_rule or incomplete) and pytest_status not in (
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
        ):
            incomplete.append(f"pytest ended with exit status {int(pytest_status)}")
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
            jobs_left_running=self._settle(target, record),
            incomplete=incomplete,
            interrupted=interrupted,
        )
        summary = build_summary(facts, record, load_spec(), self._baseline())
        summary["secondsToFirstFailure"] = self.first_failure_s
        summary["notes"] = _rail_notes(target)
        summary["weather"] = weather_summary(record["weather"])
        directory = reports_dir(self.config)
        # GitHub Actions shows this file on the job's page; other CIs publish summary.md.
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        write_reports(directory, summary, Path(step_summary) if step_summary else None)
        self._say(summary, directory)
        session.exitstatus = summary["exitStatus"]

    def _line(self, text: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(text)

    def _settle(self, target: TargetConfig, record: dict[str, Any]) -> list[str]:
        """Settle the run's jobs; the weather settle meets joins the run's."""
        rails = run_rails(target)
        before = rails.weather.to_dict()
        left = settle_jobs(target, record["jobs"], rails)
        for kind, counts in rails.weather.to_dict().items():
            added = Counter(counts) - Counter(before[kind])
            record["weather"][kind] = dict(Counter(record["weather"][kind]) + added)
        return left

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
            red=summary["verdict"] != "pass",
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
        for entry in summary["notExercised"]:
            reporter.write_line(
                f"  not exercised [{entry['rule']}] {entry['operation']} ({entry['ticket']}): "
                "no finding, but nothing tested it either"
            )
        for job in summary["jobsLeftRunning"]:
            why = " (a known issue's job)" if job in summary["knownJobsLeftRunning"] else ""
            reporter.write_line(f"  job left running (cancel it by hand){why}: {job}", red=True)
        for note in summary["notes"]:
            reporter.write_line(f"note: {note}")
        if summary["weather"]["responses"]:
            reporter.write_line(f"weather: {describe_weather(summary['weather'])}")
        links = summary["links"]
        reporter.write_line(
            f"links followed: {len(links['covered'])}/{len(links['declared'])}; "
            f"reports: {directory}"
        )


def _rail_notes(target: TargetConfig) -> list[str]:
    """What the rails kept the run from doing, said once."""
    if target.allow_writes:
        return []
    return [
        f"writes are off ({ENV_VARS['allow_writes']}): jobs were neither started nor cancelled, "
        "and the undeclared-method checks (405, S4) sent only "
        + ", ".join(unexpected_methods(target))
    ]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


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
        for kind, counts in context.rails.weather.to_dict().items():
            context.recorder.weather[kind].update(counts)
        context.recorder.incomplete += incomplete_reasons()
        context.recorder.dump(parts / f"{name}.json")
    controller = config.stash.get(_controller, None)
    if controller is not None:
        controller.finish(session, parts)


def pytest_unconfigure(config: pytest.Config) -> None:
    # Here rather than at session end: this runs however the session ended, and after every
    # report writer (JUnit's included) has written its file.
    controller = config.stash.get(_controller, None)
    if controller is not None:
        controller.interruption.uninstall()
        Redactor.for_target(target_from_env()).files(reports_dir(config))
    _stop_embedded(config)
