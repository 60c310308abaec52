"""U1: what the API answers outside the surface the spec declares (I12, I14).

A path the API does not have answers 404, or 401 when the key is missing or invalid (the docs
do not say whether routing or authentication comes first). A method a declared path does not
support answers 405 with `Allow` and the `method_not_allowed` code, except HEAD on a path that
serves GET, which may also be answered as that GET without its body (RFC 9110 §9.3.2): both
conform. Either way the answer is the envelope (the observer judges E1-E6 on it), never a
framework's default page. The tables come from the spec: a path or method it grows changes
the rows, not the test.
"""

from __future__ import annotations

from dataclasses import dataclass

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.model import Spec

__all__ = [
    "METHODS",
    "UNKNOWN_PATHS",
    "UndeclaredMethod",
    "check_head",
    "check_method_not_allowed",
    "check_unknown_path",
    "undeclared_methods",
]

# Every method a client may try: the ones schemathesis generates and HEAD and OPTIONS, which
# frameworks answer by default when nobody wrote a handler.
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
# Methods that change nothing (RFC 9110 safe methods): sent even when writes are off.

# Paths no API version has: under an account group, under a declared resource, under /v1/
# and at the root. `{accountGroupId}` is the target's own group.
UNKNOWN_PATHS = (
    "/v1/accounts/{accountGroupId}/no-such-resource",
    "/v1/accounts/{accountGroupId}/prospecting/{jobId}/no-such-action",
    "/v1/no-such-resource",
    "/no-such-resource",
)
METHOD_NOT_ALLOWED_CODE = "method_not_allowed"


@dataclass(frozen=True)
class UndeclaredMethod:
    """A declared path and a method the spec does not declare on it."""

    path: str
    method: str
    allowed: frozenset[str]
    # An operation on the path: its URL template fills the path parameters.
    operation_id: str

    @property
    def label(self) -> str:
        """How findings name it: the method and path, as schemathesis names such a case."""
        return f"{self.method} {self.path}"

    @property
    def id(self) -> str:
        return f"{self.method}-{self.operation_id}"

    @property
    def may_answer_as_get(self) -> bool:
        """HEAD on a path that serves GET: I14 lets the API answer it as the GET, bodiless."""
        return self.method == "HEAD" and "GET" in self.allowed


def undeclared_methods(spec: Spec) -> list[UndeclaredMethod]:
    """U1: every declared path x every method of METHODS it does not declare."""
    by_path: dict[str, dict[str, str]] = {}
    for operation in spec.operations.values():
        by_path.setdefault(operation.path, {})[operation.method.upper()] = operation.operation_id
    return [
        UndeclaredMethod(path, method, frozenset(declared), next(iter(declared.values())))
        for path, declared in by_path.items()
        for method in METHODS
        if method not in declared
    ]


def check_unknown_path(
    observed: Observed, *, with_key: bool, rule: str = "U1", path: str = "a path"
) -> list[Finding]:
    """An unknown path answers 404, or 401 when the request carries no valid key (U1; H3 for
    a known route spelled another way)."""
    expected = {404} if with_key else {401, 404}
    if observed.status in expected:
        return []
    shown = " or ".join(str(s) for s in sorted(expected))
    key = "a valid key" if with_key else "no key"
    return [
        observed.finding(
            rule,
            f"Requested {path} the API does not have, with {key}: received "
            f"{observed.status}; expected {shown} in the envelope.",
        )
    ]


def check_method_not_allowed(observed: Observed, case: UndeclaredMethod) -> list[Finding]:
    """U1: an undeclared method answers 405 with Allow naming the declared methods and code
    method_not_allowed (a HEAD answer has no body, so its code cannot be read)."""
    problems = []
    if observed.status != 405:
        problems.append(f"status {observed.status}")
    allow = observed.header("allow")
    listed = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
    if allow is None:
        problems.append("no Allow header")
    elif not case.allowed <= listed or case.method in listed:
        problems.append(f"Allow {allow!r}")
    error = (observed.body or {}).get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if case.method != "HEAD" and observed.status == 405 and code != METHOD_NOT_ALLOWED_CODE:
        problems.append(f"error.code {code!r}")
    if not problems:
        return []
    allowed = ", ".join(sorted(case.allowed))
    return [
        observed.finding(
            "U1",
            f"Sent {case.method}, which the spec does not declare on {case.path}: received "
            f"{'; '.join(problems)}; expected 405 with Allow listing {allowed} and error.code "
            f"{METHOD_NOT_ALLOWED_CODE!r} in the envelope.",
        )
    ]


def check_head(head: Observed, get: Observed, case: UndeclaredMethod) -> list[Finding]:
    """U1 for HEAD on a path that serves GET (I14): the answer `get` got, without a body, or
    405 with Allow as for any undeclared method."""
    if head.status == 405:
        return check_method_not_allowed(head, case)
    problems = []
    if head.status != get.status:
        problems.append(f"status {head.status} where GET answers {get.status}")
    if head.text:
        problems.append(f"a body of {len(head.text)} characters")
    if not problems:
        return []
    return [
        head.finding(
            "U1",
            f"Sent HEAD on {case.path}, which serves GET: received {'; '.join(problems)}; "
            "expected the GET's status and headers without a body, or 405 with Allow listing "
            "GET (I14, RFC 9110 §9.3.2).",
        )
    ]
