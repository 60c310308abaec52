"""The reachability gate: an operation whose generated cases only met 401/403/404 fails it."""

from __future__ import annotations

import dataclasses

import pytest

from prospecting_conformance.fuzz.reachability import Reach, reachability
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig


@pytest.mark.parametrize(
    ("reach", "summary", "problem"),
    [
        (
            Reach("listSalesNavigatorSavedSearches", {200: 3, 401: 2}),
            "listSalesNavigatorSavedSearches: 3/5 generated cases got past the guards",
            None,
        ),
        (
            Reach("getProspectByProviderId", {404: 4, 403: 1}),
            "getProspectByProviderId: 0/5 generated cases got past the guards",
            "getProspectByProviderId: none of its 5 generated case(s) got past 401/403/404 "
            "(answered 1x 403, 4x 404): the fuzz run never reached the API's logic",
        ),
        (
            Reach("getProspectingJob", {}),
            "getProspectingJob: 0/0 generated cases got past the guards",
            "getProspectingJob: no generated case was answered: the fuzz run never ran",
        ),
        (
            Reach("getProspectingJob", {404: 9}, judged=False),
            "getProspectingJob: not judged: without writes no job exists to reach",
            None,
        ),
        (
            Reach("listSalesNavigatorSavedSearches", {422: 1}),
            "listSalesNavigatorSavedSearches: 1/1 generated cases got past the guards",
            None,
        ),
    ],
    ids=["reached", "only-guards", "never-sent", "not-judged", "a-4xx-past-the-guards"],
)
def test_the_gate_decides_from_the_statuses_seen(
    reach: Reach, summary: str, problem: str | None
) -> None:
    assert reach.summary == summary
    assert reach.problem == problem


@pytest.mark.parametrize(
    ("allow_writes", "judged"),
    [
        (
            True,
            {
                "listSalesNavigatorSavedSearches": True,
                "startProspectingJob": True,
                "getProspectingJob": True,
                "cancelProspectingJob": True,
                "getProspectByProviderId": True,
            },
        ),
        (
            False,
            {
                "listSalesNavigatorSavedSearches": True,
                "getProspectingJob": False,
                "getProspectByProviderId": True,
            },
        ),
    ],
    ids=["writes-on", "writes-off"],
)
def test_an_operation_only_a_job_reaches_is_not_judged_with_writes_off(
    config: TargetConfig, spec: Spec, allow_writes: bool, judged: dict[str, bool]
) -> None:
    target = dataclasses.replace(config, allow_writes=allow_writes)

    reaches = reachability(spec, target, {"listSalesNavigatorSavedSearches": {200: 1}})

    assert {reach.operation_id: reach.judged for reach in reaches} == judged
    assert reaches[0].statuses == {200: 1}
