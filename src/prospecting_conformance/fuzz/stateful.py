"""The stateful phase: scenarios that follow the spec's links, and the gate on following them.

It runs through schemathesis' engine, the one behind `st run`: the engine steers scenarios
towards links not yet followed and pins configured parameters on every step; a plain
Hypothesis state machine covers the deeper links only by chance, and a gate on chance is a
flaky gate.
"""

from __future__ import annotations

import ast
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any

from schemathesis import engine
from schemathesis.engine import events
from schemathesis.engine.core import EventStream
from schemathesis.engine.run import PhaseName

from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.loading import fuzz_schema
from prospecting_conformance.fuzz.transport import railed_engine_sessions, sending_for
from prospecting_conformance.rails.gate import Rails, RequestBudgetExceeded
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import Profile
from prospecting_conformance.target.profiles import PROFILE_SETTINGS

__all__ = [
    "PROGRESS_EVERY_S",
    "StatefulRun",
    "links_never_followed",
    "one_ast_parse_at_a_time",
    "run_stateful",
    "walkers_for",
]

# How often a long phase reports how far it got.
PROGRESS_EVERY_S = 5.0
# Below this median answer time a step costs more of our CPU than of waiting (the embedded
# server on loopback answers in about 1 ms, a step costs several of ours): one walker does the
# same work without the others' overhead. Across a network (tens to hundreds of ms) the
# walkers overlap the waits.
WAITING_ON_THE_TARGET_S = 0.02


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
    seconds to `progress`.

    The profile's scenarios are shared among its walkers (`walkers_for`), each an engine of
    its own in a thread with its own seed (`seed + n`): schemathesis runs one scenario at a
    time, and against a target across a network a walk spends nearly all its time waiting
    for answers. The walkers send through the run's rails, so its budget and rate hold as
    for one.
    """
    walkers = walkers_for(context.rails, context.target.profile)
    share = math.ceil(PROFILE_SETTINGS[context.target.profile].stateful_max_examples / walkers)
    schemas = [
        fuzz_schema(context.target, context.spec, context.seed + n, stateful_examples=share)
        for n in range(walkers)
    ]
    with ExitStack() as bound:
        for schema in schemas:
            schema.config.phases.update(phases=["stateful"])
            bound.enter_context(sending_for(schema, context, in_worker_thread=True))
        bound.enter_context(railed_engine_sessions(context.rails))
        bound.enter_context(one_ast_parse_at_a_time())
        streams = [engine.from_schema(schema).execute() for schema in schemas]
        walk = _Walk(StatefulRun(), context, streams, progress)
        with ThreadPoolExecutor(len(streams), "walker") as pool:
            walking = [pool.submit(walk.follow, stream) for stream in streams]
            try:
                for walker in as_completed(walking):
                    walker.result()
            finally:
                # An interrupt stops every walker; the pool waits for their engines to end.
                walk.stop()
    if context.rails.spent is not None:
        # The engines report what a step raised as an error and go on; the run stops.
        raise RequestBudgetExceeded(context.rails.spent)
    return walk.run


def walkers_for(rails: Rails, profile: Profile) -> int:
    """The profile's walkers while the target's answers keep us waiting (or before any came),
    one when it answers faster than a step costs us."""
    typical = rails.typical_answer_s()
    if typical is not None and typical < WAITING_ON_THE_TARGET_S:
        return 1
    return PROFILE_SETTINGS[profile].stateful_walkers


@contextmanager
def one_ast_parse_at_a_time() -> Iterator[None]:
    """While open, `ast.parse` runs in one thread at a time.

    CPython 3.11 counts the AST constructor's recursion depth in state the threads share
    (python/cpython#106905): two threads parsing at once fail with "AST constructor recursion
    depth mismatch". Hypothesis parses the state machine's source at the start of every walk
    (`function_digest`), so without this the walkers fail each other by chance.
    """
    parse = ast.parse
    lock = threading.Lock()

    def parse_alone(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return parse(*args, **kwargs)

    ast.parse = parse_alone
    try:
        yield
    finally:
        ast.parse = parse


class _Walk:
    """What the walkers found, gathered under one lock as their engines report it."""

    def __init__(
        self,
        run: StatefulRun,
        context: RunContext,
        streams: list[EventStream],
        progress: Callable[[str], None] | None,
    ) -> None:
        self.run = run
        self.context = context
        self.streams = streams
        self.declared = len(spec_links(context.spec))
        self.progress = progress
        self._lock = threading.Lock()
        self._next_report = time.monotonic() + PROGRESS_EVERY_S

    def follow(self, stream: EventStream) -> None:
        """Read one walker's engine events to their end. Once the budget is spent every engine
        is stopped, and each is still read to its end: its threads send through the rails and
        the run's bindings, which must outlast them."""
        for event in stream:
            if self.context.rails.spent is not None:
                self.stop()
                continue
            with self._lock:
                _follow(event, self.run, self.context.recorder)
                self._report_progress()

    def stop(self) -> None:
        for stream in self.streams:
            stream.stop()

    def _report_progress(self) -> None:
        if self.progress is not None and time.monotonic() >= self._next_report:
            self.progress(self.run.progress(self.declared))
            self._next_report = time.monotonic() + PROGRESS_EVERY_S


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
