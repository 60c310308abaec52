"""The schema schemathesis fuzzes: set up for the target's auth, its writes and its pins."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from prospecting_conformance.fuzz.checks import FUZZ_CHECKS
from prospecting_conformance.fuzz.loading import (
    fuzz_config,
    fuzz_schema,
    fuzzed_operations,
    security_scheme,
    unexpected_methods,
)
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

READS = ["listSalesNavigatorSavedSearches", "getProspectingJob", "getProspectByProviderId"]
EVERY_OPERATION = [
    "listSalesNavigatorSavedSearches",
    "startProspectingJob",
    "getProspectingJob",
    "cancelProspectingJob",
    "getProspectByProviderId",
]


@pytest.mark.parametrize(
    ("header", "prefix", "scheme"),
    [
        ("X-API-Key", "", {"type": "apiKey", "in": "header", "name": "X-API-Key"}),
        ("X-Custom-Auth", "", {"type": "apiKey", "in": "header", "name": "X-Custom-Auth"}),
        ("Authorization", "Bearer ", {"type": "http", "scheme": "bearer"}),
        ("authorization", "Bearer ", {"type": "http", "scheme": "bearer"}),
        # A key in Authorization under another scheme word is a plain header to schemathesis.
        ("Authorization", "Token ", {"type": "apiKey", "in": "header", "name": "Authorization"}),
        ("Authorization", "", {"type": "apiKey", "in": "header", "name": "Authorization"}),
    ],
    ids=["default", "custom-header", "bearer", "bearer-lowercase", "token", "bare-authorization"],
)
def test_the_security_scheme_is_how_the_target_takes_its_key(
    config: TargetConfig, header: str, prefix: str, scheme: dict[str, Any]
) -> None:
    target = dataclasses.replace(config, auth_header=header, auth_prefix=prefix)

    assert security_scheme(target) == scheme


@pytest.mark.parametrize(
    ("allow_writes", "methods"),
    [
        (True, ("PUT", "POST", "DELETE", "OPTIONS", "PATCH", "TRACE")),
        (False, ("OPTIONS",)),
    ],
    ids=["writes-on", "writes-off"],
)
def test_undeclared_methods_are_limited_to_reads_with_writes_off(
    config: TargetConfig, allow_writes: bool, methods: tuple[str, ...]
) -> None:
    target = dataclasses.replace(config, allow_writes=allow_writes)

    assert unexpected_methods(target) == methods
    assert fuzz_config(target, seed=1)["phases"]["coverage"]["unexpected-methods"] == list(methods)


@pytest.mark.parametrize(
    ("allow_writes", "operations"),
    [(True, EVERY_OPERATION), (False, READS)],
    ids=["writes-on", "writes-off"],
)
def test_write_operations_are_fuzzed_only_with_writes_on(
    config: TargetConfig, spec: Spec, allow_writes: bool, operations: list[str]
) -> None:
    target = dataclasses.replace(config, allow_writes=allow_writes)

    schema = fuzz_schema(target, spec, seed=1)

    assert fuzzed_operations(spec, target) == operations
    loaded = [result.ok().definition.raw["operationId"] for result in schema.get_all_operations()]
    assert loaded == operations


def test_the_schema_sends_the_all_scopes_key_in_the_targets_header(
    config: TargetConfig, spec: Spec
) -> None:
    target = dataclasses.replace(config, auth_header="Authorization", auth_prefix="Bearer ")

    schema = fuzz_schema(target, spec, seed=1)

    assert schema.config.headers == {"Authorization": f"Bearer {config.key_all.reveal()}"}
    assert list(schema.raw_schema["components"]["securitySchemes"].values()) == [
        {"type": "http", "scheme": "bearer"}
    ]
    # The spec the rest of the suite reads is left as it was.
    assert spec.document["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "X-API-Key"


def test_the_config_pins_the_account_group_and_enables_only_our_checks(
    config: TargetConfig,
) -> None:
    settings = fuzz_config(config, seed=7)

    assert settings["seed"] == 7
    assert settings["parameters"] == {"path.accountGroupId": config.account_group_id}
    assert settings["checks"] == {
        "enabled": False,
        **{name: {"enabled": True} for name in FUZZ_CHECKS},
    }
