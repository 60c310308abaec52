"""The matrix's plan: every run it makes, each a label, the faults and variations it switches
on, and its seed.

Controls run on the unfaulted server under several seeds; each fault runs once alone; with
variations, each variation runs alone, all of them run at once, and each fault runs again
under all of them. The labels are how the score finds each run's result.

Two things bend that for the variations that wait on purpose (`Variation.slow`: a real
network's latency, a long 429 burst): each of their runs takes minutes of sleeping, so they
are left out of the faults' runs (45 of them), and their own runs wait beside the pool, not in
it (`PlannedRun.waits`). One whose every answer is slow (`Variation.matrix_tests`) runs on the
tests where time shows, and all the variations at once run there a second time with it on.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from prospecting_conformance.reference.faults import Fault
from prospecting_conformance.reference.variations import Variation

__all__ = [
    "ALL_VARIATIONS",
    "ALL_VARIATIONS_TIMED",
    "CONTROL_SEEDS",
    "FAULT_SEED",
    "VARIATION_SEED",
    "PlannedRun",
    "all_at_once",
    "alone",
    "is_control",
    "plan",
    "under_variations",
]

CONTROL_SEEDS = (101, 202, 303)
FAULT_SEED = 404
VARIATION_SEED = 505
ALL_VARIATIONS = "all-variations"
# All of them again, with the reduced-selection ones on too, on their tests.
ALL_VARIATIONS_TIMED = "all-variations-timed"
CONTROL_PREFIX = "control-"


class PlannedRun(NamedTuple):
    label: str
    faults: tuple[Fault, ...]
    seed: int
    variations: tuple[str, ...]
    # A faulted run stops at its kill; a run that must see everything does not.
    stop_on_kill: bool = True
    # The known issues the run is given (--baseline), and the tests it runs (all when none).
    baseline: str | None = None
    tests: tuple[str, ...] = ()
    # It sleeps most of its time (Variation.slow): it runs beside the pool, not in a slot.
    waits: bool = False


def alone(variation: Variation) -> str:
    """The label of the run with this one variation on."""
    return f"variation-{variation.name}"


def under_variations(fault: Fault) -> str:
    """The label of the fault's run with every chosen variation on."""
    return f"{fault.name}+variations"


def is_control(label: str) -> bool:
    return label.startswith(CONTROL_PREFIX)


def plan(faults: Sequence[Fault], variations: Sequence[Variation], seeds: int) -> list[PlannedRun]:
    """Every run of the matrix, the full runs (controls, variations) first, so that the pool
    does not end waiting on one long straggler; faulted runs stop at their kill."""
    runs = [PlannedRun(f"{CONTROL_PREFIX}{seed}", (), seed, ()) for seed in CONTROL_SEEDS[:seeds]]
    if variations:
        runs += all_at_once(variations)
        runs += [
            PlannedRun(alone(v), (), VARIATION_SEED, (v.name,), tests=v.matrix_tests, waits=v.slow)
            for v in variations
        ]
        quick = tuple(v.name for v in variations if not v.slow)
        runs += [PlannedRun(under_variations(f), (f,), FAULT_SEED, quick) for f in faults]
    runs += [PlannedRun(fault.name, (fault,), FAULT_SEED, ()) for fault in faults]
    return runs


def all_at_once(variations: Sequence[Variation]) -> list[PlannedRun]:
    """Every variation on at once: on the whole suite, those that slow every answer aside; and
    with those too, on the tests they name."""
    whole = [v for v in variations if not v.matrix_tests]
    waits = any(v.slow for v in whole)
    names = tuple(v.name for v in whole)
    runs = [PlannedRun(ALL_VARIATIONS, (), VARIATION_SEED, names, waits=waits)]
    tests = tuple(dict.fromkeys(t for v in variations for t in v.matrix_tests))
    if tests:
        every = tuple(v.name for v in variations)
        runs.append(
            PlannedRun(ALL_VARIATIONS_TIMED, (), VARIATION_SEED, every, tests=tests, waits=True)
        )
    return runs
