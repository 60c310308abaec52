"""The fault catalogue: named, realistic regressions the reference server can be started with.

The suite proves its worth by detecting every one of these (the mutation score,
docs/contract.md §6). Each fault says in one line what it breaks and names the rules
(core/rules.py) that must catch it; the selftests check that the server really deviates that
way when the fault is on, and the mutation matrix checks that the suite then fails on one of
those rules.

    fault.py      what a fault is, and `FaultName`: every name, once
    contract.py   the faults against the contract as written
    blindspot.py  the faults a catalogue written beside the tests tends to miss
    reading.py    how the service reads a request: references, spellings, negotiation, ids
"""

from __future__ import annotations

from collections.abc import Iterable

from prospecting_conformance.reference.catalogue import resolve_names
from prospecting_conformance.reference.faults.blindspot import BLINDSPOT_FAULTS
from prospecting_conformance.reference.faults.contract import CONTRACT_FAULTS
from prospecting_conformance.reference.faults.fault import (
    ENVELOPE_FAULTS,
    FAULT_NAMES,
    ActiveFaults,
    Fault,
    FaultFamily,
    FaultName,
)
from prospecting_conformance.reference.faults.reading import READING_FAULTS

__all__ = [
    "ENVELOPE_FAULTS",
    "FAULTS",
    "ActiveFaults",
    "Fault",
    "FaultFamily",
    "FaultName",
    "describe_faults",
    "resolve_faults",
]

FAULTS: dict[str, Fault] = {f.name: f for f in CONTRACT_FAULTS + BLINDSPOT_FAULTS + READING_FAULTS}


def resolve_faults(names: Iterable[str]) -> ActiveFaults:
    """The named faults switched on; a ValueError names the unknown ones and lists the valid."""
    return resolve_names(names, FAULT_NAMES, "fault")


def describe_faults() -> list[str]:
    """One line per fault: name, family, the rules that catch it, what it breaks."""
    width = max(len(name) for name in FAULTS)
    return [
        f"{f.name:<{width}}  {f.family:<9}  {','.join(f.caught_by):<10}  {f.summary}"
        for f in FAULTS.values()
    ]
