"""The low-quota key's window: a 429 once it is spent, with a Retry-After that is enough.

Each scenario is the requests of one or two keys at moments on a fake clock, and what
`retry_after` answers each: None lets the request through, a number is the 429's Retry-After.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.reference.faults import resolve_faults
from prospecting_conformance.reference.quota import Quotas
from prospecting_conformance.reference.settings import ReferenceSettings

# (key, the clock's time) of each request, in order.
Requests = list[tuple[str, float]]


def _answers(
    requests: Requests, faults: tuple[str, ...] = (), window: float = 1.0
) -> list[int | None]:
    now = [0.0]
    settings = ReferenceSettings(
        low_quota_requests=3, low_quota_window_seconds=window, clock=lambda: now[0]
    )
    quotas = Quotas(settings, resolve_faults(faults))
    answers = []
    for key, at in requests:
        now[0] = at
        answers.append(quotas.retry_after(key))
    return answers


@pytest.mark.parametrize(
    ("requests", "window", "answers"),
    [
        pytest.param(
            [("k", 0.0), ("k", 0.1), ("k", 0.2)], 1.0, [None, None, None], id="quota-not-spent"
        ),
        pytest.param(
            [("k", 0.0), ("k", 0.0), ("k", 0.0), ("k", 0.2)],
            1.0,
            [None, None, None, 1],
            id="fourth-request-in-the-window-is-429",
        ),
        pytest.param(
            [("k", 0.0), ("k", 0.0), ("k", 0.0), ("k", 2.5)],
            10.0,
            [None, None, None, 8],
            id="retry-after-is-the-rest-of-the-window-rounded-up",
        ),
        pytest.param(
            [("k", 0.0), ("k", 0.0), ("k", 0.0), ("k", 0.999)],
            1.0,
            [None, None, None, 1],
            id="retry-after-is-at-least-one-second",
        ),
        pytest.param(
            [("k", 0.0), ("k", 0.0), ("k", 0.0), ("k", 0.5), ("k", 1.0)],
            1.0,
            [None, None, None, 1, None],
            id="waiting-out-the-window-gets-through",
        ),
        pytest.param(
            [("a", 0.0), ("a", 0.0), ("a", 0.0), ("b", 0.0), ("a", 0.0)],
            1.0,
            [None, None, None, None, 1],
            id="each-key-has-its-own-window",
        ),
    ],
)
def test_the_quota_window(requests: Requests, window: float, answers: list[int | None]) -> None:
    assert _answers(requests, window=window) == answers


@pytest.mark.parametrize(
    ("fault", "requests", "answers"),
    [
        pytest.param(
            "rate_limit_not_enforced",
            [("k", 0.0)] * 5,
            [None] * 5,
            id="rate_limit_not_enforced-never-429s",
        ),
    ],
)
def test_the_rate_faults(fault: str, requests: Requests, answers: list[int | None]) -> None:
    assert _answers(requests, (fault,)) == answers
