"""A finding's request as a curl command QA can paste, with keys left as shell variables.

The exchange is already redacted: a key appears as `$PROSPECTING_KEY_ALL`, which the command
keeps expandable (double quotes) so that it reproduces with the reader's own environment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.run.replay import Step, response_id

# Waits shorter than this are the client's own pace, not the job's age.
MIN_WAIT_S = 0.05

__all__ = ["BASE_URL_VAR", "curl_command", "replay_script"]

# The scripts address the target through this variable: a fresh server has its own port.
BASE_URL_VAR = "PROSPECTING_BASE_URL"
# Reads `data.id` from a JSON response on stdin: python3 is there wherever the suite runs,
# jq is not.
_READ_ID = 'python3 -c \'import json,sys; print(json.load(sys.stdin)["data"]["id"])\''

# Headers that httpx adds on its own; they only add noise to a reproduction.
_NOISE = frozenset(
    {"host", "accept-encoding", "connection", "user-agent", "content-length", "accept"}
)
# Split on a $VARIABLE, kept (the capturing group) between the literal pieces around it.
_VARIABLE = re.compile(r"(\$[A-Z][A-Z0-9_]*)")


def _quote(value: str) -> str:
    """Shell-quote `value`, leaving its $VARIABLES (and only them) expandable.

    `shlex.quote` cannot: it quotes a word whole, variables included. Here each literal piece
    is single-quoted (as `shlex.quote` quotes unsafe text) and each variable double-quoted, so
    a key reproduces from the reader's environment and nothing else expands.
    """
    pieces = [
        (f'"{piece}"' if index % 2 else "'" + piece.replace("'", "'\"'\"'") + "'")
        for index, piece in enumerate(_VARIABLE.split(value))
        if piece
    ]
    return "".join(pieces) or "''"


def curl_command(exchange: Exchange, options: str = "-sS -i") -> str:
    """`curl -sS -i -X METHOD URL -H ... --data-raw BODY`, one option per line."""
    method = exchange.method.upper()
    # `-X HEAD` only renames a GET: curl then waits for the body a HEAD answer never has and
    # fails (exit 18); `--head` is how curl sends a HEAD.
    spelled = "--head" if method == "HEAD" else f"-X {method}"
    lines = [f"curl {options} {spelled} {_quote(exchange.url)}"]
    for name, value in exchange.request_headers.items():
        if name.lower() in _NOISE:
            continue
        lines.append(f"  -H {_quote(f'{name}: {value}')}")
    if exchange.request_body:
        lines.append(f"  --data-raw {_quote(exchange.request_body)}")
    return " \\\n".join(lines)


def replay_script(steps: Sequence[Step], base_url: str) -> str:
    """A finding's steps as a shell script that replays them on any target.

    The base URL becomes `$PROSPECTING_BASE_URL`; an id a response created (a job's) is
    captured into a variable and used by the later requests in its place; the waits between
    requests are kept, since a job's status depends on its age. The earlier steps print
    their status on stderr; the last prints its whole response, where the finding shows.
    """
    # -e: a step that fails stops the script (without -u: an unset key gets the API's 401).
    lines = ["set -e"]
    captured: dict[str, str] = {}
    for number, step in enumerate(steps, start=1):
        exchange = step.exchange
        url = exchange.url.replace(base_url.rstrip("/"), "$" + BASE_URL_VAR, 1)
        body = exchange.request_body
        for value, name in captured.items():
            url = url.replace(value, "$" + name)
            body = body.replace(value, "$" + name) if body else body
        exchange = replace(exchange, url=url, request_body=body)
        if step.after_seconds >= MIN_WAIT_S and number > 1:
            lines.append(f"sleep {step.after_seconds:g}")
        status = exchange.status if exchange.status is not None else "no response"
        lines.append(f"# {number}. {step.operation or exchange.method} -> {status}")
        if number == len(steps):
            lines.append(curl_command(exchange))
            break
        created = response_id(step.exchange)
        later = " ".join(s.exchange.url + (s.exchange.request_body or "") for s in steps[number:])
        if created is not None and created in later and created not in captured:
            name = f"ID_{len(captured) + 1}"
            captured[created] = name
            command = curl_command(exchange, "-sS")
            lines.append(f"{name}=$({command} \\\n  | {_READ_ID})")
            lines.append(f'echo "{name}=${name}" >&2')
        else:
            command = curl_command(exchange, "-sS -o /dev/null -w '%{http_code}\\n'")
            lines.append(f"{command} >&2")
    return "\n".join(lines)
