"""The matrix's plan: which runs it makes, in which order, under which labels."""

from __future__ import annotations

from prospecting_conformance.mutation.plan import (
    ALL_VARIATIONS,
    ALL_VARIATIONS_TIMED,
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
LATENCY, STORM = VARIATIONS["network_latency"], VARIATIONS["rate_limit_storm"]


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


def test_variations_that_wait_run_beside_the_pool_and_not_under_each_fault() -> None:
    # Given a variation that slows every answer, one that waits a long 429 burst, and gzip
    runs = plan([FAULT], [GZIP, LATENCY, STORM], 0)

    # Then the slow answers run on the tests where time shows, alone and with all the others;
    # the whole suite runs with the rest at once; the fault runs with the quick one only
    tests = LATENCY.matrix_tests
    everything = (GZIP.name, LATENCY.name, STORM.name)
    assert "tests/conformance/test_lifecycle.py" in tests
    assert runs == [
        PlannedRun(ALL_VARIATIONS, (), VARIATION_SEED, (GZIP.name, STORM.name), waits=True),
        PlannedRun(ALL_VARIATIONS_TIMED, (), VARIATION_SEED, everything, tests=tests, waits=True),
        PlannedRun("variation-gzip_when_accepted", (), VARIATION_SEED, (GZIP.name,)),
        PlannedRun(
            "variation-network_latency",
            (),
            VARIATION_SEED,
            (LATENCY.name,),
            tests=tests,
            waits=True,
        ),
        PlannedRun("variation-rate_limit_storm", (), VARIATION_SEED, (STORM.name,), waits=True),
        PlannedRun("cancel_ignored+variations", (FAULT,), FAULT_SEED, (GZIP.name,)),
        PlannedRun("cancel_ignored", (FAULT,), FAULT_SEED, ()),
    ]


def test_only_control_runs_are_controls() -> None:
    labels = [run.label for run in plan([FAULT], [GZIP], 3)]

    assert [label for label in labels if is_control(label)] == [
        "control-101",
        "control-202",
        "control-303",
    ]
