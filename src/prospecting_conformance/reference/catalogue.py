"""Named switches of the reference server, faults and variations alike, resolved one way.

Both catalogues take names from the command line, the pytest options and the mutation
matrix; an unknown name stops the server with the list of valid ones, never silently. Once
resolved, the names switched on are a `Switches` of the catalogue's `Literal` name type:
`"cancel_ignored" in faults` accepts only a name of that catalogue, so mypy reports a typo
at the place it is made (a plain frozenset would accept any string and answer False).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from typing import Generic, TypeVar

__all__ = ["Switches", "resolve_names"]

Name = TypeVar("Name", bound=str)


class Switches(Generic[Name]):
    """The names of one catalogue switched on for a server."""

    def __init__(self, names: Iterable[Name] = ()) -> None:
        self._names = frozenset(names)

    def __contains__(self, name: Name) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[Name]:
        return iter(sorted(self._names))

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Switches({sorted(self._names)!r})"

    def any_of(self, names: Iterable[Name]) -> bool:
        """Whether at least one of `names` is on (a layer that has nothing to do stays out)."""
        return not self._names.isdisjoint(names)


def resolve_names(names: Iterable[str], valid: Collection[Name], noun: str) -> Switches[Name]:
    """`names` switched on, checked against the catalogue's `valid` names; a ValueError names
    the unknown ones and lists the valid ones."""
    # A lone string is one name, not an iterable of one-letter names.
    chosen = frozenset([names] if isinstance(names, str) else names)
    unknown = sorted(chosen - set(valid))
    if unknown:
        raise ValueError(
            f"unknown {noun}(s): {', '.join(unknown)}; valid {noun}s: {', '.join(sorted(valid))}"
        )
    return Switches(name for name in valid if name in chosen)
