"""The spec's links, and which operations only a write's link can feed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.links import (
    body_links,
    declared_links,
    fed_only_by_writes,
    linked_body,
)
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


def test_the_body_links_carry_an_answers_value_into_a_request_body(spec: Spec) -> None:
    assert [link.name for link in body_links(spec)] == ["StartJobFromSavedSearch"]


@pytest.mark.parametrize(
    ("items", "body"),
    [
        pytest.param(
            [{"id": "ss-1"}, {"id": "ss-2"}],
            {"source": "sales_navigator", "savedSearchId": "ss-1"},
            id="the-first-item",
        ),
        pytest.param(
            [], {"source": "sales_navigator", "savedSearchId": None}, id="nothing-to-name"
        ),
    ],
)
def test_linked_body_reads_the_links_expressions_from_the_answer(
    spec: Spec, items: list[dict[str, str]], body: dict[str, Any]
) -> None:
    (link,) = body_links(spec)
    answer = Observed.build(
        link.source.operation_id,
        "GET",
        "https://api.test/v1/accounts/ag-1/sales-navigator/saved-searches",
        200,
        {"Content-Type": "application/json"},
        json.dumps({"success": True, "data": {"items": items}, "error": None, "traceId": "t"}),
    )

    assert linked_body(link, answer) == body
