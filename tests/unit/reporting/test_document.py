"""The summary document: built from a typed record, written as JSON, read back unchanged.

The mutation matrix renders the reports of a run it started from that run's summary.json, so
what `to_dict` writes, `from_dict` must read back whole: findings with their steps, baseline
entries, the weather.
"""

from __future__ import annotations

import json

from prospecting_conformance.reporting.baseline import BaselineEntry
from prospecting_conformance.reporting.document import Summary


def test_a_summary_reads_back_from_its_json_unchanged(faulted_summary: Summary) -> None:
    written = json.loads(json.dumps(faulted_summary.to_dict()))

    assert Summary.from_dict(written) == faulted_summary


def test_the_summary_says_which_findings_are_new_and_which_known(faulted_summary: Summary) -> None:
    assert [(f.finding.key, f.new, f.ticket) for f in faulted_summary.findings] == [
        (("L4", "cancelProspectingJob", 409), True, None),
        (("P1", "getProspectByProviderId", 200), False, "PROSP-1"),
    ]
    assert (faulted_summary.verdict, faulted_summary.exit_status) == ("fail", 1)
    assert faulted_summary.not_exercised == [BaselineEntry("L2", "getProspectingJob", "PROSP-2")]
