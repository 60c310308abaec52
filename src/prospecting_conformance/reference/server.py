"""Run the reference app under a real uvicorn on a free loopback port, in a background thread.

The suite talks to the embedded server over real sockets, exactly as it talks to staging, so
the client, its transport and its timeouts are exercised the same way. The socket is bound
before the thread starts: the port is known (and reserved) the moment `start()` returns.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from typing import Any

import uvicorn
from starlette.applications import Starlette

from prospecting_conformance.reference.faults import ActiveFaults
from prospecting_conformance.reference.http.app import create_app
from prospecting_conformance.reference.settings import ReferenceSettings
from prospecting_conformance.reference.store import Store
from prospecting_conformance.reference.variations import ActiveVariations, uvicorn_overrides

__all__ = ["ReferenceServer", "bind_socket", "uvicorn_config"]

STARTUP_TIMEOUT = 10.0


def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening-ready socket on host:port (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
    # and without it every response waits out a 40 ms delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


def uvicorn_config(app: Starlette, **overrides: Any) -> uvicorn.Config:
    """The one uvicorn configuration the server, the CLI and the benchmark share."""
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "off",
        "timeout_graceful_shutdown": 2,
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)


def base_url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve_in_thread(
    app: Any, host: str = "127.0.0.1", port: int = 0, *, name: str = "server", **overrides: Any
) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Serve an ASGI app on uvicorn in a daemon thread; return it once it listens, and its URL.

    `overrides` change the uvicorn configuration (a variation's keep-alive timeout).
    """
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app, **overrides))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name=name, daemon=True)
    thread.start()
    # Wait for the server to listen; a thread that dies first means startup failed.
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    if not server.started:
        server.should_exit = True
        sock.close()
        raise RuntimeError(f"the {name} failed to start (see its log above)")
    return server, thread, base_url_of(sock)


class ReferenceServer:
    """`with ReferenceServer(faults=("cancel_ignored",)) as server: server.base_url`."""

    def __init__(
        self,
        faults: Iterable[str] = (),
        settings: ReferenceSettings | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        variations: Iterable[str] = (),
    ) -> None:
        self.app = create_app(faults, settings, variations=variations)
        self.store: Store = self.app.state.store
        self.faults: ActiveFaults = self.app.state.faults
        self.variations: ActiveVariations = self.app.state.variations
        self._host, self._port = host, port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        if self._base_url is None:
            raise RuntimeError("the reference server is not running: use start() or `with`")
        return self._base_url

    def start(self) -> ReferenceServer:
        self._server, self._thread, self._base_url = serve_in_thread(
            self.app,
            self._host,
            self._port,
            name="reference-server",
            **uvicorn_overrides(self.variations),
        )
        return self

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=STARTUP_TIMEOUT)
        self._server = self._thread = None
        self._base_url = None

    def __enter__(self) -> ReferenceServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
