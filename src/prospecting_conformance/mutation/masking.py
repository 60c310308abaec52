"""The masking score: a known issue on every answer must hide no other regression.

A real target carries known issues, and a release manager baselines them. The matrix proves
that this blinds nothing, for each of `MASKING_FAULTS` (faults that touch every response):

1. `found`: the fault alone, the whole quick profile, to write its baseline with the
   baseline writer, as a release manager would;
2. `alone`: the fault alone again, with that baseline: the run must PASS;
3. one run per other fault of the catalogue, beside every masking fault at once, all of them
   baselined (a real target carries several known issues, not one). The other must still be
   caught with its own rule, as a new finding. The run takes the tests that caught the other
   fault on its own (its solo run names them): the question is whether the known issues hide
   it where it was seen, and asking only there keeps these runs to seconds each. A run those
   tests do not catch goes again over the whole profile (a test may need what an earlier one
   left behind). A masking fault whose rules cover all of the other's is left out of that
   run: a baseline accepts a rule, so the two are one issue as far as it can tell.

Also one run with a whole family of faults on at once (`FAMILY_AT_ONCE`), no baseline: every
fault of it must be reported under one of its rules.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prospecting_conformance.mutation.plan import FAULT_SEED, PlannedRun
from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.reference.faults import FAULTS, Fault
from prospecting_conformance.reporting.baseline import baseline_from_findings
from prospecting_conformance.run.record import RUN_UNIQUE, RecordedFinding

__all__ = [
    "FAMILY_AT_ONCE",
    "MASKING_FAULTS",
    "family_label",
    "first_stage",
    "masking_score",
    "second_stage",
    "third_stage",
]

# A constant traceId (E4), a wrong content type (E5) and a generic error code (E6): each
# shows on every answer (of every error, for E6), and none is the only rule of another fault.
# A fault that breaks the schema too would not do: its baseline accepts S2 on every operation,
# which is the only rule of the schema faults (a known S2 is any S2, by design of a baseline).
MASKING_FAULTS = ("trace_id_constant", "content_type_text_plain", "error_code_generic")
RUN_WIDE_RULES = frozenset(rule for rule, _, _ in RUN_UNIQUE.values())
# A family whose faults can all be on at once without one making another unobservable.
FAMILY_AT_ONCE = "tenancy"


def _found(masking: str) -> str:
    return f"mask-{masking}-found"


def _alone(masking: str) -> str:
    return f"mask-{masking}-alone"


def _beside(known: Sequence[str], other: str) -> str:
    return f"mask-{'+'.join(known)}+{other}"


def _known_beside(other: Fault, found: Sequence[str]) -> tuple[str, ...]:
    """The masking faults a run of `other` carries: every one found, but `other` itself and
    those whose rules cover all of its own."""
    return tuple(
        name for name in found if name != other.name and not _same_rules(other, FAULTS[name])
    )


def family_label(family: str) -> str:
    return f"family-{family}"


def first_stage(faults: Sequence[Fault]) -> list[PlannedRun]:
    """The runs that need nothing from another: each masking fault found, the family at once."""
    chosen = {fault.name for fault in faults}
    runs = [
        PlannedRun(_found(name), (FAULTS[name],), FAULT_SEED, (), stop_on_kill=False)
        for name in MASKING_FAULTS
        if name in chosen
    ]
    family = tuple(f for f in faults if f.family == FAMILY_AT_ONCE)
    if len(family) > 1:
        runs.append(PlannedRun(family_label(FAMILY_AT_ONCE), family, FAULT_SEED, (), False))
    return runs


def second_stage(
    faults: Sequence[Fault], results: Mapping[str, RunResult], baselines: Path
) -> list[PlannedRun]:
    """Each masking fault baselined and alone, then every other fault beside all of them: the
    first stage's `found` runs give the baselines, the solo runs the tests that caught each."""
    runs = []
    found: list[str] = []
    for name in MASKING_FAULTS:
        result = results.get(_found(name))
        if result is None or result.summary is None:
            continue
        baseline = _write_baseline(baselines / f"{name}.json", result.summary, name)
        runs.append(PlannedRun(_alone(name), (FAULTS[name],), FAULT_SEED, (), False, baseline))
        found.append(name)
    for other in faults:
        known = _known_beside(other, found)
        if not known:
            continue
        runs.append(
            PlannedRun(
                _beside(known, other.name),
                (*(FAULTS[name] for name in known), other),
                FAULT_SEED,
                (),
                True,
                _combined_baseline(baselines, known),
                _tests_that_caught(other, results.get(other.name)),
            )
        )
    return runs


