"""The pytest layer's options, made from the table in target/options.py (tested there).

Each row becomes `addoption` arguments whose help names the variable it mirrors, and what
pytest parses from a command line reaches `settings.resolve` under each option's variable.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.plugin.options import arguments
from prospecting_conformance.target.config import PROFILES
from prospecting_conformance.target.options import OPTIONS, option_values

BY_FLAG = {option.flag: option for option in OPTIONS}


@pytest.mark.parametrize(
    ("given", "variables"),
    [
        pytest.param(
            ["--base-url", "http://127.0.0.1:9"],
            {"PROSPECTING_BASE_URL": "http://127.0.0.1:9"},
            id="base-url",
        ),
        pytest.param(
            ["--account-group-id", "ag-2"], {"PROSPECTING_ACCOUNT_GROUP_ID": "ag-2"}, id="group"
        ),
        pytest.param(["--profile", "quick"], {"PROSPECTING_PROFILE": "quick"}, id="profile"),
        pytest.param(["--allow-writes"], {"PROSPECTING_ALLOW_WRITES": "1"}, id="allow-writes"),
        pytest.param(["--job-timeout", "3"], {"PROSPECTING_JOB_TIMEOUT": "3"}, id="job-timeout"),
        pytest.param(["--max-requests", "9"], {"PROSPECTING_MAX_REQUESTS": "9"}, id="requests"),
        pytest.param(["--max-rate", "5"], {"PROSPECTING_MAX_RATE": "5"}, id="max-rate"),
        pytest.param(["--seed", "11"], {"PROSPECTING_SEED": "11"}, id="seed"),
        pytest.param(["--no-shrink"], {"PROSPECTING_NO_SHRINK": "1"}, id="no-shrink"),
        # Resolved to a folder and exported by the controller, not weighed by `resolve`.
        pytest.param(["--reports-dir", "out"], {}, id="reports-dir-not-resolved"),
        pytest.param(["--stop-on-rule", "E1"], {}, id="stop-on-rule-sets-no-variable"),
        pytest.param([], {}, id="nothing-given"),
    ],
)
def test_an_option_given_reaches_resolve_under_its_variable(
    pytester: pytest.Pytester, given: list[str], variables: dict[str, str]
) -> None:
    config = pytester.parseconfig("-p", "prospecting_conformance.plugin.options", *given)

    assert option_values(config.getoption) == variables


def test_repeatable_options_collect_every_value(pytester: pytest.Pytester) -> None:
    config = pytester.parseconfig(
        "-p",
        "prospecting_conformance.plugin.options",
        *("--reference-fault", "a", "--reference-fault", "b", "--stop-on-rule", "L2"),
    )

    assert config.getoption("prospecting_faults") == ["a", "b"]
    assert config.getoption("prospecting_variations") == []
    assert config.getoption("prospecting_stop_rules") == ["L2"]


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        pytest.param(
            "--base-url",
            {"dest": "prospecting_base_url", "help": "= $PROSPECTING_BASE_URL"},
            id="mirrors-a-variable",
        ),
        pytest.param(
            "--profile",
            {
                "dest": "prospecting_profile",
                "help": "run depth (= $PROSPECTING_PROFILE; default: default)",
                "choices": PROFILES,
            },
            id="with-choices",
        ),
        pytest.param(
            "--allow-writes",
            {
                "dest": "prospecting_allow_writes",
                "help": "let the run start and cancel jobs on a live target "
                "(= $PROSPECTING_ALLOW_WRITES)",
                "action": "store_true",
            },
            id="flag",
        ),
        pytest.param(
            "--reference-fault",
            {
                "dest": "prospecting_faults",
                "help": "embedded server only: switch on a fault from the catalogue (repeatable)",
                "action": "append",
                "default": [],
                "metavar": "NAME",
            },
            id="repeatable",
        ),
    ],
)
def test_a_row_becomes_addoption_arguments(flag: str, expected: dict[str, object]) -> None:
    assert arguments(BY_FLAG[flag]) == expected
