"""A6: which answer wins when a request breaks several conditions at once (I10).

I10 fixes the order: authentication (401), then permission (403: a missing scope or another
account group), then validation (400), then existence (404). The table is built from the
spec, so a new operation gets its rows without a new test: every operation documents which of
these statuses it can answer, `x-required-scopes` says which scope a key can lack, the path
parameters say whether an account group or an id can be wrong, and a request body can be
malformed. Each row pairs two conditions of different ranks that one request can break
together; the expected answer is the earlier one's.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import OperationSpec, Spec
from prospecting_conformance.spec.roles import ROLE_SCOPES, Role

__all__ = [
    "BREACHES",
    "Breach",
    "PrecedenceCase",
    "check_precedence",
    "lacking_role",
    "precedence_table",
]


@dataclass(frozen=True)
class Breach:
    """One condition of I10 a request can break: its rank in the order and its answer."""

    name: str
    rank: int
    status: int
    says: str


NO_KEY = Breach("no-key", 0, 401, "no API key")
WRONG_KEY = Breach("wrong-key", 0, 401, "an unknown API key")
MISSING_SCOPE = Breach("missing-scope", 1, 403, "a key without the required scope")
FOREIGN_GROUP = Breach("foreign-group", 1, 403, "another account group's path")
MALFORMED_BODY = Breach("malformed-body", 2, 400, "a malformed body")
UNKNOWN_ID = Breach("unknown-id", 3, 404, "an id that does not exist")
BREACHES = (NO_KEY, WRONG_KEY, MISSING_SCOPE, FOREIGN_GROUP, MALFORMED_BODY, UNKNOWN_ID)

# Parameters that are not ids a request can get wrong (the group is FOREIGN_GROUP's).
GROUP_PARAMETER = "accountGroupId"


@dataclass(frozen=True)
class PrecedenceCase:
    """One row: an operation and two conditions its request breaks at once."""

    operation_id: str
    first: Breach
    second: Breach

    @property
    def expected(self) -> int:
        return min((self.first, self.second), key=lambda b: b.rank).status

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.first.name}+{self.second.name}"

    def breaks(self, breach: Breach) -> bool:
        return breach in (self.first, self.second)


def lacking_role(operation: OperationSpec) -> Role | None:
    """A role whose key lacks the operation's scope (the key a MISSING_SCOPE row sends)."""
    return next(
        (role for role, scopes in ROLE_SCOPES.items() if not operation.required_scopes <= scopes),
        None,
    )


def _breachable(operation: OperationSpec) -> list[Breach]:
    """The conditions this operation's requests can break, as the spec describes it."""
    documented = operation.responses
    can = {
        NO_KEY: 401 in documented,
        WRONG_KEY: 401 in documented,
        MISSING_SCOPE: 403 in documented and lacking_role(operation) is not None,
        FOREIGN_GROUP: 403 in documented and GROUP_PARAMETER in operation.path_parameters,
        MALFORMED_BODY: 400 in documented and operation.has_body,
        UNKNOWN_ID: 404 in documented
        and (operation.has_body or len(operation.path_parameters) > 1),
    }
    return [breach for breach in BREACHES if can[breach]]


def _together(first: Breach, second: Breach) -> bool:
    """Whether one request can break both: a missing scope needs a valid key to lack it."""
    if first.rank == second.rank:
        return False  # the same answer either way: no order to test
    return not ({first.rank, second.rank} == {0, 1} and MISSING_SCOPE in (first, second))


def precedence_table(spec: Spec) -> list[PrecedenceCase]:
    """A6: every operation x every pair of conditions it can break at once."""
    return [
        PrecedenceCase(operation_id, first, second)
        for operation_id, operation in spec.operations.items()
        for first, second in combinations(_breachable(operation), 2)
        if _together(first, second)
    ]


def check_precedence(observed: Observed, case: PrecedenceCase) -> list[Finding]:
    """A6: the answer is the status of the earlier condition in I10's order."""
    if observed.status == case.expected:
        return []
    return [
        observed.finding(
            "A6",
            f"Sent {case.first.says} and {case.second.says} at once: received "
            f"{observed.status}; expected {case.expected} (I10: 401, then 403, then 400, "
            "then 404).",
        )
    ]
