"""Run profiles: how deep a run goes, from a pull-request check to a release gate.

Every profile a target may name has its settings; a deeper profile never does less than a
shallower one; and every stateful walk is long enough to reach the spec's deepest link.
"""

from __future__ import annotations

import dataclasses

import pytest

from prospecting_conformance.target.config import PROFILE_REQUEST_BUDGETS, PROFILES, Profile
from prospecting_conformance.target.profiles import PROFILE_SETTINGS, ProfileSettings

# List, start, cancel, get: the deepest link needs about a dozen steps to be reached
# reliably (profiles.py says why).
DEEPEST_LINK_STEPS = 12


def test_every_profile_a_target_may_name_has_settings_under_its_name() -> None:
    assert list(PROFILE_SETTINGS) == list(PROFILES)
    assert all(settings.name == name for name, settings in PROFILE_SETTINGS.items())


@pytest.mark.parametrize(
    "budget",
    [field.name for field in dataclasses.fields(ProfileSettings) if field.name != "name"],
)
def test_a_deeper_profile_never_does_less(budget: str) -> None:
    depths = [getattr(PROFILE_SETTINGS[name], budget) for name in PROFILES]

    assert depths == sorted(depths)


@pytest.mark.parametrize("name", PROFILES)
def test_every_stateful_walk_can_reach_the_deepest_link(name: Profile) -> None:
    assert PROFILE_SETTINGS[name].stateful_max_steps >= DEEPEST_LINK_STEPS


def test_a_deeper_profile_never_has_a_smaller_request_budget() -> None:
    budgets = [PROFILE_REQUEST_BUDGETS[name] for name in PROFILES]

    assert budgets == sorted(budgets)
