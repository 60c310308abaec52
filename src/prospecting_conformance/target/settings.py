"""Every PROSPECTING_* setting: its name, where it comes from, and whether it is usable.

One order of precedence, whichever the target: a command-line option beats the user's
environment, which beats the embedded server's defaults. The embedded server's `--print-env`
lines say where the server is and how to reach it (URL, account groups, keys, saved
searches), and suggest run settings (writes on, a 3 s job timeout); a user who sets
`PROSPECTING_PROFILE=quick` or `PROSPECTING_MAX_RATE=5` gets that, not the server's choice.

Every value is checked before the first request; a bad one stops the run with one line that
names it and the "misconfigured" exit status (78): a traceback, or a run that polls for ever
on `nan`, tells CI nothing.

The resolved values travel to xdist workers as environment variables (the way a live target
is configured); `run_settings` reads them back, typed, in any process.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from prospecting_conformance.target.config import ENV_VARS

__all__ = [
    "ALL_VARS",
    "EMBEDDED_VAR",
    "FAULTS_VAR",
    "NO_SHRINK_VAR",
    "REPORTS_DIR_VAR",
    "RUN_SETTINGS",
    "SEED_LIMIT",
    "SEED_VAR",
    "SPEC_VAR",
    "SettingsError",
    "check_reports_dir",
    "check_seed",
    "resolve",
    "run_seed",
    "shrink",
]

SEED_VAR = "PROSPECTING_SEED"
NO_SHRINK_VAR = "PROSPECTING_NO_SHRINK"
REPORTS_DIR_VAR = "PROSPECTING_REPORTS_DIR"
SPEC_VAR = "PROSPECTING_SPEC"
# Set by the controller for its workers, never by a user.
FAULTS_VAR = "PROSPECTING_REFERENCE_FAULTS"
VARIATIONS_VAR = "PROSPECTING_REFERENCE_VARIATIONS"
EMBEDDED_VAR = "PROSPECTING_EMBEDDED"

# What a run does, as opposed to where the target is: the user's choice wins over the
# embedded server's suggestion. Everything else in ENV_VARS describes the target, and for an
# embedded run only the server knows it (a staging key left in the shell must not be sent).
RUN_SETTINGS = frozenset(
    ENV_VARS[name]
    for name in ("profile", "allow_writes", "job_timeout", "max_requests", "max_rate")
) | {SEED_VAR, NO_SHRINK_VAR}

# Every name the suite reads, in one list (the README's tables document them).
ALL_VARS = (
    *ENV_VARS.values(),
    SEED_VAR,
    NO_SHRINK_VAR,
    REPORTS_DIR_VAR,
    SPEC_VAR,
    FAULTS_VAR,
    EMBEDDED_VAR,
)

SEED_LIMIT = 2**32


class SettingsError(ValueError):
    """A setting cannot be used; the message is the one line the run stops with."""


def resolve(
    options: Mapping[str, str],
    user_env: Mapping[str, str],
    embedded_defaults: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The PROSPECTING_* environment of the run: options > user's environment > server.

    `options` maps variable names to the values given on the command line; `user_env` is the
    environment as the user started the run; `embedded_defaults` is what the embedded server
    printed (None for a live target, whose every setting is the user's).
    """
    ours = {name: value for name, value in user_env.items() if name in ALL_VARS}
    if embedded_defaults is None:
        return {**ours, **options}
    # An embedded run: the server says where the target is; the user says how to run.
    chosen = {name: value for name, value in ours.items() if name in RUN_SETTINGS}
    return {**embedded_defaults, **chosen, **options}


def check_seed(raw: str) -> int:
    """A seed is a whole number in [0, 2**32): what the header prints and --seed replays."""
    try:
        seed = int(raw)
    except ValueError:
        raise SettingsError(f"{SEED_VAR}={raw!r} (--seed): expected a whole number") from None
    if not 0 <= seed < SEED_LIMIT:
        raise SettingsError(f"{SEED_VAR}={raw!r} (--seed): expected 0 to {SEED_LIMIT - 1}")
    return seed


def check_reports_dir(directory: Path) -> Path:
    """Create the reports folder and prove it writable now, not after a whole run."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".write-check-"):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SettingsError(f"reports folder {directory} (--reports-dir): {reason}") from None
    return directory


def run_seed() -> int:
    """The run's seed: the controller picks it, checks it and exports it to the workers."""
    return check_seed(os.environ[SEED_VAR])


def shrink() -> bool:
    """Whether generated failures are minimised (off for mutation runs, which only count)."""
    return os.environ.get(NO_SHRINK_VAR) != "1"
