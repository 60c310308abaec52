"""One response as the validators see it, whoever sent the request.

The suite's own client and the schemathesis layer both turn what they received into an
`Observed`, so that the envelope, spec and lifecycle rules are written once against one type.
Its `exchange` is redacted when the `Observed` is built: nothing downstream can leak a key by
printing it.
"""

from __future__ import annotations

import enum
import json as jsonlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from prospecting_conformance.core.findings import Exchange, Finding
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.rules import Provenance

__all__ = ["NOT_JSON", "NotJson", "Observed"]


class NotJson(enum.Enum):
    """The type of `NOT_JSON`: a body that did not parse, as opposed to the JSON `null`."""

    NOT_JSON = "NOT_JSON"

    def __repr__(self) -> str:
        return "NOT_JSON"


NOT_JSON = NotJson.NOT_JSON


@dataclass(frozen=True)
class Observed:
    """A response with its operation; `headers` has lower-cased names.

    The raw fields stay out of the repr (a server may echo a key back): what prints is the
    redacted `exchange` and the redacted `trace_id`.
    """

    operation_id: str
    method: str
    url: str = field(repr=False)
    status: int
    headers: Mapping[str, str] = field(repr=False)
    text: str = field(repr=False)
    json: Any = field(repr=False)
    trace_id: str | None
    exchange: Exchange
    # Seconds from the request leaving to the response's headers (rails/wire.py timed it).
    elapsed_s: float | None = None

    @classmethod
    def build(
        cls,
        operation_id: str,
        method: str,
        url: str,
        status: int,
        headers: Mapping[str, str],
        text: str,
        request_headers: Mapping[str, str] | None = None,
        request_body: str | None = None,
        redactor: Redactor | None = None,
        elapsed_s: float | None = None,
    ) -> Observed:
        """An Observed from plain values; the exchange is redacted with `redactor`."""
        redactor = redactor or Redactor()
        lowered = {name.lower(): value for name, value in headers.items()}
        body = _parse(text)
        exchange = Exchange(
            method=method.upper(),
            url=redactor.text(url),
            request_headers=redactor.headers(request_headers or {}),
            request_body=None if request_body is None else redactor.text(request_body),
            status=status,
            response_headers=redactor.headers(lowered),
            response_body=redactor.text(text),
        )
        trace_id = body.get("traceId") if isinstance(body, dict) else None
        return cls(
            operation_id=operation_id,
            method=method.upper(),
            url=url,
            status=status,
            headers=lowered,
            text=text,
            json=body,
            trace_id=redactor.text(trace_id) if isinstance(trace_id, str) else None,
            exchange=exchange,
            elapsed_s=elapsed_s,
        )

    @classmethod
    def from_httpx(
        cls,
        response: httpx.Response,
        operation_id: str,
        redactor: Redactor,
        elapsed_s: float | None = None,
    ) -> Observed:
        """An Observed from an httpx response (the request is read from `response.request`)."""
        request = response.request
        content = request.content
        return cls.build(
            operation_id=operation_id,
            method=request.method,
            url=str(request.url),
            status=response.status_code,
            # httpx joins repeated headers with ", ", as RFC 9110 allows.
            headers=dict(response.headers.items()),
            text=response.text,
            request_headers=dict(request.headers.items()),
            request_body=content.decode("utf-8", "replace") if content else None,
            redactor=redactor,
            elapsed_s=elapsed_s,
        )

    @property
    def is_json(self) -> bool:
        """Whether the body parsed as JSON (a JSON `null` body did)."""
        return self.json is not NOT_JSON

    @property
    def body(self) -> dict[str, Any] | None:
        """The body when it is a JSON object, else None."""
        return self.json if isinstance(self.json, dict) else None

    @property
    def data(self) -> dict[str, Any] | None:
        """The `data` object of a 2xx envelope (a job, a prospect, the saved-search list)."""
        body = self.body
        data = body.get("data") if body is not None and 200 <= self.status <= 299 else None
        return data if isinstance(data, dict) else None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def member(self, pointer: str) -> Any:
        """The body's member at a JSON pointer (RFC 6901, `/data/id`); None when it has none."""
        node = self.json
        for token in pointer.lstrip("/").split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict):
                node = node.get(token)
            elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                node = node[int(token)]
            else:
                return None
        return node

    @property
    def media_type(self) -> str | None:
        """The Content-Type without parameters, lower-cased; None when absent."""
        value = self.header("content-type")
        return value.split(";", 1)[0].strip().lower() if value is not None else None

    def finding(self, rule: str, message: str, *, provenance: Provenance | None = None) -> Finding:
        """A finding about this response: operation, status, traceId and exchange filled in."""
        return Finding(
            rule=rule,
            operation=self.operation_id,
            message=message,
            status=self.status,
            trace_id=self.trace_id,
            exchange=self.exchange,
            provenance_override=provenance,
        )

    def excerpt(self, limit: int = 80) -> str:
        """The start of the body, for messages ("Received '<html>…'")."""
        text = self.exchange.response_body or ""
        return repr(text if len(text) <= limit else text[:limit] + "…")


def _parse(text: str) -> Any:
    try:
        return jsonlib.loads(text)
    except ValueError:
        return NOT_JSON
