"""The per-response check registry: plain functions, registered under the rule id users see.

schemathesis' way: a check is a plain function with one signature and a one-line docstring,
registered where it is defined. `envelope.py` (E1-E6) and `schema.py` (S1, S2) each keep a
`ResponseChecks` and decorate their functions with its `register`; `check_response` runs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

__all__ = ["Check", "ResponseChecks"]

Check = Callable[[Observed, Spec], list[Finding]]


class ResponseChecks(Mapping[str, Check]):
    """Rule id -> the one function that checks it on a single response, in registration order."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def __getitem__(self, rule_id: str) -> Check:
        return self._checks[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._checks)

    def __len__(self) -> int:
        return len(self._checks)

    def register(self, rule_id: str) -> Callable[[Check], Check]:
        """Register the decorated function as the one implementation of `rule_id`."""

        def decorate(check: Check) -> Check:
            if rule_id in self._checks:
                raise ValueError(f"rule {rule_id} is already implemented by {self[rule_id]}")
            self._checks[rule_id] = check
            return check

        return decorate

    def run(
        self, observed: Observed, spec: Spec, instead: Mapping[str, Check] | None = None
    ) -> list[Finding]:
        """Every registered check on one response; `instead` swaps in a fuller check for a rule."""
        replaced = instead or {}
        return [
            finding
            for rule_id, check in self._checks.items()
            for finding in replaced.get(rule_id, check)(observed, spec)
        ]
