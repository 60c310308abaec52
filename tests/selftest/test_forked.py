"""A forked run is a pytest run of its own: its directory, exactly its environment, its log,
its exit status, and the CPU it used (forked.py, the mutation matrix's shared start-up)."""

from __future__ import annotations

from pathlib import Path

from prospecting_conformance.mutation.forked import run_pytest

TESTS = """
import os

def test_sees_only_its_environment():
    assert os.environ["ONLY"] == "this"
    assert "PROSPECTING_BASE_URL" not in os.environ

def test_fails_when_told():
    assert os.environ.get("FAIL") != "1"
"""


def test_a_forked_run_is_a_pytest_run_of_its_own(tmp_path: Path) -> None:
    # Given a directory with two tests, one of which fails on demand
    (tmp_path / "test_probe.py").write_text(TESTS, encoding="utf-8")
    argv = ["-q", "-p", "no:cacheprovider", "test_probe.py"]

    # When it runs forked, once as told to pass and once to fail
    passed = run_pytest(argv, tmp_path, {"ONLY": "this"}, tmp_path / "pass.log")
    failed = run_pytest(argv, tmp_path, {"ONLY": "this", "FAIL": "1"}, tmp_path / "fail.log")

    # Then each has pytest's exit status, its own log and a CPU measure
    assert passed.exit_status == 0, (tmp_path / "pass.log").read_text(encoding="utf-8")
    assert "2 passed" in (tmp_path / "pass.log").read_text(encoding="utf-8")
    assert failed.exit_status == 1
    assert "1 failed, 1 passed" in (tmp_path / "fail.log").read_text(encoding="utf-8")
    assert passed.cpu_seconds is not None
    assert passed.cpu_seconds > 0
    assert sorted(p.name for p in tmp_path.glob("*.log*")) == ["fail.log", "pass.log"]
