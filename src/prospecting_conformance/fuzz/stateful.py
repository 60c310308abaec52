"""The stateful phase: scenarios that follow the spec's links, and the gate on following them.

It runs through schemathesis' engine, the one behind `st run`: the engine steers scenarios
towards links not yet followed and pins configured parameters on every step; a plain
Hypothesis state machine covers the deeper links only by chance, and a gate on chance is a
flaky gate.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from schemathesis import engine
from schemathesis.engine import events
from schemathesis.engine.run import PhaseName

from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.loading import fuzz_schema
from prospecting_conformance.fuzz.transport import railed_engine_sessions, sending_for
from prospecting_conformance.rails.gate import RequestBudgetExceeded
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec

__all__ = ["PROGRESS_EVERY_S", "StatefulRun", "links_never_followed", "run_stateful"]

# How often a long phase reports how far it got.
PROGRESS_EVERY_S = 5.0


@dataclass
class StatefulRun:
    """What the stateful phase did: scenarios run, links followed, failures met."""

    scenarios: int = 0
    links_covered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    def progress(self, declared: int) -> str:
        """The progress line a long phase shows."""
        return (
            f"stateful phase: {self.scenarios} scenarios, "
            f"{len(self.links_covered)}/{declared} links followed"
        )


def run_stateful(context: RunContext, progress: Callable[[str], None] | None = None) -> StatefulRun:
    """Run the stateful phase for `context`'s run; a long one reports its progress every few
    seconds to `progress`."""
    schema = fuzz_schema(context.target, context.spec, context.seed)
    schema.config.phases.update(phases=["stateful"])
    run = StatefulRun()
    declared = len(spec_links(context.spec))
    next_report = time.monotonic() + PROGRESS_EVERY_S
    rails = context.rails
    with (
        sending_for(schema, context, in_worker_thread=True),
        railed_engine_sessions(rails),
    ):
        stream = engine.from_schema(schema).execute()
        for event in stream:
            if rails.spent is not None:
                # The engine reports what a step raised as an error and goes on: stop it, and
                # read it to its end, since its thread sends through the bindings above.
                stream.stop()
                continue
            if progress is not None and time.monotonic() >= next_report:
                progress(run.progress(declared))
                next_report = time.monotonic() + PROGRESS_EVERY_S
            _follow(event, run, context.recorder)
    if rails.spent is not None:
        raise RequestBudgetExceeded(rails.spent)
    return run


def _follow(event: Any, run: StatefulRun, recorder: Recorder) -> None:
    """Take what one engine event says about scenarios, links and failures into `run`."""
    if isinstance(event, events.ScenarioFinished) and event.phase == PhaseName.STATEFUL_TESTING:
        run.scenarios += 1
        for node in event.recorder.cases.values():
            if node.transition is not None and node.is_transition_applied:
                run.links_covered.add(node.transition.id)
                recorder.cover_link(node.transition.id)
        # Our own checks' failures are findings, recorded where they were judged; what is
        # left is a check that could not name a rule.
        for checks in event.recorder.checks.values():
            run.failures += [
                f"{check.name}: {check.failure_info.failure.title}"
                for check in checks
                if check.failure_info is not None and check.name not in FUZZ_CHECKS
            ]
    elif isinstance(event, events.NonFatalError | events.FatalError):
        run.failures.append(f"engine error: {getattr(event, 'value', None) or event}")


def links_never_followed(spec: Spec, covered: Iterable[str]) -> list[str]:
    """The gate: the links the spec declares that no scenario of the run followed."""
    return sorted(spec_links(spec) - set(covered))
