"""The end of the run, on the controller: merge, settle, judge, report.

Each process keeps a recorder; at the end the workers write theirs out and the controller
merges them, settles every job the run started, and judges the run as a whole
(reachability, link coverage, jobs left running). Outcomes arrive as the tests report.
"""

from __future__ import annotations

import json
import shlex
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.fuzz.loading import unexpected_methods
from prospecting_conformance.plugin.interruption import run_interruption
from prospecting_conformance.plugin.outcomes import BUDGET_PROPERTY, FINDINGS_PROPERTY
from prospecting_conformance.plugin.state import (
    CONTEXT,
    is_worker,
    process_rails,
    reports_dir,
    stop_embedded,
    uses_target,
)
from prospecting_conformance.plugin.terminal import say_line, say_summary
from prospecting_conformance.rails.usage import BudgetForecast
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.reporting.latency import latency_summary
from prospecting_conformance.reporting.summary import RunFacts, build_summary
from prospecting_conformance.reporting.write import write_reports
from prospecting_conformance.run.context import rails_for_run
from prospecting_conformance.run.exchanges import read_exchanges
from prospecting_conformance.run.exchanges import reset as reset_exchanges
from prospecting_conformance.run.record import RunRecord
from prospecting_conformance.run.recorder import merge
from prospecting_conformance.run.settle import UnsettledJob, settle_jobs
from prospecting_conformance.run.verdict import Outcome
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import PROFILE_REQUEST_NEEDS, TargetConfig
from prospecting_conformance.target.settings import (
    reference_faults,
    run_seed,
    run_target,
    skipped_rules,
    step_summary_path,
)

__all__ = ["CONTROLLER", "RunController", "pytest_sessionfinish", "pytest_unconfigure"]


