"""Redaction: a configured key prints as its variable name, any other credential as <redacted>."""

from __future__ import annotations

from pathlib import Path

import pytest

from prospecting_conformance.core.redaction import REDACTED, Redactor
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.target.config import TargetConfig

KEY_ALL = "sk_live_all_0123456789abcdef"
KEY_ALL_LONGER = KEY_ALL + "_rotated"
SECRETS = {"PROSPECTING_KEY_ALL": KEY_ALL, "PROSPECTING_FOREIGN_KEY_ALL": KEY_ALL_LONGER}


def test_text_replaces_each_secret_by_its_variable_name_longest_first() -> None:
    redactor = Redactor(SECRETS)

    text = redactor.text(f"curl -H 'X-API-Key: {KEY_ALL}' # was {KEY_ALL_LONGER}")

    assert text == ("curl -H 'X-API-Key: $PROSPECTING_KEY_ALL' # was $PROSPECTING_FOREIGN_KEY_ALL")


@pytest.mark.parametrize(
    ("header", "value", "shown"),
    [
        pytest.param("X-API-Key", KEY_ALL, "$PROSPECTING_KEY_ALL", id="configured-key"),
        pytest.param(
            "Authorization",
            f"Bearer {KEY_ALL}",
            "Bearer $PROSPECTING_KEY_ALL",
            id="configured-key-with-prefix",
        ),
        pytest.param("X-API-Key", "sk_test_someone_else", REDACTED, id="unknown-key"),
        pytest.param(
            "Authorization",
            "Bearer sk_test_someone_else",
            f"Bearer {REDACTED}",
            id="unknown-key-with-scheme",
        ),
        pytest.param(
            "Authorization", KEY_ALL, "$PROSPECTING_KEY_ALL", id="key-in-the-wrong-header"
        ),
        pytest.param("Cookie", "session=abc", REDACTED, id="cookie"),
        pytest.param("X-API-Key", "", "", id="empty-key-stays-empty"),
        pytest.param("Accept", "application/json", "application/json", id="ordinary-header"),
    ],
)
def test_headers_are_made_safe_to_print(header: str, value: str, shown: str) -> None:
    assert Redactor(SECRETS).headers({header: value}) == {header: shown}


def test_a_custom_auth_header_and_prefix_are_redacted() -> None:
    config = TargetConfig(
        base_url="https://api.test",
        account_group_id="ag-1",
        key_all=Secret(KEY_ALL),
        auth_header="X-Custom-Auth",
        auth_prefix="Key=",
    )
    redactor = config.redactor()

    assert redactor.headers({"X-Custom-Auth": f"Key={KEY_ALL}"}) == {
        "X-Custom-Auth": "Key=$PROSPECTING_KEY_ALL"
    }
    assert redactor.headers({"X-Custom-Auth": "Key=guess"}) == {"X-Custom-Auth": f"Key={REDACTED}"}
    assert KEY_ALL not in repr(redactor)


def test_files_rewrites_every_report_that_holds_a_key(tmp_path: Path) -> None:
    # Given a reports folder where one writer kept a key (JUnit's captured output, say)
    redactor = Redactor({"PROSPECTING_KEY_ALL": KEY_ALL})
    (tmp_path / "regressions").mkdir()
    leaked = tmp_path / "junit.xml"
    leaked.write_text(f"<system-out>X-API-Key: {KEY_ALL}</system-out>", encoding="utf-8")
    clean = tmp_path / "regressions" / "001.md"
    clean.write_text("nothing secret", encoding="utf-8")

    # When the last pass runs
    rewritten = redactor.files(tmp_path)

    # Then the key is gone, named by its variable, and clean files are left alone
    assert rewritten == [leaked]
    assert (
        leaked.read_text(encoding="utf-8")
        == "<system-out>X-API-Key: $PROSPECTING_KEY_ALL</system-out>"
    )
    assert clean.read_text(encoding="utf-8") == "nothing secret"
