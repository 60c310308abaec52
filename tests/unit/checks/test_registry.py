"""The per-response check registry: one function per rule id, run in registration order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prospecting_conformance.checks.registry import ResponseChecks
from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

Observe = Callable[..., Observed]  # the `observe` fixture of conftest.py


def _always(rule_id: str) -> Callable[[Observed, Spec], list[Finding]]:
    def check(observed: Observed, spec: Spec) -> list[Finding]:
        return [observed.finding(rule_id, f"{rule_id} broken")]

    return check


def test_checks_run_in_the_order_they_were_registered(observe: Observe, spec: Spec) -> None:
    # Given a registry with E2 registered before E1
    checks = ResponseChecks()
    checks.register("E2")(_always("E2"))
    checks.register("E1")(_always("E1"))

    # When it runs on a response
    findings = checks.run(observe("listSalesNavigatorSavedSearches", 200, {}), spec)

    # Then each check ran once, in that order
    assert list(checks) == ["E2", "E1"]
    assert [f.rule for f in findings] == ["E2", "E1"]


def test_a_rule_is_implemented_once() -> None:
    checks = ResponseChecks()
    checks.register("E1")(_always("E1"))

    with pytest.raises(ValueError, match="rule E1 is already implemented"):
        checks.register("E1")(_always("E1"))


def test_instead_swaps_one_rule_s_check_in_its_place(observe: Observe, spec: Spec) -> None:
    checks = ResponseChecks()
    for rule_id in ("E3", "E4", "E5"):
        checks.register(rule_id)(_always(rule_id))

    findings = checks.run(
        observe("listSalesNavigatorSavedSearches", 200, {}), spec, instead={"E4": _always("S1")}
    )

    assert [f.rule for f in findings] == ["E3", "S1", "E5"]
