"""Targets as the suite meets them: misconfigured, down, standalone, and split across workers.

Each case runs the conformance suite as CI would (a separate pytest process) and checks what
an operator sees: one clear preflight message with a distinct exit status instead of a wall
of failures, or a clean pass against the reference server configured only through the
`export` lines it prints.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from prospecting_conformance.reference import ReferenceServer, seed
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED, EXIT_TARGET_DOWN
from prospecting_conformance.target.embedded import EmbeddedServer

PROJECT = Path(__file__).resolve().parents[2]
# A small slice of the suite is enough to prove the target machinery; the full suite runs
# against the embedded server in the conformance run itself.
SLICE = ["tests/conformance/test_lookup.py", "tests/conformance/test_auth.py"]


def run_suite(
    args: list[str], env: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]
    return subprocess.run(
        [*command, "--reports-dir", str(tmp_path), *args],
        cwd=PROJECT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("env", "exit_status", "message"),
    [
        pytest.param(
            {"PROSPECTING_BASE_URL": "https://api.example.invalid"},
            EXIT_MISCONFIGURED,
            "PROSPECTING_ACCOUNT_GROUP_ID",
            id="account-group-missing",
        ),
        pytest.param(
            {
                "PROSPECTING_BASE_URL": "https://api.example.invalid",
                "PROSPECTING_ACCOUNT_GROUP_ID": "ag-x",
                "PROSPECTING_KEY_ALL": "k",
            },
            EXIT_MISCONFIGURED,
            "is not on the allow-list",
            id="host-not-allowed",
        ),
        pytest.param(
            {
                "PROSPECTING_BASE_URL": "ftp://127.0.0.1/",
                "PROSPECTING_ACCOUNT_GROUP_ID": "ag-x",
                "PROSPECTING_KEY_ALL": "k",
            },
            EXIT_MISCONFIGURED,
            "is not an http(s) URL",
            id="not-an-http-url",
        ),
        pytest.param(
            {
                "PROSPECTING_BASE_URL": "http://127.0.0.1:{closed}",
                "PROSPECTING_ACCOUNT_GROUP_ID": seed.PRIMARY_ACCOUNT_GROUP_ID,
                "PROSPECTING_KEY_ALL": seed.KEY_ALL,
            },
            EXIT_TARGET_DOWN,
            "is down or unreachable",
            id="target-down",
        ),
        pytest.param(
            {
                "PROSPECTING_BASE_URL": "{server}",
                "PROSPECTING_ACCOUNT_GROUP_ID": seed.PRIMARY_ACCOUNT_GROUP_ID,
                "PROSPECTING_KEY_ALL": "a-key-the-target-rejects-0000",
            },
            EXIT_MISCONFIGURED,
            "rejected PROSPECTING_KEY_ALL",
            id="key-rejected",
        ),
        pytest.param(
            {
                "PROSPECTING_BASE_URL": "{server}",
                "PROSPECTING_ACCOUNT_GROUP_ID": seed.PRIMARY_ACCOUNT_GROUP_ID,
                "PROSPECTING_KEY_ALL": seed.KEY_ALL,
                "PROSPECTING_MAX_RATE": "fast",
            },
            EXIT_MISCONFIGURED,
            "PROSPECTING_MAX_RATE='fast'",
            id="bad-number",
        ),
    ],
)
def test_a_bad_target_stops_in_the_preflight_with_one_message(
    server: ReferenceServer, tmp_path: Path, env: dict[str, str], exit_status: int, message: str
) -> None:
    # Given a target configuration that cannot work
    filled = {
        name: value.format(server=server.base_url, closed=_closed_port())
        for name, value in env.items()
    }

    # When the suite is run against it
    result = run_suite(SLICE, filled, tmp_path)

    # Then it stops before any test, with one line that says what to fix
    output = result.stdout + result.stderr
    assert result.returncode == exit_status, output
    preflight_lines = [line for line in output.splitlines() if "preflight:" in line]
    assert len(preflight_lines) == 1, output
    assert message in preflight_lines[0], output
    assert " passed" not in output, output
    assert " failed" not in output, output
    assert "a-key-the-target-rejects-0000" not in output


def _print_env(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    env: dict[str, str] = {}
    while "PROSPECTING_MAX_RATE" not in env:
        line = process.stdout.readline()
        assert line, "the server stopped before printing its environment"
        for word in shlex.split(line):
            name, _, value = word.partition("=")
            env[name] = value
    return env


@pytest.fixture(scope="module")
def standalone() -> Iterator[dict[str, str]]:
    """The reference server as QA starts it by hand, and the environment it prints."""
    process = subprocess.Popen(
        [sys.executable, "-m", "prospecting_conformance.reference", "--port", "0", "--print-env"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield _print_env(process)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize(
    "extra",
    [pytest.param([], id="one-process"), pytest.param(["-n", "2"], id="two-workers")],
)
def test_the_suite_passes_against_the_standalone_server_as_a_live_target(
    standalone: dict[str, str], tmp_path: Path, extra: list[str]
) -> None:
    result = run_suite(["tests/conformance", "--profile", "quick", *extra], standalone, tmp_path)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "(live target)" in output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "pass"
    assert summary["target"]["embedded"] is False
    assert set(summary["links"]["covered"]) == set(summary["links"]["declared"])
    assert summary["tests"].get("failed", 0) == 0
    assert summary["tests"]["passed"] > 90
    assert summary["jobsLeftRunning"] == []


def test_without_permission_to_write_no_job_is_ever_touched(
    standalone: dict[str, str], tmp_path: Path
) -> None:
    # Given the standalone server as a live target that does not allow writes
    read_only = {**standalone, "PROSPECTING_ALLOW_WRITES": "0"}

    # When the whole suite runs against it
    result = run_suite(["tests/conformance", "--profile", "quick"], read_only, tmp_path)

    # Then what needs writes is skipped with the variable to set, the reads pass, and not
    # one request reached an operation that starts or cancels jobs
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "set PROSPECTING_ALLOW_WRITES=1" in output
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["verdict"] == "pass"
    assert summary["tests"]["skipped"] > 0
    assert summary["tests"]["passed"] > 0
    for writing in ("startProspectingJob", "cancelProspectingJob"):
        assert summary["coverage"][writing]["observed"] == {}, writing
    assert summary["generatedCases"]["byOperation"]["listSalesNavigatorSavedSearches"] > 0


def test_reference_variations_reach_the_embedded_server() -> None:
    # Given the embedded server started the way --reference-variation starts it
    server = EmbeddedServer(variations=["pretty_printed", "uuid_ids"])
    try:
        env = server.start()
        # When the suite's target is asked for something
        answer = httpx.get(
            f"{env['PROSPECTING_BASE_URL']}/v1/accounts/{seed.PRIMARY_ACCOUNT_GROUP_ID}"
            "/sales-navigator/saved-searches",
            headers={"X-API-Key": env["PROSPECTING_KEY_ALL"]},
        )
    finally:
        server.stop()
    # Then it answers with both variations on
    assert answer.text.startswith("{\n  ")
    assert len(answer.json()["traceId"]) == 36