def _combined_baseline(baselines: Path, known: Sequence[str]) -> str:
    """One baseline holding the entries of each of `known`'s own, as a file."""
    if len(known) == 1:
        return str(baselines / f"{known[0]}.json")
    # Written anew each time: a file from an earlier matrix in the same reports dir is stale.
    path = baselines / f"{'+'.join(known)}.json"
    entries = [
        entry
        for name in known
        for entry in json.loads((baselines / f"{name}.json").read_text("utf-8"))["entries"]
    ]
    path.write_text(json.dumps({"entries": entries}, indent=2) + "\n", encoding="utf-8")
    return str(path)


def _same_rules(other: Fault, masking: Fault) -> bool:
    """A fault caught only by the rules the known issue breaks is that issue, as far as a
    baseline can tell (an entry accepts a rule, not one way of breaking it): no pair."""
    return set(other.caught_by) <= set(masking.caught_by)


def third_stage(runs: Sequence[PlannedRun], results: Mapping[str, RunResult]) -> list[PlannedRun]:
    """The pairs their selected tests did not catch, again over the whole quick profile: a
    test may need what an earlier one left (a second job, a job seen before), and only the
    whole run says whether the known issue hid the fault."""
    return [
        run._replace(tests=())
        for run in runs
        if run.tests and run.label in results and not _caught(run.faults[-1], results[run.label])
    ]


def _write_baseline(path: Path, summary: Mapping[str, Any], name: str) -> str:
    """The baseline the writer makes of the run that found `name`, as a file."""
    findings = [RecordedFinding.from_dict(f) for f in summary["findings"]]
    path.parent.mkdir(parents=True, exist_ok=True)
    document = baseline_from_findings(findings, f"KNOWN-{name}")
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return str(path)


def _tests_that_caught(fault: Fault, solo: RunResult | None) -> tuple[str, ...]:
    """The tests whose findings named one of the fault's rules in its solo run (none: the
    pair runs the whole quick profile, as it must for a rule judged across the run, such as
    E4's unique traceIds: the test that saw the repeat is not the one that saw the first)."""
    if solo is None or solo.summary is None or set(fault.caught_by) & RUN_WIDE_RULES:
        return ()
    return tuple(
        sorted(
            {
                test
                for finding in solo.summary["findings"]
                if finding["rule"] in fault.caught_by
                for test in finding["tests"]
            }
        )
    )


def _caught(fault: Fault, result: RunResult) -> bool:
    return result.exit_status != 0 and any(r in fault.caught_by for r in result.new_rules)


def masking_score(
    faults: Sequence[Fault], results: Mapping[str, RunResult], baselines: Path
) -> dict[str, Any]:
    """`mutation.json`'s masking section: per masking fault, whether its baselined run passed
    and which other faults the runs it was part of hid; the score is the share of runs (each
    alone, each other fault beside the known issues) that held."""
    found = [name for name in MASKING_FAULTS if _alone(name) in results]
    beside = {
        other.name: (known, results[_beside(known, other.name)])
        for other in faults
        if (known := _known_beside(other, found)) and _beside(known, other.name) in results
    }
    hidden = {o for o, (_, result) in beside.items() if not _caught(FAULTS[o], result)}
    rows = []
    for name in found:
        alone = results[_alone(name)]
        carried = {o: result for o, (known, result) in beside.items() if name in known}
        baseline = json.loads((baselines / f"{name}.json").read_text("utf-8"))
        rows.append(
            {
                "name": name,
                "baselineEntries": len(baseline["entries"]),
                "alonePassed": alone.exit_status == 0,
                "pairs": len(carried),
                "hidden": sorted(hidden & set(carried)),
                "seconds": round(sum(r.wall_seconds for r in carried.values()), 1),
            }
        )
    held = sum(results[_alone(n)].exit_status == 0 for n in found) + len(beside) - len(hidden)
    total = len(found) + len(beside)
    document: dict[str, Any] = {
        "masking": rows,
        "masking_score": round(held / total, 4) if total else 1.0,
        "masking_held": held,
        "masking_total": total,
    }
    family = results.get(family_label(FAMILY_AT_ONCE))
    if family is not None:
        members = [f for f in faults if f.family == FAMILY_AT_ONCE]
        unreported = [f.name for f in members if not _caught(f, family)]
        document["family_at_once"] = {
            "family": FAMILY_AT_ONCE,
            "faults": [f.name for f in members],
            "rules": list(family.new_rules),
            "unreported": unreported,
            "score": round((len(members) - len(unreported)) / len(members), 4),
        }
    return document
