"""A kept-alive connection dropped before its answer: the rails send the request again, once.

A load balancer's idle timeout, or the target's, closes a kept-alive connection as a request
leaves on it now and then, and every client that reuses connections meets the race (RFC 9112
§9.3). These tests drop connections on a real socket on loopback, so that the errors are the
ones httpx and requests really raise, and see both of the rails' adapters mend a single drop
on a new connection, count it as weather, and leave a second drop in a row, or a refused
connection, to the caller (T1).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

import httpx
import pytest
import requests

from prospecting_conformance.core.secret import Secret
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.rails.weather import DROPPED
from prospecting_conformance.rails.wire import RailsAdapter, RailsTransport, mount_rails
from prospecting_conformance.target.config import TargetConfig

LIST = "listSalesNavigatorSavedSearches"
LIST_PATH = "/v1/accounts/ag-1/sales-navigator/saved-searches"


def rails_for(url: str) -> Rails:
    return Rails(
        TargetConfig(
            base_url=url,
            account_group_id="ag-1",
            key_all=Secret("sk_test_all_0123456789abcdef"),
            max_rate=1000.0,
        )
    )


class DroppingServer:
    """A target that reads each request and then, as `script` says for each connection in
    turn, drops the connection unanswered or answers 200."""

    def __init__(self, *script: str) -> None:
        self.script = list(script)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        for action in self.script:
            connection, _ = self.listener.accept()
            with connection:
                received = b""
                while b"\r\n\r\n" not in received:
                    received += connection.recv(65536)
                if action == "answer":
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 2\r\nConnection: close\r\n\r\n{}"
                    )
        self.listener.close()


DROPPED_TWICE = {(LIST, DROPPED): 1}

DROPS = [
    pytest.param(["drop", "answer"], DROPPED_TWICE, {}, id="a-drop-is-sent-again-once"),
    pytest.param(["drop", "drop"], DROPPED_TWICE, DROPPED_TWICE, id="a-second-drop-is-the-answer"),
]


def _send_through_transport(rails: Rails, url: str) -> int:
    with httpx.Client(transport=RailsTransport(rails)) as client:
        return client.get(url).status_code


def _send_through_adapter(rails: Rails, url: str) -> int:
    return mount_rails(requests.Session(), RailsAdapter(rails)).get(url).status_code


@pytest.mark.parametrize("send", [_send_through_transport, _send_through_adapter])
@pytest.mark.parametrize(("script", "retried", "persisted"), DROPS)
def test_a_connection_dropped_before_its_answer_is_sent_again_once(
    send: Callable[[Rails, str], int],
    script: list[str],
    retried: dict[tuple[str, int], int],
    persisted: dict[tuple[str, int], int],
) -> None:
    server = DroppingServer(*script)
    rails = rails_for(server.url)
    url = server.url + LIST_PATH

    if persisted:
        with pytest.raises((httpx.TransportError, requests.ConnectionError)):
            send(rails, url)
    else:
        assert send(rails, url) == 200
    assert rails.requests_sent == len(script)
    assert (rails.weather.retried, rails.weather.persisted) == (retried, persisted)


@pytest.mark.parametrize("send", [_send_through_transport, _send_through_adapter])
def test_a_refused_connection_is_not_sent_again(send: Callable[[Rails, str], int]) -> None:
    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    rails = rails_for(url)

    with pytest.raises((httpx.ConnectError, requests.ConnectionError)):
        send(rails, url + LIST_PATH)
    assert rails.requests_sent == 1
    assert not rails.weather.retried
    assert not rails.weather.persisted
