"""Requests per second of the reference server's saved-searches list against a bare Starlette app.

The reference server's request path (auth, quota, scope and group checks, the envelope with a
fresh traceId) should cost little next to the framework itself: the target is at least 0.7 of a
bare Starlette app that returns the same JSON under the same uvicorn settings.

Each app runs in a process of its own (this script re-invoked with `--serve`), and the load
comes from `wrk`, a separate process too, so neither the generator nor the other app competes
for the server's interpreter. The apps are measured one after the other, alternating, and the
best round of each counts.

    python bench/bench_reference_rps.py [--duration 5] [--connections 16] [--rounds 2]

Needs wrk (Debian/Ubuntu: `apt-get install -y wrk`; macOS: `brew install wrk`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from prospecting_conformance.reference import create_app, seed
from prospecting_conformance.reference.server import bind_socket, uvicorn_config

PATH = f"/v1/accounts/{seed.PRIMARY_ACCOUNT_GROUP_ID}/sales-navigator/saved-searches"
TARGET_RATIO = 0.7
APPS = ("bare", "reference")


def bare_app() -> Starlette:
    """A Starlette app that returns the same JSON as the reference list, with no checks at all."""
    body = {
        "success": True,
        "data": {
            "items": [
                {"id": s.id, "name": s.name}
                for s in seed.SAVED_SEARCHES[seed.PRIMARY_ACCOUNT_GROUP_ID]
            ]
        },
        "error": None,
        "traceId": "64b7f0c2a1e4d93b5c8f0a12",
    }

    async def saved_searches(request: Request) -> Response:
        return JSONResponse(body)

    return Starlette(routes=[Route(PATH, saved_searches)])


def serve(which: str, port: int) -> None:
    app = bare_app() if which == "bare" else create_app()
    sock = bind_socket("127.0.0.1", port)
    uvicorn.Server(uvicorn_config(app)).run(sockets=[sock])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no server on port {port} after {timeout} s")


def wrk(url: str, duration: int, connections: int) -> float:
    """Requests per second that wrk (one thread) measured against url."""
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "-H",
        f"X-API-Key: {seed.KEY_ALL}",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if re.search(r"Non-2xx or 3xx responses", output):
        raise RuntimeError(f"the server answered errors under load:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise RuntimeError(f"cannot read wrk's output:\n{output}")
    return float(match[1])


def measure(which: str, duration: int, connections: int) -> float:
    port = free_port()
    command = [sys.executable, __file__, "--serve", which, "--port", str(port)]
    with subprocess.Popen(command) as server:
        try:
            wait_for_port(port)
            url = f"http://127.0.0.1:{port}{PATH}"
            wrk(url, 1, connections)  # warm-up
            return wrk(url, duration, connections)
        finally:
            server.terminate()
            server.wait(timeout=10)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per app")
    parser.add_argument("--serve", choices=APPS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    if shutil.which("wrk") is None:
        print(
            "error: wrk is not installed. Install it (Debian/Ubuntu: apt-get install -y wrk; "
            "macOS: brew install wrk) and run again.",
            file=sys.stderr,
        )
        return 2
    best = dict.fromkeys(APPS, 0.0)
    for round_number in range(1, args.rounds + 1):
        for which in APPS:
            rps = measure(which, args.duration, args.connections)
            best[which] = max(best[which], rps)
            print(f"round {round_number}: {which:<9} {rps:9.0f} requests/s", flush=True)
    ratio = best["reference"] / best["bare"]
    print(f"bare Starlette app : {best['bare']:9.0f} requests/s")
    print(f"reference server   : {best['reference']:9.0f} requests/s")
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"ratio              : {ratio:9.2f} ({verdict} the {TARGET_RATIO} target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
