"""The names a user of the library imports from `prospecting_conformance`, pinned.

httpx's `test_exported_members` is the model: a name added to or dropped from the surface is
a decision made here, in review, not a side effect of a refactoring.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

import prospecting_conformance

PUBLIC_SURFACE = [
    "RULES",
    "ConformanceError",
    "Exchange",
    "Finding",
    "JobTracker",
    "MissingRoleKey",
    "Observed",
    "OperationSpec",
    "ProspectingClient",
    "ProspectingClientError",
    "Redactor",
    "RequestBudgetExceeded",
    "Rule",
    "Secret",
    "Spec",
    "TargetConfig",
    "TargetConfigError",
    "TransportFailure",
    "WritesNotAllowed",
    "__version__",
    "check_envelope",
    "check_response",
    "load_spec",
    "rule",
]


def test_the_public_surface_is_pinned() -> None:
    assert prospecting_conformance.__all__ == PUBLIC_SURFACE


def test_every_public_name_of_the_package_is_exported() -> None:
    public = {
        name
        for name, value in vars(prospecting_conformance).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }

    assert public | {"__version__"} == set(prospecting_conformance.__all__)


@pytest.mark.parametrize("name", [n for n in PUBLIC_SURFACE if n != "__version__"])
def test_an_exported_name_is_defined_inside_the_package(name: str) -> None:
    member = getattr(prospecting_conformance, name)

    # RULES is the registry: a dict of Rule, defined in the package.
    defined_by = member if hasattr(member, "__module__") else next(iter(member.values()))
    assert defined_by.__module__.startswith("prospecting_conformance.")


def test_importing_the_package_imports_neither_pytest_nor_the_reference_server() -> None:
    source = Path(prospecting_conformance.__file__).resolve().parents[1]
    code = (
        "import sys; import prospecting_conformance; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pytest', '_pytest') "
        "or m.startswith('prospecting_conformance.reference')))"
    )

    loaded = subprocess.run(
        [sys.executable, "-c", code],
        env={"PYTHONPATH": str(source)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert loaded.strip() == "[]"
