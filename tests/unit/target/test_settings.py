"""Reading the run's settings back: what the controller exported, typed, in any process.

The precedence itself (option > user's environment > embedded server) is `resolve`'s, and the
selftests run it end to end (tests/selftest/test_settings.py); here, the readers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from prospecting_conformance.target.settings import (
    SettingsError,
    embedded,
    ledger_path,
    reference_faults,
    reference_variations,
    reports_dir,
    resolve,
    run_target,
)

LIVE = {
    "PROSPECTING_BASE_URL": "http://127.0.0.1:9",
    "PROSPECTING_ACCOUNT_GROUP_ID": "ag-1",
    "PROSPECTING_KEY_ALL": "sk_test_all_0123456789abcdef",
}


@pytest.fixture
def environ(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment with no PROSPECTING_* variable; the test sets what it needs."""
    for name in [n for n in os.environ if n.startswith("PROSPECTING_")]:
        monkeypatch.delenv(name)
    return monkeypatch


def test_the_exported_target_is_read_back_typed(environ: pytest.MonkeyPatch) -> None:
    for name, value in {**LIVE, "PROSPECTING_EMBEDDED": "1", "PROSPECTING_MAX_RATE": "5"}.items():
        environ.setenv(name, value)

    target = run_target()

    assert (target.base_url, target.account_group_id) == ("http://127.0.0.1:9", "ag-1")
    assert (target.max_rate, target.embedded) == (5.0, True)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        pytest.param({}, "PROSPECTING_BASE_URL is not set", id="no-target"),
        pytest.param(
            {**LIVE, "PROSPECTING_MAX_RATE": "nan"},
            "PROSPECTING_MAX_RATE='nan': expected a finite number above 0",
            id="unusable-value",
        ),
    ],
)
def test_an_unusable_target_is_one_settings_error(
    environ: pytest.MonkeyPatch, variables: dict[str, str], message: str
) -> None:
    for name, value in variables.items():
        environ.setenv(name, value)

    with pytest.raises(SettingsError, match="^" + message.replace("(", r"\(")):
        run_target()


def test_the_embedded_servers_switches_are_read_as_lists(environ: pytest.MonkeyPatch) -> None:
    environ.setenv("PROSPECTING_EMBEDDED", "1")
    environ.setenv("PROSPECTING_REFERENCE_FAULTS", "a,b")
    environ.setenv("PROSPECTING_REFERENCE_VARIATIONS", "")

    assert (embedded(), reference_faults(), reference_variations()) == (True, ("a", "b"), ())


def test_without_exports_a_process_runs_alone(environ: pytest.MonkeyPatch) -> None:
    assert (embedded(), reference_faults(), ledger_path()) == (False, (), None)


@pytest.mark.parametrize(
    ("option", "variable", "expected"),
    [
        pytest.param("from-option", "from-env", "from-option", id="option-wins"),
        pytest.param(None, "from-env", "from-env", id="then-the-environment"),
        pytest.param(None, None, "/root/reports", id="then-reports-under-the-root"),
    ],
)
def test_the_reports_folder(
    environ: pytest.MonkeyPatch, option: str | None, variable: str | None, expected: str
) -> None:
    if variable is not None:
        environ.setenv("PROSPECTING_REPORTS_DIR", variable)

    assert reports_dir(option, Path("/root")) == Path(expected)


def test_an_embedded_run_keeps_the_users_run_settings_not_their_target() -> None:
    user = {"PROSPECTING_PROFILE": "quick", "PROSPECTING_KEY_ALL": "sk_staging_key"}
    server = {"PROSPECTING_PROFILE": "default", "PROSPECTING_KEY_ALL": "sk_server_key"}

    resolved = resolve({"PROSPECTING_SEED": "3"}, user, server)

    assert resolved == {
        "PROSPECTING_PROFILE": "quick",
        "PROSPECTING_KEY_ALL": "sk_server_key",
        "PROSPECTING_SEED": "3",
    }
