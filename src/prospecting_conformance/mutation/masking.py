"""The masking score: a known issue on every answer must hide no other regression.

A real target carries known issues, and a release manager baselines them. The matrix proves
that this blinds nothing, for each of `MASKING_FAULTS` (faults that touch every response):

1. `found`: the fault alone, the whole quick profile, to write its baseline with the
   baseline writer, as a release manager would;
2. `alone`: the fault alone again, with that baseline: the run must PASS;
3. one pair per other fault of the catalogue: both on, the first baselined. The other must
   still be caught with its own rule, as a new finding. A pair runs the tests that caught the
   other fault on its own (its solo run names them): the question is whether the known issue
   hides it where it was seen, and asking only there keeps two hundred runs to seconds each.
   A pair those tests do not catch runs again over the whole profile (a test may need what
   an earlier one left behind). A fault caught only by the known issue's own rules is not
   paired: a baseline accepts a rule, so the two are one issue as far as it can tell.

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


def _pair(masking: str, other: str) -> str:
    return f"mask-{masking}+{other}"


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
    """Each masking fault baselined, alone and beside every other fault: the first stage's
    `found` runs give the baselines, the solo runs the tests that caught each fault."""
    runs = []
    for name in MASKING_FAULTS:
        found = results.get(_found(name))
        if found is None or found.summary is None:
            continue
        baseline = _write_baseline(baselines / f"{name}.json", found.summary, name)
        masking = FAULTS[name]
        runs.append(PlannedRun(_alone(name), (masking,), FAULT_SEED, (), False, baseline))
        runs += [
            PlannedRun(
                _pair(name, other.name),
                (masking, other),
                FAULT_SEED,
                (),
                True,
                baseline,
                _tests_that_caught(other, results.get(other.name)),
            )
            for other in faults
            if other.name != name and not _same_rules(other, masking)
        ]
    return runs


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
    and which other faults it hid; the score is the share of those runs that held."""
    rows = []
    held = total = 0
    for name in MASKING_FAULTS:
        alone = results.get(_alone(name))
        if alone is None:
            continue
        pairs = {
            o.name: results[_pair(name, o.name)] for o in faults if _pair(name, o.name) in results
        }
        hidden = sorted(o for o, result in pairs.items() if not _caught(FAULTS[o], result))
        baseline = json.loads((baselines / f"{name}.json").read_text("utf-8"))
        entries = len(baseline["entries"])
        rows.append(
            {
                "name": name,
                "baselineEntries": entries,
                "alonePassed": alone.exit_status == 0,
                "pairs": len(pairs),
                "hidden": hidden,
                "seconds": round(sum(r.wall_seconds for r in pairs.values()), 1),
            }
        )
        held += (alone.exit_status == 0) + len(pairs) - len(hidden)
        total += 1 + len(pairs)
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