class RunController:
    """The controller's view of the run: outcomes as they arrive, then the verdict and reports."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = time.monotonic()
        self.started_at = _now()
        self.outcomes: dict[str, Outcome] = {}
        self.first_failure_s: float | None = None
        self.stop_rules = frozenset(config.getoption("prospecting_stop_rules"))
        self.stopped_on_rule = False
        self.session: pytest.Session | None = None
        self.budget_spent: str | None = None
        self.record: RunRecord | None = None
        self.interruption = run_interruption(self)
        self.forecast: BudgetForecast | None = None
        self.budget_warning: str | None = None

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        self.session = session

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self._forecast([item.nodeid for item in session.items])

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        if self.forecast is None:  # every worker collects the same tests
            self._forecast(ids)

    def _forecast(self, nodeids: list[str]) -> None:
        if not nodeids:
            return
        target = run_target()
        expected = PROFILE_REQUEST_NEEDS[target.profile]
        self.forecast = BudgetForecast(target.request_budget, nodeids, expected)
        self._warn(self.forecast.at_start(process_rails(self.config).usage().by_layer))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "teardown" and self.forecast is not None:
            self._warn_of_budget(report.nodeid)
        if report.when != "call" and not (report.failed or report.skipped):
            return
        spent = next((str(v) for k, v in report.user_properties if k == BUDGET_PROPERTY), None)
        if spent is not None and self.budget_spent is None:
            self.budget_spent = spent
            self._stop(spent)
        if report.failed and self.first_failure_s is None:
            self.first_failure_s = round(time.monotonic() - self.started, 3)
        keys: list[list[Any]] = next(
            (json.loads(str(v)) for k, v in report.user_properties if k == FINDINGS_PROPERTY), []
        )
        previous = self.outcomes.get(report.nodeid)
        if previous is not None and previous.outcome == "failed":
            return  # a teardown pass does not undo a call failure
        self.outcomes[report.nodeid] = Outcome(
            nodeid=report.nodeid,
            outcome=report.outcome,
            finding_keys=tuple((k[0], k[1], k[2]) for k in keys),
            message=_short(report.longreprtext) if report.failed else "",
        )
        # A passing test's findings are known issues: no kill to stop at.
        stopping_on = self.stop_rules & {k[0] for k in keys} if report.failed else set()
        if stopping_on and self.session is not None:
            self._stop(f"a failure named {', '.join(sorted(stopping_on))}")
            self.stopped_on_rule = True

    def _warn_of_budget(self, nodeid: str) -> None:
        """Say, once and as soon as the ended tests show it, that the budget will not last."""
        assert self.forecast is not None
        usage = process_rails(self.config).usage()
        self._warn(self.forecast.test_ended(nodeid, usage.by_layer))

    def _warn(self, warning: str | None) -> None:
        if warning is not None:
            self.budget_warning = warning
            say_line(self.config, f"warning: {warning}")

    def _stop(self, why: str) -> None:
        if self.session is not None:
            self.session.shouldstop = why

    def finish(self, session: pytest.Session, parts: Path) -> None:
        # A real Ctrl-C, not pytest's own "Interrupted" (collection errors, --stop-on-rule).
        interrupted = self.interruption.interrupted
        loaded = [RunRecord.load(p) for p in sorted(parts.glob("*.json"))]
        shutil.rmtree(parts, ignore_errors=True)
        record = self.record = merge(loaded)
        if interrupted:
            say_line(
                self.config,
                "interrupted: settling the jobs and writing the reports "
                "(Ctrl-C again exits at once)",
            )
        incomplete = self._incomplete(session, record, interrupted)
        target = run_target()
        directory = reports_dir(self.config)
        exchanges = read_exchanges(directory)
        reset_exchanges(directory)
        facts = self._facts(target, record, incomplete, interrupted)
        facts.requests = process_rails(self.config).usage()
        spec = load_spec()
        # The spec's operations: an undeclared method or path is a probe, not an operation.
        facts.latency = latency_summary(
            (e.operation, e.elapsed_s)
            for e in exchanges
            if e.elapsed_s is not None and e.operation in spec.operations
        )
        summary = build_summary(facts, record, spec, self._baseline())
        write_reports(directory, summary, step_summary_path(), exchanges)
        say_summary(self.config, summary, directory)
        session.exitstatus = summary.exit_status

    def _facts(
        self,
        target: TargetConfig,
        record: RunRecord,
        incomplete: list[str],
        interrupted: bool,
    ) -> RunFacts:
        return RunFacts(
            base_url=target.base_url,
            embedded=target.embedded,
            faults=reference_faults(),
            profile=target.profile,
            seed=run_seed(),
            started_at=self.started_at,
            finished_at=_now(),
            command=shlex.join(["python", "-m", "pytest", *self.config.invocation_params.args]),
            outcomes=list(self.outcomes.values()),
            jobs_left_running=self._settle(target, record),
            incomplete=incomplete,
            interrupted=interrupted,
            seconds_to_first_failure=self.first_failure_s,
            notes=_rail_notes(target) + ([self.budget_warning] if self.budget_warning else []),
            skipped_rules=tuple(sorted(skipped_rules())),
        )

    def _incomplete(
        self, session: pytest.Session, record: RunRecord, interrupted: bool
    ) -> list[str]:
        """Why the run did not do all it had to, as the processes (merged) and pytest tell it."""
        incomplete = list(record.incomplete)
        status = session.exitstatus
        # Collection errors, no test selected, an internal error: whatever the tests said, the
        # run did not do what it had to. Not so for a stop someone asked for (Ctrl-C,
        # --stop-on-rule), nor one whose reason is already known (a budget that ran out and
        # stopped the run through pytest.exit).
        if not (interrupted or self.stopped_on_rule or incomplete) and status not in (
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
        ):
            incomplete.append(f"pytest ended with exit status {int(status)}")
        return incomplete

    def _settle(self, target: TargetConfig, record: RunRecord) -> list[UnsettledJob]:
        """Settle the run's jobs on a gate of their own over the run's ledger (its budget,
        reserve and rate), so that the weather it counts is what settle met, and joins the
        run's."""
        rails = rails_for_run(target)
        left = settle_jobs(target, record.jobs, rails)
        record.weather.add(rails.weather)
        return left

    def _baseline(self) -> Baseline | None:
        path = self.config.getoption("prospecting_baseline")
        return Baseline.load(Path(path)) if path else None


CONTROLLER = pytest.StashKey[RunController]()


def _rail_notes(target: TargetConfig) -> list[str]:
    """What the rails kept the run from doing, said once."""
    if target.allow_writes:
        return []
    return [
        f"writes are off ({ENV_VARS['allow_writes']}): jobs were neither started nor cancelled, "
        "and the undeclared-method checks (405, S4) sent only "
        + ", ".join(unexpected_methods(target))
    ]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _short(text: str, limit: int = 600) -> str:
    lines = [line for line in text.splitlines() if line.startswith("E ")]
    shown = "\n".join(lines) if lines else text
    return shown[-limit:]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Every process writes its recorder out; the controller then finishes the run."""
    config = session.config
    if not uses_target(config):
        return
    parts = reports_dir(config) / ".parts"
    context = config.stash.get(CONTEXT, None)
    name = config.workerinput["workerid"] if is_worker(config) else "main"  # type: ignore[attr-defined]
    if context is not None:
        context.recorder.dump(parts / f"{name}.json")
    controller = config.stash.get(CONTROLLER, None)
    if controller is not None:
        controller.finish(session, parts)


def pytest_unconfigure(config: pytest.Config) -> None:
    # Here rather than at session end: this runs however the session ended, and after every
    # report writer (JUnit's included) has written its file.
    controller = config.stash.get(CONTROLLER, None)
    if controller is not None:
        controller.interruption.uninstall()
        run_target().redactor().files(reports_dir(config))
    stop_embedded(config)
