"""The fixtures the conformance tests share: the run, its target and client, and the skips.

Helpers a test needs are fixtures, not imports: `require_key("foreign_all")`,
`require_setting("provider_id")`, `require_writes()`, `skip_unless_writable(operation_id)`.
The aliases below type them in a test's signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.plugin.state import CONTEXT, CURRENT_TEST, is_worker, process_rails
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.verdict import EXIT_MISCONFIGURED
from prospecting_conformance.spec.model import Spec, load_spec
from prospecting_conformance.target.config import KEY_FIELDS, KeyName, TargetConfig
from prospecting_conformance.target.settings import (
    SettingsError,
    run_seed,
    run_target,
    skipped_rules,
)

__all__ = [
    "Progress",
    "RequireKey",
    "RequireSetting",
    "RequireWrites",
    "SkipUnlessWritable",
]

RequireKey = Callable[[KeyName], Secret]
RequireSetting = Callable[[str], str]
RequireWrites = Callable[[], None]
SkipUnlessWritable = Callable[[str], None]
Progress = Callable[[str], None] | None


@pytest.fixture(scope="session")
def run_context(request: pytest.FixtureRequest) -> RunContext:
    """The run's target, spec, seed, rails and recorder, kept on the config for the hooks."""
    try:
        target = run_target()
    except SettingsError as exc:
        pytest.exit(f"preflight: {exc}", returncode=EXIT_MISCONFIGURED)
    baseline = request.config.getoption("prospecting_baseline")
    known = Baseline.load(Path(baseline)) if baseline else Baseline()
    context = RunContext(
        target=target,
        spec=load_spec(),
        seed=run_seed(),
        rails=process_rails(request.config),
        known_issue=lambda key: known.entry_for(key) is not None,
        skipped_rules=skipped_rules(),
    )
    # Made inside the first test's setup: that test is already running.
    context.recorder.current_test = request.config.stash.get(CURRENT_TEST, "")
    request.config.stash[CONTEXT] = context
    return context


@pytest.fixture(scope="session")
def target(run_context: RunContext) -> TargetConfig:
    return run_context.target


@pytest.fixture(scope="session")
def spec(run_context: RunContext) -> Spec:
    return run_context.spec


@pytest.fixture(scope="session")
def api(run_context: RunContext) -> Iterator[ProspectingClient]:
    """The suite's client; every response it receives is judged by the envelope and spec rules
    and what breaks one is recorded (the test goes on: see plugin/outcomes.py)."""
    with ProspectingClient(
        run_context.target, spec=run_context.spec, rails=run_context.rails
    ) as client:
        client.add_observer(run_context.judge_and_record)
        yield client


@pytest.fixture(scope="session")
def require_writes(target: TargetConfig) -> RequireWrites:
    """`require_writes()`: skip unless the target lets the run start and cancel jobs.

    Session-scoped, so that a fixture of any scope can call it.
    """

    def require() -> None:
        if not target.allow_writes:
            pytest.skip(f"starts jobs: set {ENV_VARS['allow_writes']}=1 to allow writes")

    return require


@pytest.fixture
def writes(require_writes: RequireWrites) -> None:
    """Skip unless the target lets the run start and cancel jobs."""
    require_writes()


@pytest.fixture
def skip_unless_writable(target: TargetConfig, spec: Spec) -> SkipUnlessWritable:
    """`skip_unless_writable(operation_id)`: skip when the operation writes and writes are off.

    Any request to such an operation counts, whatever key it carries: against a broken API an
    invalid key or a missing scope would still start a real job.
    """

    def skip(operation_id: str) -> None:
        if operation_id in spec.write_operations and not target.allow_writes:
            pytest.skip(f"{operation_id} writes: set {ENV_VARS['allow_writes']}=1 to allow it")

    return skip


@pytest.fixture
def require_key(target: TargetConfig) -> RequireKey:
    """`require_key(name)`: skip unless the target configures that key (a Secret)."""

    def require(name: KeyName) -> Secret:
        key: Secret | None = getattr(target, KEY_FIELDS[name])
        if key is None:
            pytest.skip(f"needs the {name} key: set {ENV_VARS[KEY_FIELDS[name]]}")
        return key

    return require


@pytest.fixture(scope="session")
def require_setting(target: TargetConfig) -> RequireSetting:
    """`require_setting(name)`: the target's `name` setting, or a skip naming its variable.

    Session-scoped, so that a fixture of any scope can call it.
    """

    def require(name: str) -> str:
        value = getattr(target, name)
        if value is None:
            pytest.skip(f"needs {ENV_VARS[name]}")
        return str(value)

    return require


@pytest.fixture
def progress(request: pytest.FixtureRequest) -> Progress:
    """A way for a long phase to show progress past output capture (None under xdist)."""
    config = request.config
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None or is_worker(config):
        return None

    def show(line: str) -> None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"  {line}")

    return show
