"""Named switches of the reference server, faults and variations alike, resolved one way.

Both catalogues take names from the command line, the pytest options and the mutation
matrix; an unknown name stops the server with the list of valid ones, never silently.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

__all__ = ["resolve_names"]


def resolve_names(names: Iterable[str], known: Collection[str], noun: str) -> frozenset[str]:
    """`names` as a set; a ValueError names the unknown ones and lists the valid ones."""
    # A lone string is one name, not an iterable of one-letter names.
    chosen = frozenset([names] if isinstance(names, str) else names)
    unknown = sorted(chosen - set(known))
    if unknown:
        raise ValueError(
            f"unknown {noun}(s): {', '.join(unknown)}; valid {noun}s: {', '.join(sorted(known))}"
        )
    return chosen
