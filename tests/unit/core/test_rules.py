"""The rule registry: every rule id leads to the code that checks it, and back.

A newcomer goes from a rule id to its functions in one step (`Rule.checks`, names inside the
package); these tests keep that map true as code moves: every name resolves (the stdlib's
`pkgutil.resolve_name` reads the `module:qualified.name` form), and every check function of
`checks/` is named by the rule it checks.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import prospecting_conformance.checks
from prospecting_conformance.core.rules import FAMILIES, RULES, Rule, rule

# What the names of `Rule.checks` are relative to.
PACKAGE = "prospecting_conformance"


def _check_functions() -> dict[str, Callable[..., Any]]:
    """Every public `check_*` function defined in a module of the checks package."""
    found = {}
    for module_info in pkgutil.iter_modules(prospecting_conformance.checks.__path__):
        module = importlib.import_module(f"{PACKAGE}.checks.{module_info.name}")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and function.__module__ == module.__name__:
                found[f"checks.{module_info.name}:{name}"] = function
    return found


def _shared(function: Callable[..., Any]) -> bool:
    """A check the caller tells which rule it judges (a status, a job's status): many rules'."""
    return "rule" in inspect.signature(function).parameters


# They run the per-response checks (every E and S rule) in order, and check nothing themselves.
RUNNERS = {"checks.envelope:check_envelope", "checks.schema:check_response"}
CHECK_FUNCTIONS = {
    name: function for name, function in _check_functions().items() if name not in RUNNERS
}


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_names_functions_that_exist(rule_id: str) -> None:
    checks = RULES[rule_id].checks

    assert checks, f"{rule_id} names no function"
    assert len(set(checks)) == len(checks)
    for name in checks:
        function = pkgutil.resolve_name(f"{PACKAGE}.{name}")
        assert inspect.isfunction(function), name
        assert function.__module__.startswith(f"{PACKAGE}."), name


@pytest.mark.parametrize("name", sorted(CHECK_FUNCTIONS))
def test_every_check_function_is_named_by_the_rule_it_checks(name: str) -> None:
    naming = [rule_id for rule_id, r in RULES.items() if name in r.checks]
    function = CHECK_FUNCTIONS[name]

    if _shared(function):
        assert naming, f"{name} is named by no rule"
    else:
        assert len(naming) == 1, f"{name} is named by {naming or 'no rule'}"
        assert (function.__doc__ or "").startswith(naming[0])


def test_the_check_functions_are_found() -> None:
    # The reverse test above is only as good as this list: it holds every family's checks.
    modules = {name.split(":")[0] for name in CHECK_FUNCTIONS}
    assert {
        "checks.envelope",
        "checks.schema",
        "checks.status",
        "checks.auth",
        "checks.jobs",
        "checks.rate",
        "checks.lookup",
        "checks.precedence",
        "checks.undeclared",
    } <= modules
    assert _check_functions().keys() >= RUNNERS


def test_every_rule_has_a_family_and_rule_looks_it_up() -> None:
    assert all(r.id[0] in FAMILIES for r in RULES.values())
    assert rule("E1") is RULES["E1"]
    assert rule("L2").family == "lifecycle"
    with pytest.raises(KeyError):
        rule("Z9")
    assert isinstance(RULES["T1"], Rule)


@pytest.mark.parametrize(
    ("statement", "title"),
    [
        pytest.param("job ids are unique", "job ids are unique", id="short-statement-whole"),
        pytest.param(
            "polling: enum statuses, legal transitions", "polling: enum statuses", id="first-clause"
        ),
        pytest.param(
            "invalid key (unknown, empty): 401; more",
            "invalid key (unknown, empty): 401",
            id="commas-in-parentheses-kept",
        ),
        pytest.param(
            "precedence on every operation: a request that breaks several conditions "
            "at once gets the first",
            "precedence on every operation: a request that breaks several…",
            id="long-clause-cut-at-a-word",
        ),
    ],
)
def test_a_rules_title_is_its_statements_first_clause(statement: str, title: str) -> None:
    assert Rule("X1", statement, "ours", ()).title == title


def test_every_rule_has_a_short_title() -> None:
    assert all(0 < len(r.title) <= 64 for r in RULES.values())
