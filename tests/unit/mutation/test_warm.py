"""The forkserver's head start: what every forked run would draw again is drawn once, there."""

from __future__ import annotations

import importlib

from prospecting_conformance.mutation.forked import PRELOAD


def test_the_forkserver_draws_schemathesis_invalid_enum_values_before_any_run_forks() -> None:
    module = importlib.import_module("schemathesis.specs.openapi.coverage._schema")
    draw = module._invalid_enum_candidates
    draw.cache_clear()

    importlib.reload(importlib.import_module("prospecting_conformance.mutation.warm"))

    assert "prospecting_conformance.mutation.warm" in PRELOAD
    assert draw.cache_info().currsize == 1
