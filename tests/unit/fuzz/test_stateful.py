"""The link gate: every link the spec declares is followed by some scenario of the run."""

from __future__ import annotations

import pytest

from prospecting_conformance.fuzz.stateful import StatefulRun, links_never_followed
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import Spec

START = (
    "GET /v1/accounts/{accountGroupId}/sales-navigator/saved-searches -> [200] "
    "StartJobFromSavedSearch -> POST /v1/accounts/{accountGroupId}/prospecting"
)
GET_CANCELLED = (
    "POST /v1/accounts/{accountGroupId}/prospecting/{jobId}/cancel -> [200] GetCancelledJob -> "
    "GET /v1/accounts/{accountGroupId}/prospecting/{jobId}"
)


@pytest.mark.parametrize(
    ("followed", "never"),
    [
        ("all", []),
        ("all-but-the-deepest", [GET_CANCELLED]),
        ("none", "all"),
        ("all-and-an-inferred-one", []),
    ],
)
def test_the_gate_names_the_links_never_followed(
    spec: Spec, followed: str, never: list[str] | str
) -> None:
    declared = spec_links(spec)
    covered = {
        "all": declared,
        "all-but-the-deepest": declared - {GET_CANCELLED},
        "none": set(),
        "all-and-an-inferred-one": declared | {"GET /elsewhere -> [200] Inferred -> GET /x"},
    }[followed]

    expected = sorted(declared) if never == "all" else never
    assert links_never_followed(spec, covered) == expected


def test_the_spec_declares_the_links_the_gate_holds_the_run_to(spec: Spec) -> None:
    assert len(spec_links(spec)) == 5
    assert {START, GET_CANCELLED} <= spec_links(spec)


def test_the_progress_line_counts_scenarios_and_links() -> None:
    run = StatefulRun(scenarios=55, links_covered={START, GET_CANCELLED})

    assert run.progress(declared=5) == "stateful phase: 55 scenarios, 2/5 links followed"
