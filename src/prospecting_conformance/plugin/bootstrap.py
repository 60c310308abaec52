"""The run's start, on the controller: settings, the target, the preflight, the seed.

The controller (or the only process, without xdist) resolves the target once: a live one
from the environment and the options, or the embedded reference server started in its own
process. It exports the result (`settings.export`), so xdist workers see the same target
exactly as a live one, then runs the preflight. Everything that can be checked without the
target is checked before anything starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.plugin.controller import CONTROLLER, RunController
from prospecting_conformance.plugin.state import (
    EMBEDDED,
    is_worker,
    process_rails,
    reports_dir,
    stop_embedded,
    uses_target,
)
from prospecting_conformance.reporting.baseline import Baseline, BaselineError
from prospecting_conformance.run.exchanges import reset as reset_exchanges
from prospecting_conformance.run.preflight import PreflightError, preflight
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED
from prospecting_conformance.target.embedded import (
    EmbeddedServer,
    EmbeddedServerError,
    check_faults,
    check_variations,
)
from prospecting_conformance.target.options import option_values
from prospecting_conformance.target.settings import (
    EMBEDDED_VAR,
    FAULTS_VAR,
    LEDGER_VAR,
    REPORTS_DIR_VAR,
    SEED_VAR,
    SKIP_RULES_VAR,
    VARIATIONS_VAR,
    SettingsError,
    check_reports_dir,
    check_seed,
    check_skipped_rules,
    export,
    export_seed,
    reference_faults,
    reference_variations,
    resolve,
    run_seed,
    run_target,
    skipped_rules,
    user_environment,
)

__all__ = ["pytest_configure", "pytest_configure_node", "pytest_report_header"]

# The xdist worker input that says the run is distributed by --dist=loadgroup.
LOADGROUP = "prospecting_loadgroup"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if is_worker(config) and config.workerinput.get(LOADGROUP, False):  # type: ignore[attr-defined]
        # Each worker names its items by group only if it knows the run is grouped.
        config.option.loadgroup = True
    if is_worker(config) or not uses_target(config):
        return
    # The generated tests and the gates that read what they recorded must share a worker
    # (xdist_group); xdist's default for -n would spread them. Set here, not only in the
    # checkout's addopts, so that the installed suite runs as the repository's does.
    if config.getoption("dist", "no") == "load":
        config.option.dist = "loadgroup"
    try:
        embedded = _configure_run(config)
        target = run_target()
    except (SettingsError, BaselineError, EmbeddedServerError) as exc:
        stop_embedded(config)
        pytest.exit(f"preflight: {exc}", returncode=EXIT_MISCONFIGURED)
    try:
        preflight(target, process_rails(config), wait_s=10.0 if embedded else 0.0)
    except PreflightError as exc:
        stop_embedded(config)
        pytest.exit(f"preflight: {exc}", returncode=exc.exit_status)
    controller = RunController(config)
    config.stash[CONTROLLER] = controller
    config.pluginmanager.register(controller, "prospecting-run-controller")
    controller.interruption.install()


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Tell each xdist worker whether the run is grouped (it parses only the command line)."""
    node.workerinput[LOADGROUP] = node.config.getoption("dist", "no") == "loadgroup"


def _configure_run(config: pytest.Config) -> bool:
    """Check the run's own settings, start the embedded server if needed, export the rest.

    The target's settings are checked by `run_target` once they are all known.
    """
    user_env = user_environment()
    options = option_values(config.getoption)
    if SEED_VAR in options or SEED_VAR in user_env:
        check_seed(options.get(SEED_VAR, user_env.get(SEED_VAR, "")))
    check_skipped_rules(options.get(SKIP_RULES_VAR, user_env.get(SKIP_RULES_VAR, "")))
    directory = _prepare_reports_dir(config)
    baseline = config.getoption("prospecting_baseline")
    if baseline:
        Baseline.load(Path(baseline))
    faults = config.getoption("prospecting_faults")
    variations = config.getoption("prospecting_variations")
    embedded = ENV_VARS["base_url"] not in options and not user_env.get(ENV_VARS["base_url"])
    for option, names in (("--reference-fault", faults), ("--reference-variation", variations)):
        if names and not embedded:
            raise SettingsError(f"{option} only applies to the embedded server")
    server_env = _start_embedded(config, faults, variations) if embedded else None
    export(resolve(options, user_env, server_env))
    export(
        {
            REPORTS_DIR_VAR: str(directory),
            EMBEDDED_VAR: "1" if embedded else "0",
            FAULTS_VAR: ",".join(faults),
            VARIATIONS_VAR: ",".join(variations),
        }
    )
    export_seed()
    return embedded


def _prepare_reports_dir(config: pytest.Config) -> Path:
    """Prove the reports folder writable, give the run a fresh rails ledger there, and
    send JUnit's XML there unless the user chose where."""
    directory = check_reports_dir(reports_dir(config).resolve())
    ledger = directory / ".rails-ledger.json"
    ledger.unlink(missing_ok=True)
    reset_exchanges(directory)
    export({LEDGER_VAR: str(ledger)})
    if not config.option.xmlpath:
        config.option.xmlpath = str(directory / "junit.xml")
    return directory


def _start_embedded(
    config: pytest.Config, faults: list[str], variations: list[str]
) -> dict[str, str]:
    """Start the reference server; what it prints is the environment that targets it."""
    check_faults(faults)
    check_variations(variations)
    server = EmbeddedServer(faults, variations)
    config.stash[EMBEDDED] = server
    return server.start()


def pytest_report_header(config: pytest.Config) -> list[str]:
    if not uses_target(config) or is_worker(config):
        return []
    target = run_target()
    faults = ",".join(reference_faults()) or "none"
    varied = ",".join(reference_variations()) or "none"
    kind = (
        f"embedded reference server (faults: {faults}; variations: {varied})"
        if target.embedded
        else "live target"
    )
    seed = run_seed()
    skipped = ", ".join(sorted(skipped_rules()))
    return [
        f"prospecting target: {target.base_url} ({kind})",
        f"prospecting profile: {target.profile}, seed: {seed} (replay with --seed {seed})",
        # The settings in force, wherever they came from (option, environment, server).
        f"prospecting settings: writes {'on' if target.allow_writes else 'off'}, "
        f"job timeout {target.job_timeout:g} s, max rate {target.max_rate:g}/s, "
        f"max requests {target.request_budget}",
        *([f"prospecting rules not judged (--skip-rule): {skipped}"] if skipped else []),
    ]
