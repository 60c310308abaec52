"""Which runs include the conformance suite: however it is named, and only then."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from prospecting_conformance.plugin.state import SUITE_DIR, uses_target

CHECKOUT = Path(__file__).resolve().parents[3]
ELSEWHERE = Path("/nowhere/project")


@pytest.mark.parametrize(
    ("rootpath", "args", "pyargs", "uses"),
    [
        pytest.param(CHECKOUT, ["tests"], False, True, id="checkout-tests-folder"),
        pytest.param(CHECKOUT, [f"{CHECKOUT}/tests/conformance/test_auth.py::test_x"], False,
                     True, id="checkout-node-id"),
        pytest.param(CHECKOUT, [f"{CHECKOUT}/tests/unit"], False, False, id="checkout-unit"),
        pytest.param(ELSEWHERE, [str(SUITE_DIR)], False, True, id="the-packages-suite"),
        pytest.param(ELSEWHERE, ["prospecting_conformance.suite"], True, True, id="pyargs"),
        pytest.param(ELSEWHERE, ["prospecting_conformance.suite.test_lookup::test_x"], True,
                     True, id="pyargs-module-and-test"),
        pytest.param(ELSEWHERE, ["prospecting_conformance.checks"], True, False,
                     id="pyargs-another-package"),
        pytest.param(ELSEWHERE, [str(SUITE_DIR.parents[1])], False, False,
                     id="a-folder-that-holds-the-installed-suite"),
    ],
)  # fmt: skip
def test_a_run_uses_the_target_when_it_names_the_suite(
    rootpath: Path, args: list[str], pyargs: bool, uses: bool
) -> None:
    config = SimpleNamespace(rootpath=rootpath, args=args, option=SimpleNamespace(pyargs=pyargs))

    assert uses_target(cast(pytest.Config, config)) is uses
