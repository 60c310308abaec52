"""`Secret`: whatever prints a key prints `Secret(<redacted>)`; only `reveal()` gives it."""

from __future__ import annotations

import pickle
from collections.abc import Callable

import pytest

from prospecting_conformance.core.secret import Secret

KEY = "sk_live_all_0123456789abcdef"


@pytest.mark.parametrize(
    "shown",
    [
        pytest.param(repr, id="repr"),
        pytest.param(str, id="str"),
        pytest.param(lambda s: f"{s}", id="f-string"),
        pytest.param(lambda s: repr({"key": s}), id="inside-a-container"),
    ],
)
def test_printing_a_secret_hides_the_value(shown: Callable[[Secret], str]) -> None:
    text = shown(Secret(KEY))

    assert KEY not in text
    assert "Secret(<redacted>)" in text


def test_reveal_and_derive_reach_the_value() -> None:
    secret = Secret(KEY)

    assert secret.reveal() == KEY
    assert secret.derive(lambda value: f"Bearer {value}").reveal() == f"Bearer {KEY}"


def test_secrets_compare_by_value_and_an_empty_one_is_false() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert Secret(KEY) != Secret(KEY + "x")
    assert Secret(KEY) != KEY
    assert len({Secret(KEY), Secret(KEY)}) == 1
    assert not Secret("")


def test_a_secret_survives_pickling_for_the_workers() -> None:
    assert pickle.loads(pickle.dumps(Secret(KEY))).reveal() == KEY
