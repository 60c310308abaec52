"""The catalogues' names: each Literal and its catalogue agree, and resolving is strict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.reference.catalogue import Switches
from prospecting_conformance.reference.faults import FAULT_NAMES, FAULTS, resolve_faults
from prospecting_conformance.reference.variations import (
    BODY_REWRITES,
    VARIATION_NAMES,
    VARIATIONS,
    resolve_variations,
)

Resolve = Callable[[Any], Switches[Any]]


@pytest.mark.parametrize(
    ("names", "catalogue"),
    [
        pytest.param(FAULT_NAMES, FAULTS, id="faults"),
        pytest.param(VARIATION_NAMES, VARIATIONS, id="variations"),
    ],
)
def test_every_name_has_one_catalogue_entry(
    names: tuple[str, ...], catalogue: dict[str, object]
) -> None:
    assert list(catalogue) == list(names)


def test_body_rewrites_are_representation_variations() -> None:
    assert {VARIATIONS[name].kind for name in BODY_REWRITES} == {"representation"}


@pytest.mark.parametrize(
    ("resolve", "names", "expected"),
    [
        pytest.param(resolve_faults, ["cancel_ignored"], ["cancel_ignored"], id="fault"),
        pytest.param(resolve_faults, "cancel_ignored", ["cancel_ignored"], id="lone-string"),
        pytest.param(resolve_faults, [], [], id="none"),
        pytest.param(
            resolve_variations,
            ["uuid_ids", "slow_jobs", "uuid_ids"],
            ["slow_jobs", "uuid_ids"],
            id="variations-deduplicated",
        ),
    ],
)
def test_resolving_names(resolve: Resolve, names: object, expected: list[str]) -> None:
    switched = resolve(names)
    assert list(switched) == expected
    assert len(switched) == len(expected)


@pytest.mark.parametrize(
    ("resolve", "valid"),
    [
        pytest.param(resolve_faults, "cancel_ignored", id="fault"),
        pytest.param(resolve_variations, "gzip_when_accepted", id="variation"),
    ],
)
def test_an_unknown_name_lists_the_valid_ones(resolve: Resolve, valid: str) -> None:
    with pytest.raises(ValueError, match="no_such_name") as raised:
        resolve(["no_such_name"])
    assert valid in str(raised.value)


def test_switches_answer_membership_and_any_of() -> None:
    on = Switches(["cancel_ignored", "job_ids_reused"])
    assert "cancel_ignored" in on
    assert "job_never_completes" not in on
    assert on.any_of(["job_never_completes", "job_ids_reused"])
    assert not on.any_of(["job_never_completes"])
    assert not Switches[str]()
