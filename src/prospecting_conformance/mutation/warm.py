"""Imported once in the matrix's forkserver: what every run would otherwise draw again.

schemathesis draws, once per process, the values its coverage phase offers as an invalid enum
member: a seeded Hypothesis search whose filter rejects everything, about 0.4 s of a quiet
core before a run's first test, the same values in every process. Drawn here, every forked
run inherits them. A schemathesis that no longer keeps them there only loses the head start.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def _draw_invalid_enum_candidates() -> None:
    try:
        module = importlib.import_module("schemathesis.specs.openapi.coverage._schema")
    except ImportError:
        return
    draw: Callable[[], Any] | None = getattr(module, "_invalid_enum_candidates", None)
    if draw is not None:
        draw()


_draw_invalid_enum_candidates()
