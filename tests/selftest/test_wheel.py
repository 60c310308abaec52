"""A wheel built from the repository works outside the checkout: the spec, the suite, the command.

The spec lives in the repository's `openapi/` (the file people edit and lint); the package
reaches it through a link that setuptools follows when it builds. This test builds a wheel
from a copy of the repository, installs it into a fresh venv and, from a folder outside the
checkout, loads the spec and its docs page, imports the public surface and lists the
operations; then, as QA with `pip install` would, runs the suite the wheel carries
(`prospecting-conformance run`, and `pytest --pyargs`) against the embedded server to a PASS,
writes a baseline, runs a faulted server to a FAIL, and pastes the draft's re-run line. One
venv for all of it: building it is the slow part. Nothing is downloaded: the build uses the
running environment's setuptools, and the venv sees the running environment's dependencies
through a `.pth` line (its site-packages folder, not the editable install's own `.pth`, which
a path line does not run).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

import prospecting_conformance

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# What a build reads: the project file, the README it names, the sources, the spec, the suite.
BUILD_INPUTS = ("pyproject.toml", "README.md", "src", "openapi", "tests/conformance")
STEP_TIMEOUT_S = 240
FAULT = "cancel_ignored"
RERUN_BLOCK = re.compile(r"## Re-run only this test\n\n```sh\n(.*?)\n```", re.DOTALL)

OPERATIONS = [
    "listSalesNavigatorSavedSearches",
    "startProspectingJob",
    "getProspectingJob",
    "cancelProspectingJob",
    "getProspectByProviderId",
]

# Run by the venv's interpreter: what a user of the installed wheel would do.
USE_THE_WHEEL = """
import json
import prospecting_conformance
from prospecting_conformance import *
from prospecting_conformance.spec.fidelity import DOCS_PAGE, fidelity_problems, load_docs_page
from prospecting_conformance.spec.model import DEFAULT_SPEC_PATH

spec = load_spec()
print(json.dumps({
    "package": prospecting_conformance.__file__,
    "spec": str(DEFAULT_SPEC_PATH),
    "operations": list(spec.operations),
    "surface": sorted(name for name in prospecting_conformance.__all__ if name in globals()),
    "docs_page": str(DOCS_PAGE),
    "fidelity_problems": fidelity_problems(spec, load_docs_page()),
}))
"""


def _run(*args: str | Path, cwd: Path, status: int = 0, env: dict[str, str] | None = None) -> str:
    started = time.monotonic()
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_S,
        check=False,
        env=env,
    )
    # The timings the closing notes quote (-s shows them).
    print(f"{time.monotonic() - started:6.1f} s  {' '.join(map(str, args))[-110:]}")
    assert done.returncode == status, f"{args} failed:\n{done.stdout[-4000:]}\n{done.stderr}"
    return done.stdout


def _copy_of_the_repository(destination: Path) -> Path:
    """The build inputs, links kept as links: a build in place would write into the checkout."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    destination.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(source, destination / name)
    return destination


