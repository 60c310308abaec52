"""The exchanges that led to a finding: what a draft replays to reproduce it on a fresh target.

A lifecycle finding (L2 "terminal stays terminal", L4 "cancel again is 200" ...) is about a
job's history, not one response: its last request alone, pasted against a fresh server,
asks about a job that does not exist there. So each process keeps the current test's
exchanges, and when a finding is first recorded its chain is cut from them: the requests
that touched the same job (the start that created it included), in order, with the time
between them, since a job's status depends on how long it has run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from prospecting_conformance.core.findings import Exchange

__all__ = ["MAX_STEPS", "Seen", "Step", "chain", "response_id"]

# Enough for start, a few polls, cancel, cancel again; a longer chain is not a reproduction
# QA can read, and the job-less tail of a long generated test is noise.
MAX_STEPS = 12

_JOB_IN_PATH = re.compile(r"/prospecting/([^/?#]+)")


@dataclass(frozen=True)
class Seen:
    """One exchange of the current test, when it was seen (monotonic seconds)."""

    at: float
    operation_id: str
    exchange: Exchange


def response_id(exchange: Exchange) -> str | None:
    """The `data.id` of a JSON response (a job's id, for start and job responses)."""
    try:
        body: Any = json.loads(exchange.response_body or "")
    except ValueError:
        return None
    data = body.get("data") if isinstance(body, dict) else None
    value = data.get("id") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class Step:
    """One request of a finding's reproduction, and how long after the previous one it came."""

    operation: str
    after_seconds: float
    exchange: Exchange

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "afterSeconds": self.after_seconds,
            "exchange": self.exchange.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Step:
        return cls(data["operation"], data["afterSeconds"], Exchange.from_dict(data["exchange"]))


def chain(history: Sequence[Seen], last: Exchange) -> list[Step]:
    """The steps that reproduce `last`.

    A request about a job brings the exchanges that touched that job before it; anything
    else reproduces on its own. Repeated identical requests (polls) collapse into the last
    of them, the wait before it kept.
    """
    end = next((i for i in range(len(history) - 1, -1, -1) if history[i].exchange is last), None)
    if end is None:
        end = next(
            (i for i in range(len(history) - 1, -1, -1) if history[i].exchange == last), None
        )
    if end is None:
        return [_step("", 0.0, last)]
    found = _JOB_IN_PATH.search(last.url)
    job = found[1] if found else response_id(last) if last.method == "POST" else None
    picked = [history[end]]
    if job is not None:
        picked = [
            seen
            for seen in history[: end + 1]
            if job in seen.exchange.url or response_id(seen.exchange) == job
        ]
        # The start that created the job comes first; anything before it is unrelated.
        first = next((i for i, s in enumerate(picked) if response_id(s.exchange) == job), 0)
        picked = picked[first:]
    collapsed: list[Seen] = []
    for seen in picked:
        if collapsed and _same_request(collapsed[-1].exchange, seen.exchange):
            collapsed[-1] = seen
        else:
            collapsed.append(seen)
    collapsed = collapsed[-MAX_STEPS:]
    steps = []
    previous = collapsed[0].at
    for seen in collapsed:
        steps.append(_step(seen.operation_id, seen.at - previous, seen.exchange))
        previous = seen.at
    return steps


def _same_request(a: Exchange, b: Exchange) -> bool:
    return (a.method, a.url, a.request_body) == (b.method, b.url, b.request_body)


def _step(operation_id: str, after: float, exchange: Exchange) -> Step:
    return Step(operation_id, round(max(after, 0.0), 3), exchange)
