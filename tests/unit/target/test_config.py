"""The target from the environment: the names the suite reads, each value checked, keys hidden.

CI hands the suite its target through PROSPECTING_* variables only. A base URL without the
account group is an error that names both variables; a value the suite cannot use is an error
that names its variable; a key never shows in a repr, and the auth header's value is the
prefix and the key, made in one place.
"""

from __future__ import annotations

import dataclasses

import pytest

from prospecting_conformance.core.secret import Secret
from prospecting_conformance.target.config import (
    SLOW_TARGET_CONCURRENCY,
    KeyName,
    TargetConfig,
    TargetConfigError,
)

KEY_ALL = "sk_live_all_0123456789abcdef"
KEY_READ = "sk_live_read_0123456789abcdef"
TARGET = {"PROSPECTING_BASE_URL": "http://127.0.0.1:9", "PROSPECTING_ACCOUNT_GROUP_ID": "ag-1"}


def read(**variables: str) -> TargetConfig:
    config = TargetConfig.from_env({**TARGET, **variables})
    assert config is not None
    return config


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="nothing-set"),
        pytest.param({"PROSPECTING_BASE_URL": ""}, id="an-empty-base-url"),
        pytest.param({"PROSPECTING_ACCOUNT_GROUP_ID": "ag-1"}, id="a-group-without-a-base-url"),
    ],
)
def test_without_a_base_url_there_is_no_live_target(env: dict[str, str]) -> None:
    assert TargetConfig.from_env(env) is None


def test_a_base_url_needs_the_account_group_its_keys_belong_to() -> None:
    with pytest.raises(
        TargetConfigError,
        match="PROSPECTING_BASE_URL is set but PROSPECTING_ACCOUNT_GROUP_ID is not",
    ):
        TargetConfig.from_env({"PROSPECTING_BASE_URL": "http://127.0.0.1:9"})


@pytest.mark.parametrize(
    ("variables", "field", "value"),
    [
        pytest.param({}, "allow_writes", False, id="writes-off-unless-said"),
        pytest.param({"PROSPECTING_ALLOW_WRITES": "yes"}, "allow_writes", True, id="writes-yes"),
        pytest.param({"PROSPECTING_ALLOW_WRITES": " ON "}, "allow_writes", True, id="writes-ON"),
        pytest.param({"PROSPECTING_ALLOW_WRITES": "0"}, "allow_writes", False, id="writes-0"),
        pytest.param(
            {"PROSPECTING_ALLOWED_HOSTS": " API.example.test, ,staging.test "},
            "allowed_hosts",
            ("api.example.test", "staging.test"),
            id="hosts-comma-separated-lower-cased",
        ),
        pytest.param({"PROSPECTING_PROFILE": "release"}, "profile", "release", id="a-profile"),
        pytest.param({"PROSPECTING_MAX_RATE": "2.5"}, "max_rate", 2.5, id="a-rate"),
        pytest.param({"PROSPECTING_JOB_TIMEOUT": "90"}, "job_timeout", 90.0, id="a-timeout"),
        pytest.param({"PROSPECTING_MAX_REQUESTS": "40"}, "max_requests", 40, id="a-budget"),
        pytest.param({"PROSPECTING_CONCURRENCY": "6"}, "concurrency", 6, id="walks"),
        pytest.param({"PROSPECTING_CONCURRENCY": "Auto"}, "concurrency", "auto", id="walks-auto"),
        pytest.param(
            {"PROSPECTING_AUTH_HEADER": "Authorization"},
            "auth_header",
            "Authorization",
            id="an-auth-header",
        ),
        pytest.param(
            {"PROSPECTING_AUTH_PREFIX": "Bearer "},
            "auth_prefix",
            "Bearer ",
            id="a-prefix-kept-with-its-space",
        ),
        pytest.param(
            {"PROSPECTING_AUTH_PREFIX": ""}, "auth_prefix", "", id="a-prefix-may-be-empty"
        ),
        pytest.param({"PROSPECTING_KEY_ALL": KEY_ALL}, "key_all", Secret(KEY_ALL), id="a-key"),
        pytest.param({"PROSPECTING_KEY_ALL": ""}, "key_all", None, id="an-empty-key-is-no-key"),
        pytest.param({"PROSPECTING_PROFILE": ""}, "profile", "default", id="empty-is-unset"),
        pytest.param({"PROSPECTING_MAX_RATE": ""}, "max_rate", 50.0, id="empty-rate-is-unset"),
    ],
)
def test_each_variable_is_read_typed(variables: dict[str, str], field: str, value: object) -> None:
    assert getattr(read(**variables), field) == value


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        pytest.param(
            {"PROSPECTING_ALLOW_WRITES": "maybe"},
            "PROSPECTING_ALLOW_WRITES='maybe': expected 1/0, true/false, yes/no",
            id="writes-neither-yes-nor-no",
        ),
        pytest.param(
            {"PROSPECTING_PROFILE": "thorough"},
            "PROSPECTING_PROFILE='thorough': expected one of quick, default, release",
            id="an-unknown-profile",
        ),
        pytest.param(
            {"PROSPECTING_MAX_RATE": "0"},
            "PROSPECTING_MAX_RATE='0': expected a finite number above 0",
            id="a-rate-of-zero",
        ),
        pytest.param(
            {"PROSPECTING_JOB_TIMEOUT": "inf"},
            "PROSPECTING_JOB_TIMEOUT='inf': expected a finite number above 0",
            id="an-endless-timeout",
        ),
        pytest.param(
            {"PROSPECTING_MAX_REQUESTS": "-1"},
            "PROSPECTING_MAX_REQUESTS='-1': expected a positive whole number",
            id="a-negative-budget",
        ),
        pytest.param(
            {"PROSPECTING_CONCURRENCY": "17"},
            "PROSPECTING_CONCURRENCY='17': expected auto or a whole number from 1 to 16",
            id="too-many-walks",
        ),
        pytest.param(
            {"PROSPECTING_CONCURRENCY": "0"},
            "PROSPECTING_CONCURRENCY='0': expected auto or a whole number from 1 to 16",
            id="no-walk",
        ),
        pytest.param(
            {"PROSPECTING_MAX_REQUESTS": "1.5"},
            "PROSPECTING_MAX_REQUESTS='1.5': invalid literal",
            id="a-fractional-budget",
        ),
        pytest.param(
            {"PROSPECTING_BASE_URL": "ftp://127.0.0.1"},
            "PROSPECTING_BASE_URL='ftp://127.0.0.1' is not an http(s) URL with a host",
            id="not-http",
        ),
        pytest.param(
            {"PROSPECTING_BASE_URL": "https://api.example.test"},
            "host 'api.example.test' of PROSPECTING_BASE_URL is not on the allow-list: "
            "add it to PROSPECTING_ALLOWED_HOSTS",
            id="a-host-not-on-the-allow-list",
        ),
    ],
)
def test_an_unusable_value_is_an_error_naming_its_variable(
    variables: dict[str, str], message: str
) -> None:
    with pytest.raises(TargetConfigError) as raised:
        read(**variables)

    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    "base_url",
    [
        pytest.param("http://localhost:8000", id="localhost"),
        pytest.param("http://127.0.0.1:8000", id="ipv4-loopback"),
        pytest.param("http://[::1]:8000", id="ipv6-loopback"),
        pytest.param("https://API.example.test", id="an-allowed-host-in-any-case"),
    ],
)
def test_loopback_and_allowed_hosts_are_safe_targets(base_url: str) -> None:
    config = read(PROSPECTING_BASE_URL=base_url, PROSPECTING_ALLOWED_HOSTS="api.example.test")

    assert config.base_url == base_url


