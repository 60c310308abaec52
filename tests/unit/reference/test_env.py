"""The reference server's `--print-env` lines read back as the suite reads any target's."""

from __future__ import annotations

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.reference.env import demo_env
from prospecting_conformance.target.embedded import demo_target_config

BASE_URL = "http://127.0.0.1:8080"


def test_the_server_states_every_variable_in_the_suites_order() -> None:
    assert list(demo_env(BASE_URL)) == list(ENV_VARS.values())


def test_the_demo_target_prints_back_the_servers_own_lines() -> None:
    # The server writes the suite's names without the suite's types; parsed and printed again,
    # not one value moves (a "3" for "3.0" would tell the two sides apart).
    assert demo_target_config(BASE_URL).env() == demo_env(BASE_URL)
