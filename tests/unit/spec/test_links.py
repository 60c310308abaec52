"""The spec's links, and which operations only a write's link can feed."""

from __future__ import annotations

from prospecting_conformance.spec.links import declared_links, fed_only_by_writes
from prospecting_conformance.spec.model import Spec


def test_every_link_names_its_source_status_and_target(spec: Spec) -> None:
    links = {
        (link.source.operation_id, link.status, link.name, link.target.operation_id)
        for link in declared_links(spec)
    }

    assert links == {
        (
            "listSalesNavigatorSavedSearches",
            "200",
            "StartJobFromSavedSearch",
            "startProspectingJob",
        ),
        ("startProspectingJob", "202", "GetStartedJob", "getProspectingJob"),
        ("startProspectingJob", "202", "CancelStartedJob", "cancelProspectingJob"),
        ("getProspectingJob", "200", "CancelPolledJob", "cancelProspectingJob"),
        ("cancelProspectingJob", "200", "GetCancelledJob", "getProspectingJob"),
    }


def test_a_job_read_is_fed_only_by_writes(spec: Spec) -> None:
    # The list feeds a start, itself a write; a cancel is a write, so it is left out.
    assert fed_only_by_writes(spec) == {"getProspectingJob"}
