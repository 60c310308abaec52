"""A key as a value that cannot be printed by accident.

pytest shows fixture values and locals in a failing test's traceback (`--showlocals`, `-vv`,
assertion rewriting, JUnit's system-out); a key held as a `str` ends up in the CI log the
first time a test that uses it fails. A `Secret` has a `repr` and `str` that hide the value,
so whatever prints it prints `Secret(<redacted>)`; only `reveal()` gives the value, and only
the code that puts it on the wire (or hands it to the redactor) calls it.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["Secret"]


class Secret:
    """A credential; `reveal()` is the one way to the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def derive(self, change: Callable[[str], str]) -> Secret:
        """A new secret made from this one (a key with a prefix, a key spoiled on purpose)."""
        return Secret(change(self._value))

    def __repr__(self) -> str:
        return "Secret(<redacted>)"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickling (xdist, multiprocessing) would otherwise need the slot; keep it explicit.
        return (Secret, (self._value,))
