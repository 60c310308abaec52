"""Merging a run into a baseline: old tickets kept, new root causes added, none dropped unsaid."""

from __future__ import annotations

from datetime import date

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.baseline import Baseline, BaselineEntry
from prospecting_conformance.reporting.baseline_merge import merge_into
from prospecting_conformance.run.record import RecordedFinding

TODAY = date(2026, 12, 5)
OLD_L5 = BaselineEntry("L5", "cancelProspectingJob", "PROSP-1", 200, ("t::a",))
OLD_E6_ANY_STATUS = BaselineEntry("E6", "getProspectingJob", "PROSP-2")
OLD_E4_EXPIRED = BaselineEntry("E4", "*", "PROSP-3", expires=date(2026, 12, 1))
NEW_L5_OTHER_STATUS = BaselineEntry("L5", "cancelProspectingJob", "PROSP-9", 202, ("t::b",))
NEW_E6 = BaselineEntry("E6", "getProspectingJob", "PROSP-9", 404, ("t::c",))
NEW_E4_EVERYWHERE = BaselineEntry("E4", "*", "PROSP-9", 200, ("t::d",))


def found(rule: str, operation: str, status: int, test: str) -> RecordedFinding:
    return RecordedFinding(Finding(rule, operation, "seen", status, "t-1"), 1, {test})


L5_200 = found("L5", "cancelProspectingJob", 200, "t::a")
L5_202 = found("L5", "cancelProspectingJob", 202, "t::b")
E6_404 = found("E6", "getProspectingJob", 404, "t::c")
E4_ON_TWO_OPERATIONS = [
    found("E4", "getProspectingJob", 200, "t::d"),
    found("E4", "listSavedSearches", 200, "t::d"),
]


@pytest.mark.parametrize(
    ("existing", "findings", "entries", "added", "not_found"),
    [
        pytest.param([OLD_L5], [L5_200], [OLD_L5], [], [], id="found-again-keeps-old-ticket"),
        pytest.param(
            [OLD_E6_ANY_STATUS], [E6_404], [OLD_E6_ANY_STATUS], [], [],
            id="an-entry-without-status-covers-every-status",
        ),
        pytest.param(
            [OLD_L5], [L5_202], [OLD_L5, NEW_L5_OTHER_STATUS],
            [NEW_L5_OTHER_STATUS], [OLD_L5], id="another-status-is-a-new-entry",
        ),
        pytest.param(
            [OLD_L5, OLD_E6_ANY_STATUS], [], [OLD_L5, OLD_E6_ANY_STATUS], [],
            [OLD_L5, OLD_E6_ANY_STATUS], id="nothing-found-nothing-dropped",
        ),
        pytest.param([], [E6_404], [NEW_E6], [NEW_E6], [], id="into-an-empty-baseline"),
        pytest.param(
            [], E4_ON_TWO_OPERATIONS, [NEW_E4_EVERYWHERE], [NEW_E4_EVERYWHERE], [],
            id="a-rule-on-several-operations-is-one-root-cause",
        ),
        pytest.param(
            [OLD_E4_EXPIRED], E4_ON_TWO_OPERATIONS, [OLD_E4_EXPIRED, NEW_E4_EVERYWHERE],
            [NEW_E4_EVERYWHERE], [], id="an-expired-entry-covers-nothing",
        ),
    ],
)  # fmt: skip
def test_a_merge_keeps_every_old_entry_and_adds_what_none_covers(
    existing: list[BaselineEntry],
    findings: list[RecordedFinding],
    entries: list[BaselineEntry],
    added: list[BaselineEntry],
    not_found: list[BaselineEntry],
) -> None:
    merged = merge_into(Baseline(tuple(existing), TODAY), findings, "PROSP-9")

    assert list(merged.entries) == entries
    assert list(merged.added) == added
    assert list(merged.not_found) == not_found


def test_the_merge_report_says_what_happened_to_each_entry() -> None:
    baseline = Baseline((OLD_L5, OLD_E6_ANY_STATUS, OLD_E4_EXPIRED), TODAY)

    merged = merge_into(baseline, [L5_200, L5_202], "PROSP-9")

    assert merged.report() == [
        "added L5 cancelProspectingJob 202 [PROSP-9]",
        "kept L5 cancelProspectingJob 200 [PROSP-1] (found again)",
        "kept E6 getProspectingJob [PROSP-2] (not found by this run: fixed or not exercised; "
        "remove it by hand once a run with --baseline lists it as fixed)",
        "kept E4 * [PROSP-3] (expired: it accepts nothing; remove it by hand)",
    ]
