"""The run's command-line options, made from the table in `target/options.py`."""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.target.options import OPTIONS, Option

__all__ = ["pytest_addoption"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("prospecting", "Prospecting API conformance")
    for option in OPTIONS:
        group.addoption(option.flag, **arguments(option))


def arguments(option: Option) -> dict[str, Any]:
    """`addoption`'s keyword arguments for one row of the table."""
    arguments: dict[str, Any] = {
        "dest": option.dest,
        "help": option.help.format(var=option.var),
    }
    if option.kind == "flag":
        arguments["action"] = "store_true"
    elif option.kind == "list":
        arguments.update(action="append", default=[])
    if option.choices is not None:
        arguments["choices"] = option.choices
    if option.metavar is not None:
        arguments["metavar"] = option.metavar
    return arguments
