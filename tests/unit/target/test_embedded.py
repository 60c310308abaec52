"""The embedded target: names checked before a server starts, and a server that fails says why.

A misspelt fault or variation is refused in one line, with the nearest name when there is one,
before a reference server starts for nothing; a server that does not start raises an error
that carries what it printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from prospecting_conformance.target.embedded import (
    EmbeddedServer,
    EmbeddedServerError,
    check_faults,
    check_variations,
)

Check = Callable[[Sequence[str]], None]


@pytest.mark.parametrize(
    ("check", "names"),
    [
        pytest.param(check_faults, [], id="no-faults"),
        pytest.param(check_faults, ["cancel_ignored", "trace_id_missing"], id="known-faults"),
        pytest.param(check_variations, ["uuid_ids"], id="a-known-variation"),
    ],
)
def test_known_names_pass(check: Check, names: list[str]) -> None:
    check(names)


@pytest.mark.parametrize(
    ("check", "names", "message"),
    [
        pytest.param(
            check_faults,
            ["cancel_ignored", "cancel_ignord"],
            "unknown --reference-fault 'cancel_ignord' (did you mean 'cancel_ignored'?): "
            "`prospecting-conformance reference --list-faults` lists them",
            id="a-misspelt-fault-gets-the-nearest-name",
        ),
        pytest.param(
            check_faults,
            ["zzz"],
            "unknown --reference-fault 'zzz': "
            "`prospecting-conformance reference --list-faults` lists them",
            id="a-fault-like-no-other-gets-no-hint",
        ),
        pytest.param(
            check_variations,
            ["uuid_idz"],
            "unknown --reference-variation 'uuid_idz' (did you mean 'uuid_ids'?): "
            "`prospecting-conformance reference --list-variations` lists them",
            id="a-misspelt-variation-gets-the-nearest-name",
        ),
    ],
)
def test_unknown_names_are_refused_before_a_server_starts(
    check: Check, names: list[str], message: str
) -> None:
    with pytest.raises(EmbeddedServerError) as raised:
        check(names)

    assert str(raised.value) == message


def test_a_server_that_does_not_start_says_what_it_printed() -> None:
    # The server's own check refuses the name (the suite's check_faults was skipped here).
    server = EmbeddedServer(faults=["no_such_fault"])

    with pytest.raises(EmbeddedServerError) as raised:
        server.start()

    message = str(raised.value)
    assert message.startswith("the reference server did not start (-m ")
    assert "--fault no_such_fault" in message
    assert "unknown fault(s): no_such_fault" in message
