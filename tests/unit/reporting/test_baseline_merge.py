"""Merging a run into a baseline: old tickets kept, new entries added, none dropped unsaid."""

from __future__ import annotations

import pytest

from prospecting_conformance.reporting.baseline import BaselineEntry
from prospecting_conformance.reporting.baseline_merge import merge_entries

OLD_L5 = BaselineEntry("L5", "cancelProspectingJob", "PROSP-1", 200, ("t::a",))
OLD_E6_ANY_STATUS = BaselineEntry("E6", "getProspectingJob", "PROSP-2")
NEW_L5 = BaselineEntry("L5", "cancelProspectingJob", "PROSP-9", 200, ("t::a", "t::b"))
NEW_E6 = BaselineEntry("E6", "getProspectingJob", "PROSP-9", 404)
NEW_L5_OTHER_STATUS = BaselineEntry("L5", "cancelProspectingJob", "PROSP-9", 202)


@pytest.mark.parametrize(
    ("existing", "new", "entries", "added", "not_found"),
    [
        pytest.param([OLD_L5], [NEW_L5], [OLD_L5], [], [], id="found-again-keeps-old-ticket"),
        pytest.param(
            [OLD_E6_ANY_STATUS], [NEW_E6], [OLD_E6_ANY_STATUS], [], [],
            id="an-entry-without-status-covers-every-status",
        ),
        pytest.param(
            [OLD_L5], [NEW_L5_OTHER_STATUS], [OLD_L5, NEW_L5_OTHER_STATUS],
            [NEW_L5_OTHER_STATUS], [OLD_L5], id="another-status-is-a-new-entry",
        ),
        pytest.param(
            [OLD_L5, OLD_E6_ANY_STATUS], [], [OLD_L5, OLD_E6_ANY_STATUS], [],
            [OLD_L5, OLD_E6_ANY_STATUS], id="nothing-found-nothing-dropped",
        ),
        pytest.param([], [NEW_E6], [NEW_E6], [NEW_E6], [], id="into-an-empty-baseline"),
    ],
)  # fmt: skip
def test_a_merge_keeps_every_old_entry_and_adds_what_none_covers(
    existing: list[BaselineEntry],
    new: list[BaselineEntry],
    entries: list[BaselineEntry],
    added: list[BaselineEntry],
    not_found: list[BaselineEntry],
) -> None:
    merged = merge_entries(existing, new)

    assert list(merged.entries) == entries
    assert list(merged.added) == added
    assert list(merged.not_found) == not_found


def test_the_merge_report_says_what_happened_to_each_entry() -> None:
    merged = merge_entries([OLD_L5, OLD_E6_ANY_STATUS], [NEW_L5, NEW_L5_OTHER_STATUS])

    assert merged.report() == [
        "added L5 cancelProspectingJob 202 [PROSP-9]",
        "kept L5 cancelProspectingJob 200 [PROSP-1] (found again)",
        "kept E6 getProspectingJob [PROSP-2] (not found by this run: fixed or not exercised; "
        "remove it by hand once a run with --baseline lists it as fixed)",
    ]
