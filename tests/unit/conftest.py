"""Fixtures of the unit layer: no network, no real waiting, one fake target.

Every HTTP exchange here is answered by respx; the autouse guard below makes any socket
connection fail loudly, so a test that forgot to mock cannot reach a real host.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.spec.model import Spec, load_spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
ACCOUNT_GROUP_ID = "ag-1"
KEY_ALL = "sk_live_all_0123456789abcdef"
KEY_READ = "sk_live_read_0123456789abcdef"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the unit layer must not open network connections")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture
def config() -> TargetConfig:
    return TargetConfig(
        base_url=BASE_URL,
        account_group_id=ACCOUNT_GROUP_ID,
        key_all=Secret(KEY_ALL),
        key_prospecting_read=Secret(KEY_READ),
        max_rate=10.0,
        allow_writes=True,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rails(config: TargetConfig, spec: Spec, clock: FakeClock) -> Rails:
    """The unit target's rails, waiting on the fake clock."""
    return Rails(config, spec=spec, clock=clock.now, sleep=clock.sleep)


@pytest.fixture
def client(config: TargetConfig, spec: Spec, rails: Rails) -> Iterator[ProspectingClient]:
    with ProspectingClient(config, spec=spec, rails=rails) as c:
        yield c


Observe = Callable[..., Observed]


@pytest.fixture(scope="session")
def observe() -> Observe:
    """Build a response as the validators see it: `body` is JSON-encoded unless it is a str."""

    def build(
        operation_id: str,
        status: int,
        body: Any,
        *,
        headers: dict[str, str] | None = None,
        content_type: str | None = "application/json",
    ) -> Observed:
        text = body if isinstance(body, str) else json.dumps(body)
        sent = {"Content-Type": content_type} if content_type is not None else {}
        return Observed.build(
            operation_id,
            "GET",
            f"{BASE_URL}/v1/accounts/{ACCOUNT_GROUP_ID}/test",
            status,
            {**sent, **(headers or {})},
            text,
            redactor=Redactor(),
        )

    return build