def _see_dependencies(python: Path) -> None:
    """Let the venv import this environment's dependencies, but not its editable install.

    Written after the wheel is installed: pip would otherwise take the editable install's
    metadata, visible through this line, for the package already being there.
    """
    site_packages = _run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=python.parent
    ).strip()
    (Path(site_packages) / "dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )


def _user_env(venv: Path) -> dict[str, str]:
    """A shell in which the venv is activated, and no PROSPECTING_* of this run's."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("PROSPECTING_", "PYTEST_"))}
    return {**kept, "PATH": f"{venv / 'bin'}:{kept.get('PATH', '')}", "VIRTUAL_ENV": str(venv)}


def test_a_wheel_built_from_the_repository_carries_the_spec_and_the_suite(tmp_path: Path) -> None:
    # Given a wheel built from the repository
    repo = _copy_of_the_repository(tmp_path / "repo")
    pip = (sys.executable, "-m", "pip")
    _run(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", tmp_path / "dist", repo, cwd=tmp_path)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("prospecting_conformance-*.whl")

    # When it is installed into a fresh venv and used from outside the checkout
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(*pip, "--python", python, "install", "--no-deps", "--no-index", "-q", wheel,
         cwd=tmp_path)  # fmt: skip
    _see_dependencies(python)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    used = json.loads(_run(python, "-I", "-c", USE_THE_WHEEL, cwd=elsewhere))

    # Then the package, its spec and the docs page it transcribes all come from the venv
    for installed in (used["package"], used["spec"], used["docs_page"]):
        assert Path(installed).is_relative_to(venv), installed
    assert not Path(used["spec"]).is_symlink()
    assert used["fidelity_problems"] == []
    assert used["operations"] == OPERATIONS
    assert used["surface"] == sorted(prospecting_conformance.__all__)

    # When QA runs the suite the wheel carries, as the README says, from outside the checkout
    env = _user_env(venv)
    _run("prospecting-conformance", "run", "--profile", "quick", "-p", "no:cacheprovider",
         "-n", "2", cwd=elsewhere, env=env)  # fmt: skip
    passed = json.loads((elsewhere / "reports" / "summary.json").read_text(encoding="utf-8"))
    # Then it ran the repository's suite against the embedded server, and passed
    assert (passed["verdict"], passed["exitStatus"]) == ("pass", 0)
    assert passed["tests"]["passed"] >= len(list((ROOT / "tests/conformance").glob("test_*.py")))
    assert (elsewhere / "reports" / "report.html").is_file()
    # With every exchange as HAR 1.2, and the latency of every operation of the spec
    har = elsewhere / "reports" / "exchanges.har"
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    print(f"exchanges.har: {har.stat().st_size} bytes, {len(entries)} entries")
    responses = {op: sum(row["observed"].values()) for op, row in passed["coverage"].items()}
    assert len(entries) >= sum(responses.values())
    # Every response the run judged was timed at the wire
    assert {o["operation"]: o["count"] for o in passed["latency"]["operations"]} == responses

    # And plain pytest finds the same suite by its package name
    _run(python, "-m", "pytest", "--pyargs", "prospecting_conformance.suite", "--profile",
         "quick", "-p", "no:cacheprovider", "-k", "test_lookup", "--reports-dir", "pyargs",
         cwd=elsewhere, env=env)  # fmt: skip
    assert json.loads((elsewhere / "pyargs" / "summary.json").read_text())["verdict"] == "pass"

    # When a faulted server is run, a baseline written from it, and a draft's re-run pasted
    _run("prospecting-conformance", "run", "--profile", "quick", "-p", "no:cacheprovider",
         "--reference-fault", FAULT, "--reports-dir", "faulted", cwd=elsewhere, env=env,
         status=1)  # fmt: skip
    faulted = json.loads((elsewhere / "faulted" / "summary.json").read_text(encoding="utf-8"))
    _run("prospecting-conformance", "baseline", "faulted/summary.json", "--ticket", "PROSP-1",
         "-o", "baseline.json", cwd=elsewhere, env=env)  # fmt: skip
    baseline = json.loads((elsewhere / "baseline.json").read_text(encoding="utf-8"))
    draft = sorted((elsewhere / "faulted" / "regressions").glob("*.md"))[0].read_text()
    rerun = RERUN_BLOCK.search(draft)
    assert rerun, draft
    rerun_reports = elsewhere / rerun[1].split("--reports-dir ")[1].split()[0]
    _run("bash", "-c", rerun[1], cwd=elsewhere, env=env, status=1)

    # Then the faulted run failed, the baseline accepts its findings, the re-run found it again
    assert (faulted["verdict"], faulted["exitStatus"]) == ("fail", 1)
    # (one entry per rule: for its operation, or for every one when it broke on several)
    accepted = {(e["rule"], e["operation"]) for e in baseline["entries"]}
    assert len(accepted) == len({rule for rule, _ in accepted})
    for finding in faulted["findings"]:
        assert accepted & {(finding["rule"], finding["operation"]), (finding["rule"], "*")}, finding
    assert {rule for rule, _ in accepted} == {f["rule"] for f in faulted["findings"]}
    assert json.loads((rerun_reports / "summary.json").read_text())["verdict"] == "fail"
