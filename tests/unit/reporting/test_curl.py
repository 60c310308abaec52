"""curl reproductions: a finding's request as a command QA can paste, the key left to the shell."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.reporting.curl import curl_command

EXCHANGE = Exchange(
    method="POST",
    url="http://127.0.0.1:8080/v1/accounts/ag-1/prospecting",
    request_headers={
        "host": "127.0.0.1:8080",
        "user-agent": "python-httpx",
        "x-api-key": "Bearer $PROSPECTING_KEY_ALL",
        "content-type": "application/json",
    },
    request_body='{"savedSearchId": "it\'s"}',
    status=500,
    response_headers={"content-type": "application/json"},
    response_body="{}",
)


def test_curl_keeps_the_key_variable_expandable_and_drops_client_noise() -> None:
    command = curl_command(EXCHANGE)

    assert command.startswith("curl -sS -i -X POST 'http://127.0.0.1:8080/v1/")
    assert "-H 'x-api-key: Bearer '\"$PROSPECTING_KEY_ALL\"" in command
    assert "user-agent" not in command
    assert "host:" not in command


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        pytest.param("plain", "'plain'", id="literal-single-quoted"),
        pytest.param("it's", "'it'\"'\"'s'", id="single-quote-escaped"),
        pytest.param("$PROSPECTING_KEY_ALL", '"$PROSPECTING_KEY_ALL"', id="variable-alone"),
        pytest.param(
            "Bearer $PROSPECTING_KEY_ALL now",
            "'Bearer '\"$PROSPECTING_KEY_ALL\"' now'",
            id="variable-inside-literal",
        ),
        pytest.param("$(rm -rf /) $home", "'$(rm -rf /) $home'", id="no-other-expansion"),
        pytest.param("", "''", id="empty"),
    ],
)
def test_curl_quotes_literals_and_leaves_only_variables_expandable(value: str, quoted: str) -> None:
    exchange = Exchange("GET", value)

    assert curl_command(exchange, "-sS") == f"curl -sS -X GET {quoted}"


def test_head_is_sent_with_curls_head_option() -> None:
    # `-X HEAD` would wait for a body that never comes (curl exit 18)
    assert curl_command(Exchange("HEAD", "http://t/x"), "-sS") == "curl -sS --head 'http://t/x'"


def test_curl_command_is_valid_shell_that_expands_the_key(tmp_path: Path) -> None:
    # Given a fake curl that prints its arguments, one a line
    fake = tmp_path / "curl"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
    fake.chmod(0o755)

    # When the reproduction runs with the key in the environment
    printed = subprocess.run(
        ["bash", "-c", curl_command(EXCHANGE)],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin", "PROSPECTING_KEY_ALL": "k-123"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()

    # Then curl receives the real key and the body unchanged, quote included
    assert "x-api-key: Bearer k-123" in printed
    assert '{"savedSearchId": "it\'s"}' in printed
