"""`python -m prospecting_conformance.reference`: serve the reference server standalone.

QA runs it to look at the API by hand or to point the suite at it as a live target:
`python -m prospecting_conformance.reference --env-file env.sh &`, then, once the file is
there, `. ./env.sh`. The server writes the file itself, whole, before it serves: a shell
redirect (`--print-env > env.sh &`) can be sourced before the server has written it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from prospecting_conformance.core.env_vars import export_lines
from prospecting_conformance.reference import seed
from prospecting_conformance.reference.env import demo_env
from prospecting_conformance.reference.faults import describe_faults
from prospecting_conformance.reference.http.app import create_app
from prospecting_conformance.reference.server import base_url_of, bind_socket, uvicorn_config
from prospecting_conformance.reference.variations import describe_variations, uvicorn_overrides

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prospecting-conformance reference",
        description="Serve the Prospecting API reference server (optionally with faults).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port, 0 for a free one")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a fault from the catalogue (repeatable; see --list-faults)",
    )
    parser.add_argument(
        "--env-file",
        metavar="PATH",
        help="write the `export` lines to PATH (whole, before serving), then keep serving",
    )
    parser.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    parser.add_argument(
        "--variation",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a conformant variation (repeatable; see --list-variations)",
    )
    parser.add_argument(
        "--list-variations", action="store_true", help="list the variations and exit"
    )
    parser.add_argument(
        "--print-env",
        action="store_true",
        help="print only `export` lines that target this server, then keep serving",
    )
    return parser


def _banner(base_url: str, faults: Sequence[str], variations: Sequence[str]) -> list[str]:
    lines = [f"Prospecting API reference server at {base_url}"]
    lines.append(f"faults: {', '.join(faults) if faults else 'none'}")
    lines.append(f"variations: {', '.join(variations) if variations else 'none'}")
    for group in seed.ACCOUNT_GROUPS:
        lines.append(f"account group {group}:")
        for key in seed.DEMO_KEYS.values():
            if key.account_group_id == group:
                scopes = " ".join(sorted(key.scopes))
                quota = " (low quota)" if key.low_quota else ""
                lines.append(f"  key {key.key}  role {key.role}: {scopes}{quota}")
        for saved in seed.SAVED_SEARCHES[group]:
            lines.append(f"  saved search {saved.id} ({saved.kind}) {saved.name}")
    lines.append(f"provider id {seed.PROVIDER_ID} in {seed.PRIMARY_ACCOUNT_GROUP_ID}")
    lines.append("Ctrl-C stops it.")
    return lines


def _write_whole(path: Path, lines: list[str]) -> None:
    """Write then rename: whoever waits for the file never reads half of it."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(partial, path)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list_faults:
        print("\n".join(describe_faults()))
        return 0
    if args.list_variations:
        print("\n".join(describe_variations()))
        return 0
    try:
        app = create_app(args.fault, variations=args.variation)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    base_url = base_url_of(sock)
    # Listening before the URL is printed: a client that reads it at once queues until
    # uvicorn accepts, instead of being refused.
    sock.listen(128)
    if args.env_file:
        _write_whole(Path(args.env_file), export_lines(demo_env(base_url)))
    if args.print_env:
        lines = export_lines(demo_env(base_url))
    else:
        lines = _banner(base_url, sorted(app.state.faults), sorted(app.state.variations))
    # Flushed before serving, so a redirected `> env.sh &` is complete at once.
    print("\n".join(lines), flush=True)
    # uvicorn handles SIGINT/SIGTERM in the main thread, shuts down gracefully, then re-raises
    # the signal: Ctrl-C arrives here as KeyboardInterrupt once the server is down.
    with contextlib.suppress(KeyboardInterrupt):
        config = uvicorn_config(app, **uvicorn_overrides(app.state.variations))
        uvicorn.Server(config).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