@pytest.mark.parametrize(
    ("prefix", "name", "credential"),
    [
        pytest.param("", "all", KEY_ALL, id="no-prefix-the-bare-key"),
        pytest.param("Bearer ", "all", f"Bearer {KEY_ALL}", id="the-prefix-before-the-key"),
        pytest.param(
            "Bearer ", "prospecting_read", f"Bearer {KEY_READ}", id="for-every-key-it-has"
        ),
        pytest.param("Bearer ", "low_quota", None, id="none-for-a-key-it-lacks"),
    ],
)
def test_the_credential_is_the_prefix_and_the_key(
    prefix: str, name: KeyName, credential: str | None
) -> None:
    config = read(
        PROSPECTING_AUTH_PREFIX=prefix,
        PROSPECTING_KEY_ALL=KEY_ALL,
        PROSPECTING_KEY_PROSPECTING_READ=KEY_READ,
    )

    got = config.credential(name)

    assert (got.reveal() if got is not None else None) == credential
    # The key itself is left as configured.
    assert config.key_for("all") == Secret(KEY_ALL)


def test_no_key_shows_in_the_repr_or_a_config_error() -> None:
    config = read(
        PROSPECTING_AUTH_PREFIX="Bearer ",
        PROSPECTING_KEY_ALL=KEY_ALL,
        PROSPECTING_KEY_PROSPECTING_READ=KEY_READ,
    )

    shown = repr(config) + str(config) + repr(config.credential("all"))

    assert KEY_ALL not in shown
    assert KEY_READ not in shown
    assert "key_all=Secret(<redacted>)" in shown


def test_the_keys_reach_the_redactor_by_their_variable_names() -> None:
    config = read(PROSPECTING_KEY_ALL=KEY_ALL, PROSPECTING_KEY_PROSPECTING_READ=KEY_READ)

    assert config.secrets() == {
        "PROSPECTING_KEY_ALL": KEY_ALL,
        "PROSPECTING_KEY_PROSPECTING_READ": KEY_READ,
    }


def test_what_env_exports_from_env_reads_back_the_same(config: TargetConfig) -> None:
    target = dataclasses.replace(
        config,
        allowed_hosts=("api.test",),
        auth_header="Authorization",
        auth_prefix="Bearer ",
        profile="quick",
        max_requests=40,
    )

    assert TargetConfig.from_env(target.env()) == target
    assert "export PROSPECTING_AUTH_PREFIX='Bearer '" in target.env_lines()


@pytest.mark.parametrize(
    ("chosen", "typical_answer_s", "at_once"),
    [
        pytest.param("auto", None, 1, id="auto-before-any-answer-one"),
        pytest.param("auto", 0.001, 1, id="auto-on-loopback-one"),
        pytest.param("auto", 0.2, SLOW_TARGET_CONCURRENCY, id="auto-across-a-network-several"),
        pytest.param("3", 0.2, 3, id="chosen-wins-on-a-slow-target"),
        pytest.param("5", 0.001, 5, id="chosen-wins-on-a-fast-target"),
    ],
)
def test_concurrency_follows_the_choice_or_the_answer_times(
    chosen: str, typical_answer_s: float | None, at_once: int
) -> None:
    target = read(PROSPECTING_CONCURRENCY=chosen)
    assert target.concurrency_for(typical_answer_s) == at_once
