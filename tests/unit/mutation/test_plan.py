"""The matrix's plan: which runs it makes, in which order, under which labels."""

from __future__ import annotations

from prospecting_conformance.mutation.plan import (
    ALL_VARIATIONS,
    FAULT_SEED,
    VARIATION_SEED,
    PlannedRun,
    is_control,
    plan,
)
from prospecting_conformance.reference.faults import FAULTS
from prospecting_conformance.reference.variations import VARIATIONS

FAULT = FAULTS["cancel_ignored"]
GZIP, UUIDS = VARIATIONS["gzip_when_accepted"], VARIATIONS["uuid_ids"]


def test_without_variations_the_controls_then_each_fault_alone() -> None:
    assert plan([FAULT], [], 2) == [
        PlannedRun("control-101", (), 101, ()),
        PlannedRun("control-202", (), 202, ()),
        PlannedRun("cancel_ignored", (FAULT,), FAULT_SEED, ()),
    ]


def test_with_variations_the_full_runs_come_before_the_faulted_ones() -> None:
    # Given two variations and one fault, and no control
    runs = plan([FAULT], [GZIP, UUIDS], 0)

    # Then all variations at once, each alone, the fault under both, then the fault alone
    both = (GZIP.name, UUIDS.name)
    assert runs == [
        PlannedRun(ALL_VARIATIONS, (), VARIATION_SEED, both),
        PlannedRun("variation-gzip_when_accepted", (), VARIATION_SEED, (GZIP.name,)),
        PlannedRun("variation-uuid_ids", (), VARIATION_SEED, (UUIDS.name,)),
        PlannedRun("cancel_ignored+variations", (FAULT,), FAULT_SEED, both),
        PlannedRun("cancel_ignored", (FAULT,), FAULT_SEED, ()),
    ]


def test_only_control_runs_are_controls() -> None:
    labels = [run.label for run in plan([FAULT], [GZIP], 3)]

    assert [label for label in labels if is_control(label)] == [
        "control-101",
        "control-202",
        "control-303",
    ]
