"""Run profiles: how deep a run goes, from a pull-request check to a release gate.

`quick` checks every rule once with a small fuzz budget; `default` is the CI run against
staging; `release` fuzzes deeply before an API release.
"""

from __future__ import annotations

from dataclasses import dataclass

from prospecting_conformance.target.config import Profile

__all__ = ["PROFILE_SETTINGS", "ProfileSettings"]


@dataclass(frozen=True)
class ProfileSettings:
    name: Profile
    # Generated cases per operation in the examples, coverage and fuzzing phases together.
    max_examples: int
    # Scenarios the stateful phase runs, and the most calls in one scenario.
    stateful_max_examples: int
    stateful_max_steps: int


PROFILE_SETTINGS: dict[Profile, ProfileSettings] = {
    # A stateful walk needs about a dozen steps to reach the deepest link (list, start,
    # cancel, get); with fewer, whether every link is followed is left to chance.
    # The cancel -> get link needs a cancel that lands while its job still runs (about 0.35 s
    # on the reference server): on a loaded machine fewer walks make it, so the quick
    # profile takes enough of them that following every link is not left to timing.
    "quick": ProfileSettings(
        "quick", max_examples=25, stateful_max_examples=100, stateful_max_steps=12
    ),
    "default": ProfileSettings(
        "default", max_examples=150, stateful_max_examples=120, stateful_max_steps=15
    ),
    "release": ProfileSettings(
        "release", max_examples=1000, stateful_max_examples=400, stateful_max_steps=20
    ),
}
