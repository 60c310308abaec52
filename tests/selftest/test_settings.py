"""Settings as a user gives them: the right one wins, a bad one stops the run in one line.

Each case runs the suite as CI would (a subprocess, the user's environment as given) against
the embedded server: an option beats the user's environment, which beats what the embedded
server suggests; a value the run cannot use stops it before its first request, with one
line naming the value and exit status 78.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from prospecting_conformance.reference import seed
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED

if TYPE_CHECKING:
    from conftest import SuiteRunner

# Small, so that the profile hardly changes the run's length whichever one wins.
SLICE = ["tests/conformance/test_lookup.py"]


def header(output: str, prefix: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    assert len(lines) == 1, output[-3000:]
    return lines[0]


@pytest.mark.parametrize(
    ("env", "options", "profile", "settings"),
    [
        pytest.param(
            {
                "PROSPECTING_PROFILE": "quick",
                "PROSPECTING_MAX_RATE": "40",
                "PROSPECTING_JOB_TIMEOUT": "7",
                "PROSPECTING_MAX_REQUESTS": "900",
            },
            [],
            "quick",
            "writes on, job timeout 7 s, max rate 40/s, max requests 900",
            id="the-users-environment-beats-the-server",
        ),
        pytest.param(
            {"PROSPECTING_PROFILE": "release", "PROSPECTING_MAX_RATE": "40"},
            ["--profile", "quick", "--max-rate", "30"],
            "quick",
            "writes on, job timeout 3 s, max rate 30/s, max requests 1000000",
            id="an-option-beats-the-users-environment",
        ),
        pytest.param(
            {"PROSPECTING_ALLOW_WRITES": "0"},
            ["--profile", "quick"],
            "quick",
            "writes off, job timeout 3 s, max rate 1000/s, max requests 1000000",
            id="the-user-turns-writes-off",
        ),
        pytest.param(
            {},
            ["--profile", "quick"],
            "quick",
            "writes on, job timeout 3 s, max rate 1000/s, max requests 1000000",
            id="the-servers-suggestions-otherwise",
        ),
    ],
)
def test_settings_precedence(
    suite_runner: SuiteRunner,
    tmp_path: Path,
    env: dict[str, str],
    options: list[str],
    profile: str,
    settings: str,
) -> None:
    # When the suite runs on the embedded server with these settings
    run = suite_runner.run([*SLICE, *options], tmp_path, env)

    # Then the run uses the winning value of each, and says so in its header
    assert run.returncode == 0, run.explain()
    assert run.summary["profile"] == profile
    assert header(run.stdout, "prospecting settings:") == f"prospecting settings: {settings}"


def test_a_live_targets_key_left_in_the_shell_never_reaches_the_embedded_server(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # Given a staging key and account group left in the environment, but no base URL
    env = {
        "PROSPECTING_KEY_ALL": "a-staging-key-left-in-the-shell-0000",
        "PROSPECTING_ACCOUNT_GROUP_ID": "ag-staging",
    }

    # When the suite runs (on the embedded server)
    run = suite_runner.run([*SLICE, "--profile", "quick"], tmp_path, env)

    # Then the server's own target is used, not the staging one
    assert run.returncode == 0, run.explain()
    assert "(embedded reference server" in run.stdout
    assert "a-staging-key-left-in-the-shell-0000" not in run.stdout + run.stderr


@pytest.mark.parametrize(
    ("options", "env", "message"),
    [
        pytest.param(["--seed", "abc"], {}, "PROSPECTING_SEED='abc'", id="seed-not-a-number"),
        pytest.param([], {"PROSPECTING_SEED": "1.5"}, "PROSPECTING_SEED='1.5'", id="seed-env"),
        pytest.param(
            ["--job-timeout", "nan"], {}, "PROSPECTING_JOB_TIMEOUT='nan'", id="timeout-nan"
        ),
        pytest.param(
            ["--job-timeout", "-3"], {}, "PROSPECTING_JOB_TIMEOUT='-3'", id="timeout-negative"
        ),
        pytest.param(["--max-rate", "nan"], {}, "PROSPECTING_MAX_RATE='nan'", id="rate-nan"),
        pytest.param(
            [], {"PROSPECTING_MAX_RATE": "inf"}, "PROSPECTING_MAX_RATE='inf'", id="rate-inf-env"
        ),
        pytest.param(
            ["--max-requests", "lots"],
            {},
            "PROSPECTING_MAX_REQUESTS='lots'",
            id="budget-not-a-number",
        ),
        pytest.param(
            ["--reports-dir", "{file}/reports"], {}, "reports folder", id="reports-unwritable"
        ),
        pytest.param(["--baseline", "{file}"], {}, "not a JSON file", id="baseline-not-json"),
        pytest.param(
            ["--baseline", "{baseline}"],
            {},
            "entries/0/rule: 'Z9' is not one of",
            id="baseline-off-schema",
        ),
        pytest.param(
            ["--reference-fault", "cancel_ignord"],
            {},
            "unknown --reference-fault 'cancel_ignord' (did you mean 'cancel_ignored'?)",
            id="unknown-fault",
        ),
        pytest.param(
            ["--reference-fault", "cancel_ignored"],
            {
                "PROSPECTING_BASE_URL": "http://127.0.0.1:9",
                "PROSPECTING_ACCOUNT_GROUP_ID": seed.PRIMARY_ACCOUNT_GROUP_ID,
            },
            "--reference-fault only applies to the embedded server",
            id="fault-on-a-live-target",
        ),
        pytest.param(
            ["--reference-variation", "uuid_ids"],
            {
                "PROSPECTING_BASE_URL": "http://127.0.0.1:9",
                "PROSPECTING_ACCOUNT_GROUP_ID": seed.PRIMARY_ACCOUNT_GROUP_ID,
            },
            "--reference-variation only applies to the embedded server",
            id="variation-on-a-live-target",
        ),
        pytest.param(
            ["--reference-variation", "uuid_idz"],
            {},
            "unknown --reference-variation 'uuid_idz' (did you mean 'uuid_ids'?)",
            id="unknown-variation",
        ),
    ],
)
def test_a_bad_setting_stops_the_run_in_one_line(
    suite_runner: SuiteRunner,
    tmp_path: Path,
    options: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    # Given a setting the run cannot use
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("not json, and not a folder either\n", encoding="utf-8")
    off_schema = tmp_path / "baseline.json"
    off_schema.write_text('{"entries": [{"rule": "Z9", "operation": "x", "ticket": "T"}]}')
    filled = [o.format(file=not_a_folder, baseline=off_schema) for o in options]
    reports = tmp_path / "reports"
    if filled[:1] == ["--reports-dir"]:
        reports, filled = Path(filled[1]), filled[2:]

    # When the suite is started with it
    run = suite_runner.run([*SLICE, *filled], reports, env)

    # Then it stops before any test, with one line naming the value, and status 78
    output = run.stdout + run.stderr
    assert run.returncode == EXIT_MISCONFIGURED, run.explain() + run.stderr
    assert message in header(output, "Exit: preflight:"), output
    assert "Traceback" not in output
    assert " passed" not in output
    assert " failed" not in output
    # An unknown fault is named, without the server's command line or the whole catalogue
    assert "--print-env" not in output
    assert "trace_id_constant" not in output
