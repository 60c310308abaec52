"""Scoring the matrix: which faults the suite killed, and where it raised a false alarm.

A fault is killed only when its run failed on a rule its catalogue line names; a variation
passes only when the suite stayed silent on it. The document built here is `mutation.json`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prospecting_conformance.mutation.plan import (
    ALL_VARIATIONS,
    ALL_VARIATIONS_TIMED,
    PlannedRun,
    alone,
    is_control,
    under_variations,
)
from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.reference.faults import Fault
from prospecting_conformance.reference.variations import Variation

__all__ = ["exit_status", "judge", "judge_control", "judge_variation", "score"]


def judge(fault: Fault, result: RunResult) -> dict[str, Any]:
    """Killed only when the run failed on a rule the catalogue names for this fault."""
    matching = [r for r in result.rules if r in fault.caught_by]
    killed = result.exit_status != 0 and bool(matching)
    note = ""
    if not killed and result.exit_status == 0:
        note = "the suite passed"
    elif not killed and result.rules:
        note = f"failed only on unrelated rules ({', '.join(result.rules)})"
    elif not killed:
        note = f"failed without a rule finding (exit {result.exit_status})"
    return {
        "name": fault.name,
        "family": fault.family,
        "summary": fault.summary,
        "expected_rules": list(fault.caught_by),
        "killed": killed,
        "rules": list(result.rules),
        "seconds_to_first_failure": result.seconds_to_first_failure,
        "wall_seconds": result.wall_seconds,
        "note": note,
    }


def _clean(result: RunResult) -> bool:
    return result.exit_status == 0 and not result.rules and not result.unexplained_failures


def judge_variation(variation: Variation | None, result: RunResult) -> dict[str, Any]:
    """A variation passes when the suite stays silent: any finding or failure is a false alarm."""
    return {
        "name": variation.name if variation else result.label,
        "kind": variation.kind if variation else "all",
        "passed": _clean(result),
        "findings": result.findings,
        "rules": list(result.rules),
        "exit_status": result.exit_status,
        "seconds": result.wall_seconds,
    }


def judge_control(result: RunResult) -> dict[str, Any]:
    """A control run is clean when the unfaulted server gave the suite nothing to say."""
    return {
        "label": result.label,
        "clean": _clean(result),
        "exit_status": result.exit_status,
        "rules": list(result.rules),
        "wall_seconds": result.wall_seconds,
    }


def _fault_row(fault: Fault, results: Mapping[str, RunResult]) -> dict[str, Any]:
    row = judge(fault, results[fault.name])
    under = results.get(under_variations(fault))
    row["killed_under_variations"] = None if under is None else judge(fault, under)["killed"]
    return row


def _variation_scores(
    variations: Sequence[Variation], faults: list[dict[str, Any]], results: Mapping[str, RunResult]
) -> dict[str, Any]:
    rows = [judge_variation(v, results[alone(v)]) for v in variations]
    rows += [
        judge_variation(None, results[label])
        for label in (ALL_VARIATIONS, ALL_VARIATIONS_TIMED)
        if label in results
    ]
    passed = sum(1 for row in rows if row["passed"])
    hidden = sum(1 for row in faults if not row["killed_under_variations"])
    return {
        "variations": rows,
        "false_alarm_score": round(passed / len(rows), 4),
        "variations_passed": passed,
        "variations_total": len(rows),
        "score_under_variations": round((len(faults) - hidden) / len(faults), 4) if faults else 1.0,
    }


def score(
    faults: Sequence[Fault],
    variations: Sequence[Variation],
    runs: Sequence[PlannedRun],
    results: Mapping[str, RunResult],
) -> dict[str, Any]:
    """The matrix as `mutation.json` records it; `wall_seconds` is the caller's to fill in."""
    controls = [judge_control(results[run.label]) for run in runs if is_control(run.label)]
    matrix = [_fault_row(fault, results) for fault in faults]
    killed = sum(1 for row in matrix if row["killed"])
    document: dict[str, Any] = {
        "score": round(killed / len(matrix), 4) if matrix else 1.0,
        "killed": killed,
        "total": len(matrix),
        "wall_seconds": 0.0,
        "faults": matrix,
        "control": {"clean": all(c["clean"] for c in controls), "runs": controls},
    }
    if variations:
        document.update(_variation_scores(variations, matrix, results))
    # The cost independent of the machine's other load: on two idle cores, about half this.
    cpus = [r.cpu_seconds for r in results.values()]
    document["cpu_seconds"] = None if None in cpus else round(sum(c or 0.0 for c in cpus), 1)
    return document


def exit_status(document: Mapping[str, Any]) -> int:
    """1 when a fault survived, a variation raised a false alarm or hid a fault, a known issue
    hid a fault, or a control was not clean; else 0."""
    failed = any(not row["killed"] for row in document["faults"])
    if "masking" in document:
        failed = failed or document["masking_score"] < 1
        failed = failed or document.get("family_at_once", {}).get("score", 1) < 1
    if "variations" in document:
        failed = failed or any(not row["passed"] for row in document["variations"])
        failed = failed or any(not row["killed_under_variations"] for row in document["faults"])
    return 1 if failed or not document["control"]["clean"] else 0
