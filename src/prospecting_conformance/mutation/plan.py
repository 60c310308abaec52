"""The matrix's plan: every run it makes, each a label, the faults and variations it switches
on, and its seed.

Controls run on the unfaulted server under several seeds; each fault runs once alone; with
variations, each variation runs alone, all of them run at once, and each fault runs again
under all of them. The labels are how the score finds each run's result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from prospecting_conformance.reference.faults import Fault
from prospecting_conformance.reference.variations import Variation

__all__ = [
    "ALL_VARIATIONS",
    "CONTROL_SEEDS",
    "FAULT_SEED",
    "VARIATION_SEED",
    "PlannedRun",
    "alone",
    "is_control",
    "plan",
    "under_variations",
]

CONTROL_SEEDS = (101, 202, 303)
FAULT_SEED = 404
VARIATION_SEED = 505
ALL_VARIATIONS = "all-variations"
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
        names = tuple(v.name for v in variations)
        runs.append(PlannedRun(ALL_VARIATIONS, (), VARIATION_SEED, names))
        runs += [PlannedRun(alone(v), (), VARIATION_SEED, (v.name,)) for v in variations]
        runs += [PlannedRun(under_variations(f), (f,), FAULT_SEED, names) for f in faults]
    runs += [PlannedRun(fault.name, (fault,), FAULT_SEED, ()) for fault in faults]
    return runs
