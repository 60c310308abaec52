"""A finding's request as a curl command QA can paste, with keys left as shell variables.

The exchange is already redacted: a key appears as `$PROSPECTING_KEY_ALL`, which the command
keeps expandable (double quotes) so that it reproduces with the reader's own environment.
"""

from __future__ import annotations

import re

from prospecting_conformance.findings import Exchange

__all__ = ["curl_command"]

# Headers that httpx adds on its own; they only add noise to a reproduction.
_NOISE = frozenset(
    {"host", "accept-encoding", "connection", "user-agent", "content-length", "accept"}
)
_VARIABLE = re.compile(r"\$[A-Z][A-Z0-9_]*")


def _quote(value: str) -> str:
    """Shell-quote, leaving $VARIABLES (and only them) expandable."""
    if not _VARIABLE.search(value):
        return "'" + value.replace("'", "'\"'\"'") + "'"
    parts = []
    last = 0
    for match in _VARIABLE.finditer(value):
        parts.append(_quote_literal(value[last : match.start()]))
        parts.append('"' + match.group(0) + '"')
        last = match.end()
    parts.append(_quote_literal(value[last:]))
    return "".join(p for p in parts if p)


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'" if text else ""


def curl_command(exchange: Exchange) -> str:
    """`curl -sS -i -X METHOD URL -H ... --data-raw BODY`, one option per line."""
    lines = [f"curl -sS -i -X {exchange.method.upper()} {_quote(exchange.url)}"]
    for name, value in exchange.request_headers.items():
        if name.lower() in _NOISE:
            continue
        lines.append(f"  -H {_quote(f'{name}: {value}')}")
    if exchange.request_body:
        lines.append(f"  --data-raw {_quote(exchange.request_body)}")
    return " \\\n".join(lines)
