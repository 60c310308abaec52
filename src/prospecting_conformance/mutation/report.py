"""The matrix's report: `mutation.json`, the first control's reports, and the table it prints.

The first control run is a full conformance run on the unfaulted server: its summary becomes
the reports directory's summary and HTML report, which then shows the mutation score too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from prospecting_conformance.mutation.runs import RunResult
from prospecting_conformance.reporting.document import Summary
from prospecting_conformance.reporting.write import write_reports

__all__ = ["print_matrix", "write_matrix"]


def write_matrix(
    reports: Path, document: Mapping[str, Any], results: Mapping[str, RunResult]
) -> None:
    """Write `mutation.json`, then the reports of the first control run, if there was one."""
    (reports / "mutation.json").write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    controls = document["control"]["runs"]
    control_summary = results[controls[0]["label"]].summary if controls else None
    if control_summary is not None:
        write_reports(reports, Summary.from_dict(control_summary))


def _print_faults(document: Mapping[str, Any]) -> None:
    print(f"{'fault':40} {'family':10} {'verdict':9} {'first failure':>13}  rules")
    for row in document["faults"]:
        verdict = "killed" if row["killed"] else "SURVIVED"
        if row["killed_under_variations"] is False:
            verdict = "HIDDEN" if row["killed"] else verdict
        first = row["seconds_to_first_failure"]
        shown = f"{first:.1f}s" if first is not None else "-"
        rules = ",".join(row["rules"]) or "-"
        print(f"{row['name']:40} {row['family']:10} {verdict:9} {shown:>13}  {rules}")
        if row["note"]:
            print(f"{'':40} {row['note']}")


def _print_variations(document: Mapping[str, Any]) -> None:
    for row in document.get("variations", []):
        verdict = "silent" if row["passed"] else "FALSE ALARM"
        rules = ",".join(row["rules"]) or "-"
        print(
            f"{row['name']:40} {row['kind']:14} {verdict:11} {row['findings']:>4} finding(s)  "
            f"{rules}  ({row['seconds']}s)"
        )


def _print_masking(document: Mapping[str, Any]) -> None:
    for row in document["masking"]:
        alone = "passes" if row["alonePassed"] else "DOES NOT PASS"
        hidden = ", ".join(row["hidden"]) or "none"
        print(
            f"known {row['name']} ({row['baselineEntries']} baseline entries): alone {alone}; "
            f"hid {hidden} of the {row['pairs']} other faults it was beside ({row['seconds']}s)"
        )
    family = document.get("family_at_once")
    family_line = ""
    if family is not None:
        unreported = ", ".join(family["unreported"]) or "none unreported"
        family_line = (
            f"; {family['family']} faults all at once {family['score']:.0%} "
            f"({len(family['faults'])} faults, rules {','.join(family['rules'])}; {unreported})"
        )
    print(
        f"masking score {document['masking_score']:.0%} "
        f"({document['masking_held']}/{document['masking_total']}){family_line}"
    )


def print_matrix(document: Mapping[str, Any]) -> None:
    """The table of faults and variations, then the scores."""
    print()
    _print_faults(document)
    _print_variations(document)
    control = document["control"]
    print(
        f"\nmutation score {document['score']:.0%} ({document['killed']}/{document['total']}), "
        f"control {'clean' if control['clean'] else 'NOT CLEAN'} over {len(control['runs'])} "
        f"seed(s), {document['wall_seconds']}s (CPU {document['cpu_seconds']}s)"
    )
    if "masking" in document:
        _print_masking(document)
    if "variations" in document:
        print(
            f"false-alarm score {document['false_alarm_score']:.0%} "
            f"({document['variations_passed']}/{document['variations_total']}), "
            f"mutation score under all variations {document['score_under_variations']:.0%}"
        )
