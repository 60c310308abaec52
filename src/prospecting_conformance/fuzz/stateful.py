"""The stateful phase: scenarios that follow the spec's links, and the gate on following them.

It runs through schemathesis' engine, the one behind `st run`: the engine steers scenarios
towards links not yet followed and pins configured parameters on every step; a plain
Hypothesis state machine covers the deeper links only by chance, and a gate on chance is a
flaky gate.
"""

from __future__ import annotations

import ast
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from schemathesis import engine
from schemathesis.engine import events
from schemathesis.engine.run import PhaseName

from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.loading import fuzz_schema
from prospecting_conformance.fuzz.transport import railed_engine_sessions, sending_for
from prospecting_conformance.rails.gate import BudgetRefusal, RequestBudgetExceeded
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.profiles import PROFILE_SETTINGS
from prospecting_conformance.target.settings import SEED_LIMIT

__all__ = [
    "PROGRESS_EVERY_S",
    "StatefulRun",
    "links_never_followed",
    "run_stateful",
]

# How often a long phase reports how far it got.
PROGRESS_EVERY_S = 5.0


@dataclass
class StatefulRun:
    """What the stateful phase did: walks at once, scenarios run, links followed, failures met."""

    walks: int = 1
    scenarios: int = 0
    links_covered: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
    # Walks report from their own threads.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def progress(self, declared: int) -> str:
        """The progress line a long phase shows."""
        return (
            f"stateful phase: {self.scenarios} scenarios, "
            f"{len(self.links_covered)}/{declared} links followed"
        )


def run_stateful(context: RunContext, progress: Callable[[str], None] | None = None) -> StatefulRun:
    """Run the stateful phase for `context`'s run; a long one reports its progress every few
    seconds to `progress`.

    Several walks may run at once (the target's `concurrency_for`), each with its own seed
    and its share of the profile's scenarios: a walk waits for every answer before its next
    step, so across a network one walk at a time is the run's latency times its steps. They
    share the run's rails (one budget, one rate) and record into the one recorder."""
    walks = context.target.concurrency_for(context.recorder.typical_answer_s())
    run = StatefulRun(walks=walks)
    rails = context.rails
    walkers = [_Walk(schema, run, context) for schema in _walk_schemas(context, walks)]
    declared = len(spec_links(context.spec))

    def report() -> None:
        if progress is not None:
            progress(run.progress(declared))

    with ExitStack() as bindings:
        bindings.enter_context(railed_engine_sessions(rails))
        for walker in walkers:
            bindings.enter_context(sending_for(walker.schema, context, in_worker_thread=True))
        if walks > 1:
            bindings.enter_context(_parsing_one_at_a_time())
            # Each walk may have a start in flight: the settle reserve keeps room for all.
            bindings.callback(setattr, rails, "concurrent_senders", rails.concurrent_senders)
            rails.concurrent_senders = walks
        _walk_all(walkers, report)
    for walker in walkers:
        if walker.error is not None:
            raise walker.error
    if rails.spent is not None:
        raise RequestBudgetExceeded(rails.spent)
    return run


def _walk_schemas(context: RunContext, walks: int) -> list[Any]:
    """One schema per walk, each with its own seed and its share of the profile's scenarios."""
    profile = PROFILE_SETTINGS[context.target.profile]
    share = -(-profile.stateful_max_examples // walks)
    schemas = []
    for number in range(walks):
        seed = (context.seed + number) % SEED_LIMIT
        schema = fuzz_schema(context.target, context.spec, seed, stateful_examples=share)
        schema.config.phases.update(phases=["stateful"])
        schemas.append(schema)
    return schemas


def _walk_all(walkers: list[_Walk], report: Callable[[], None]) -> None:
    """Start the walks and wait for them all, calling `report` every few seconds."""
    next_report = time.monotonic() + PROGRESS_EVERY_S
    try:
        for walker in walkers:
            walker.start()
        while running := [walker for walker in walkers if walker.is_alive()]:
            running[0].join(max(0.0, next_report - time.monotonic()))
            if time.monotonic() >= next_report:
                # Moved on whether or not a line is shown: a deadline left in the past would
                # make this loop spin and take the walks' interpreter lock.
                next_report = time.monotonic() + PROGRESS_EVERY_S
                report()
    finally:
        # An interrupt (or an error here) stops every walk; each stops its engine and reads
        # it to its end, since its threads send through the caller's bindings.
        for walker in walkers:
            walker.stop()
        for walker in walkers:
            walker.join()


class _Walk(threading.Thread):
    """One walk: schemathesis' engine on one schema, its events taken into the shared run."""

    def __init__(self, schema: Any, run: StatefulRun, context: RunContext) -> None:
        super().__init__(name="prospecting-stateful-walk", daemon=True)
        self.schema = schema
        self._run = run
        self._context = context
        self._stopping = threading.Event()
        self.error: BaseException | None = None

    def stop(self) -> None:
        self._stopping.set()

    def run(self) -> None:
        try:
            stream = engine.from_schema(self.schema).execute()
            for event in stream:
                if self._context.rails.spent is not None or self._stopping.is_set():
                    # The engine reports what a step raised as an error and goes on: stop
                    # it, and read it to its end.
                    stream.stop()
                    continue
                _follow(event, self._run, self._context.recorder)
        except BudgetRefusal:
            # The budget ran out under the engine (its probes send outside the stream's
            # control): rails.spent says so, and run_stateful stops the run on it.
            pass
        except BaseException as error:  # handed to the test's thread, which raises it
            self.error = error


@contextmanager
def _parsing_one_at_a_time() -> Iterator[None]:
    """While open, `ast.parse` parses for one thread at a time.

    Hypothesis reads a state machine's source each time a walk starts a suite, and CPython
    3.11 can fail two threads that build an AST at once ("AST constructor recursion depth
    mismatch", python/cpython#106905): one walk in six at eight at once ended on it. What a
    parse returns is unchanged; only its turn is.
    """
    lock = threading.Lock()
    parse = ast.parse

    def parse_in_turn(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    with mock.patch.object(ast, "parse", parse_in_turn):
        yield


def _follow(event: Any, run: StatefulRun, recorder: Recorder) -> None:
    """Take what one engine event says about scenarios, links and failures into `run`."""
    with run.lock:
        _take(event, run, recorder)


def _take(event: Any, run: StatefulRun, recorder: Recorder) -> None:
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
