"""The command line as a table: each option, and the PROSPECTING_* variable it sets, once.

`option_values` reads back what was given, by variable, for `settings.resolve` to weigh
against the environment: a flag given is "1", an option not given sets nothing, and the
options that set no variable (or one `resolve` does not weigh) are left out.
"""

from __future__ import annotations

from collections import Counter

import pytest

from prospecting_conformance.target.options import OPTIONS, option_values
from prospecting_conformance.target.settings import ALL_VARS


@pytest.mark.parametrize(
    ("given", "variables"),
    [
        pytest.param({}, {}, id="nothing-given-sets-nothing"),
        pytest.param(
            {"prospecting_base_url": "http://127.0.0.1:9"},
            {"PROSPECTING_BASE_URL": "http://127.0.0.1:9"},
            id="a-value-under-its-variable",
        ),
        pytest.param(
            {"prospecting_allow_writes": True},
            {"PROSPECTING_ALLOW_WRITES": "1"},
            id="a-flag-given-is-1",
        ),
        pytest.param({"prospecting_allow_writes": False}, {}, id="a-flag-not-given-sets-nothing"),
        pytest.param({"prospecting_max_rate": 5}, {"PROSPECTING_MAX_RATE": "5"}, id="as-text"),
        pytest.param(
            {"prospecting_seed": "11", "prospecting_no_shrink": True},
            {"PROSPECTING_SEED": "11", "PROSPECTING_NO_SHRINK": "1"},
            id="run-settings-too",
        ),
        # Resolved to a folder and exported by the controller, not weighed by `resolve`.
        pytest.param({"prospecting_reports_dir": "out"}, {}, id="reports-dir-not-resolved"),
        pytest.param({"prospecting_stop_rules": ["E1"]}, {}, id="stop-on-rule-sets-no-variable"),
    ],
)
def test_the_options_given_reach_resolve_under_their_variables(
    given: dict[str, object], variables: dict[str, str]
) -> None:
    assert option_values(lambda dest: given.get(dest)) == variables


def test_no_two_options_share_a_destination_or_a_variable() -> None:
    dests = Counter(option.dest for option in OPTIONS)
    variables = Counter(option.var for option in OPTIONS if option.var is not None)

    assert [dest for dest, n in dests.items() if n > 1] == []
    assert [var for var, n in variables.items() if n > 1] == []


def test_every_variable_an_option_sets_is_one_the_suite_reads() -> None:
    assert {o.var for o in OPTIONS if o.var is not None} <= set(ALL_VARS)
