"""Every PROSPECTING_* setting: its name, where it comes from, and whether it is usable.

One order of precedence, whichever the target: a command-line option beats the user's
environment, which beats the embedded server's defaults. The embedded server's `--print-env`
lines say where the server is and how to reach it (URL, account groups, keys, saved
searches), and suggest run settings (writes on, a 3 s job timeout); a user who sets
`PROSPECTING_PROFILE=quick` or `PROSPECTING_MAX_RATE=5` gets that, not the server's choice.

Every value is checked before the first request; a bad one stops the run with one line that
names it and the "misconfigured" exit status (78): a traceback, or a run that polls for ever
on `nan`, tells CI nothing.

The resolved values travel to xdist workers as environment variables: the controller
`export`s them once, before any worker starts, because the environment is what a worker
inherits (and how a live target is configured anyway). That is the one legitimate use of the
environment between modules; every other module asks this one for a typed value (`run_target`,
`run_seed`, `shrink`, `reference_faults`, `ledger_path` ...), never `os.environ`. The one
exception sits below this layer: spec/model.py reads `PROSPECTING_SPEC` where it loads the spec.

The command line that sets them is the table in `options.py`.
"""

from __future__ import annotations

import os
import random
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.rules import RULES
from prospecting_conformance.spec.model import SPEC_VAR
from prospecting_conformance.target.config import TargetConfig, TargetConfigError

__all__ = [
    "ALL_VARS",
    "EMBEDDED_VAR",
    "FAULTS_VAR",
    "LEDGER_VAR",
    "NO_SHRINK_VAR",
    "REPORTS_DIR_VAR",
    "RUN_SETTINGS",
    "SEED_LIMIT",
    "SEED_VAR",
    "SKIP_RULES_VAR",
    "VARIATIONS_VAR",
    "SettingsError",
    "check_reports_dir",
    "check_seed",
    "check_skipped_rules",
    "embedded",
    "export",
    "export_seed",
    "ledger_path",
    "reference_faults",
    "reference_variations",
    "reports_dir",
    "resolve",
    "run_reports_dir",
    "run_seed",
    "run_target",
    "shrink",
    "skipped_rules",
    "step_summary_path",
    "user_environment",
]

SEED_VAR = "PROSPECTING_SEED"
NO_SHRINK_VAR = "PROSPECTING_NO_SHRINK"
REPORTS_DIR_VAR = "PROSPECTING_REPORTS_DIR"
# Set by the controller for its workers, never by a user.
FAULTS_VAR = "PROSPECTING_REFERENCE_FAULTS"
VARIATIONS_VAR = "PROSPECTING_REFERENCE_VARIATIONS"
EMBEDDED_VAR = "PROSPECTING_EMBEDDED"
# The file in which the run's processes share the rails' ledger (budget, rate, pause).
LEDGER_VAR = "PROSPECTING_RAILS_LEDGER"
# Rules a run does not judge (--skip-rule, comma-separated here).
SKIP_RULES_VAR = "PROSPECTING_SKIP_RULES"
# Not ours: GitHub Actions shows this file on the job's page.
STEP_SUMMARY_VAR = "GITHUB_STEP_SUMMARY"

# What a run does, as opposed to where the target is: the user's choice wins over the
# embedded server's suggestion. Everything else in ENV_VARS describes the target, and for an
# embedded run only the server knows it (a staging key left in the shell must not be sent).
RUN_SETTINGS = frozenset(
    ENV_VARS[name]
    for name in (
        "profile",
        "allow_writes",
        "job_timeout",
        "max_requests",
        "max_rate",
        "concurrency",
    )
) | {SEED_VAR, NO_SHRINK_VAR, SKIP_RULES_VAR}

# Every name the suite reads, in one list (the README's tables document them).
ALL_VARS = (
    *ENV_VARS.values(),
    SEED_VAR,
    NO_SHRINK_VAR,
    SKIP_RULES_VAR,
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


def user_environment() -> dict[str, str]:
    """The PROSPECTING_* variables as the user started the run."""
    return {k: v for k, v in os.environ.items() if k.startswith("PROSPECTING_")}


def reports_dir(option: str | None, root: Path) -> Path:
    """Where reports go: the option, else the variable, else `reports/` under the root."""
    chosen = option or os.environ.get(REPORTS_DIR_VAR)
    return Path(chosen or root / "reports")


def run_reports_dir() -> Path | None:
    """The run's reports folder as the controller exported it (None outside a run)."""
    chosen = os.environ.get(REPORTS_DIR_VAR)
    return Path(chosen) if chosen else None


def export(variables: Mapping[str, str]) -> None:
    """Hand resolved settings to the rest of this process and to the xdist workers it starts.

    Only the controller calls this, before any worker starts: the environment is what a
    worker inherits. Everything else reads the values back through this module.
    """
    os.environ.update(variables)


def export_seed() -> None:
    """Pick the run's seed unless the user chose one (`run_seed` reads it in any process)."""
    os.environ.setdefault(SEED_VAR, str(random.randrange(SEED_LIMIT)))


def run_target() -> TargetConfig:
    """The run's target as the controller exported it (a SettingsError if unusable)."""
    try:
        target = TargetConfig.from_env(os.environ)
    except TargetConfigError as exc:
        raise SettingsError(str(exc)) from None
    if target is None:
        raise SettingsError(f"{ENV_VARS['base_url']} is not set")
    return replace(target, embedded=True) if embedded() else target


def run_seed() -> int:
    """The run's seed: the controller picks it, checks it and exports it to the workers."""
    return check_seed(os.environ[SEED_VAR])


def shrink() -> bool:
    """Whether generated failures are minimised (off for mutation runs, which only count)."""
    return os.environ.get(NO_SHRINK_VAR) != "1"


def embedded() -> bool:
    """Whether the run's target is the embedded reference server."""
    return os.environ.get(EMBEDDED_VAR) == "1"


def reference_faults() -> tuple[str, ...]:
    """The faults the embedded server was started with (none for a live target)."""
    return tuple(f for f in os.environ.get(FAULTS_VAR, "").split(",") if f)


def reference_variations() -> tuple[str, ...]:
    """The conformant variations the embedded server was started with."""
    return tuple(v for v in os.environ.get(VARIATIONS_VAR, "").split(",") if v)


def check_skipped_rules(raw: str) -> frozenset[str]:
    """Rule ids, comma-separated: each one a rule the suite knows."""
    chosen = frozenset(rule.strip() for rule in raw.split(",") if rule.strip())
    unknown = sorted(chosen - set(RULES))
    if unknown:
        raise SettingsError(
            f"{SKIP_RULES_VAR}={raw!r} (--skip-rule): unknown rule(s) {', '.join(unknown)}; "
            f"expected ids such as {', '.join(sorted(RULES)[:4])} (README: the rules)"
        )
    return chosen


def skipped_rules() -> frozenset[str]:
    """The rules this run does not judge, as the controller checked and exported them."""
    return check_skipped_rules(os.environ.get(SKIP_RULES_VAR, ""))


def ledger_path() -> Path | None:
    """The file the run's processes share the rails' ledger in (None: this process only)."""
    path = os.environ.get(LEDGER_VAR)
    return Path(path) if path else None


def step_summary_path() -> Path | None:
    """Where the CI wants a Markdown summary of the run (GitHub Actions), if anywhere."""
    path = os.environ.get(STEP_SUMMARY_VAR)
    return Path(path) if path else None
