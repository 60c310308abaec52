"""The command line of a run: each option, and the PROSPECTING_* variable it sets, once.

The pytest layer turns `OPTIONS` into `pytest_addoption` calls; `option_values` reads back the
values given, by variable, for `settings.resolve` to weigh against the environment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.target.config import PROFILES
from prospecting_conformance.target.settings import (
    NO_SHRINK_VAR,
    REPORTS_DIR_VAR,
    SEED_VAR,
    SKIP_RULES_VAR,
)

__all__ = ["OPTIONS", "Option", "option_values"]


@dataclass(frozen=True)
class Option:
    """One command-line option of the run; `help` may name its variable as `{var}`.

    `kind`: "value" takes an argument, "flag" takes none, "list" may be given again.
    """

    flag: str
    dest: str
    help: str
    var: str | None = None
    kind: Literal["value", "flag", "list"] = "value"
    choices: tuple[str, ...] | None = None
    metavar: str | None = None


OPTIONS: tuple[Option, ...] = (
    Option("--base-url", "prospecting_base_url", "= ${var}", ENV_VARS["base_url"]),
    Option(
        "--account-group-id",
        "prospecting_account_group_id",
        "= ${var}",
        ENV_VARS["account_group_id"],
    ),
    Option(
        "--profile",
        "prospecting_profile",
        "run depth (= ${var}; default: default)",
        ENV_VARS["profile"],
        choices=PROFILES,
    ),
    Option(
        "--allow-writes",
        "prospecting_allow_writes",
        "let the run start and cancel jobs on a live target (= ${var})",
        ENV_VARS["allow_writes"],
        kind="flag",
    ),
    Option("--job-timeout", "prospecting_job_timeout", "= ${var}", ENV_VARS["job_timeout"]),
    Option("--max-requests", "prospecting_max_requests", "= ${var}", ENV_VARS["max_requests"]),
    Option("--max-rate", "prospecting_max_rate", "= ${var}", ENV_VARS["max_rate"]),
    Option(
        "--concurrency",
        "prospecting_concurrency",
        "requests one process waits for at once (stateful walks, the revisit, settle): a "
        "number, or auto (one on a fast target, eight on a slow one; = ${var}; default: auto)",
        ENV_VARS["concurrency"],
    ),
    Option("--seed", "prospecting_seed", "replay a run's generated cases (= ${var})", SEED_VAR),
    Option(
        "--no-shrink",
        "prospecting_no_shrink",
        "report generated failures as found, without minimising them (faster)",
        NO_SHRINK_VAR,
        kind="flag",
    ),
    Option(
        "--stop-on-rule",
        "prospecting_stop_rules",
        "stop the run at the first failure that names this rule (repeatable)",
        kind="list",
        metavar="RULE",
    ),
    Option(
        "--skip-rule",
        "prospecting_skip_rules",
        "do not judge this rule in this run: named in the reports, never listed as fixed "
        "(repeatable; = ${var}, comma-separated)",
        SKIP_RULES_VAR,
        kind="list",
        metavar="RULE",
    ),
    Option(
        "--reference-fault",
        "prospecting_faults",
        "embedded server only: switch on a fault from the catalogue (repeatable)",
        kind="list",
        metavar="NAME",
    ),
    Option(
        "--reference-variation",
        "prospecting_variations",
        "embedded server only: switch on a conformant variation (repeatable)",
        kind="list",
        metavar="NAME",
    ),
    Option(
        "--baseline",
        "prospecting_baseline",
        "accepted known issues (JSON): known findings are reported but do not fail the run",
        metavar="FILE",
    ),
    # Read by `reports_dir`, which resolves it to a folder before it is exported.
    Option(
        "--reports-dir",
        "prospecting_reports_dir",
        "where reports go (= ${var}; default: reports/)",
        REPORTS_DIR_VAR,
    ),
)

# The options `resolve` weighs against the environment: those that set a variable as given.
RESOLVED_OPTIONS = tuple(o for o in OPTIONS if o.var is not None and o.var != REPORTS_DIR_VAR)


def option_values(getoption: Callable[[str], object]) -> dict[str, str]:
    """The variables the command line sets (a flag given is "1", a list comma-separated),
    for `resolve`."""
    values: dict[str, str] = {}
    for option in RESOLVED_OPTIONS:
        value = getoption(option.dest)
        if isinstance(value, list):
            value = ",".join(value) or None
        if option.var is not None and value not in (None, False):
            values[option.var] = "1" if value is True else str(value)
    return values
