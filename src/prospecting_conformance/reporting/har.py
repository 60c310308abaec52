"""`reports/exchanges.har`: every exchange of the run as an HTTP Archive (HAR 1.2).

Browsers' devtools open it (Network tab, "Import HAR"), as do HAR viewers and proxies: QA sees
the whole conversation with the target, not only the exchanges behind findings. Written with
`harfile` (schemathesis writes its `--report-har` with it). The exchanges were redacted when
observed, and the run's last pass rewrites any report file that still holds a key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import harfile

from prospecting_conformance import __version__
from prospecting_conformance.core.findings import Exchange
from prospecting_conformance.run.exchanges import LoggedExchange

__all__ = ["write_har"]

# What the suite's client and schemathesis speak (httpx and requests, HTTP/1.1).
HTTP_VERSION = "HTTP/1.1"


def write_har(path: Path, exchanges: Iterable[LoggedExchange]) -> int:
    """Write the HAR file; returns how many entries it holds."""
    count = 0
    creator = harfile.Creator(name="prospecting-conformance", version=__version__)
    with harfile.open(path, creator=creator) as har:
        for logged in exchanges:
            exchange = logged.exchange
            ms = round((logged.elapsed_s or 0.0) * 1000, 1)
            har.add_entry(
                startedDateTime=datetime.fromtimestamp(logged.started, UTC),
                time=ms,
                request=_request(exchange),
                response=_response(exchange),
                timings=harfile.Timings(send=0, wait=ms, receive=0),
                comment=logged.operation,
            )
            count += 1
    return count


def _records(headers: Mapping[str, str]) -> list[harfile.Record]:
    return [harfile.Record(name=name, value=value) for name, value in headers.items()]


def _media_type(headers: Mapping[str, str]) -> str:
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "")


def _request(exchange: Exchange) -> harfile.Request:
    headers, body = exchange.request_headers, exchange.request_body
    query = parse_qsl(urlsplit(exchange.url).query, keep_blank_values=True)
    return harfile.Request(
        method=exchange.method,
        url=exchange.url,
        httpVersion=HTTP_VERSION,
        headers=_records(headers),
        queryString=[harfile.Record(name=name, value=value) for name, value in query],
        postData=None if body is None else harfile.PostData(_media_type(headers), text=body),
        bodySize=len(body.encode()) if body is not None else 0,
    )


def _response(exchange: Exchange) -> harfile.Response:
    status, headers, text = exchange.status, exchange.response_headers, exchange.response_body or ""
    size = len(text.encode())
    return harfile.Response(
        # No status: the target never answered (T1); HAR's way to say so is 0.
        status=status or 0,
        statusText=_reason(status),
        httpVersion=HTTP_VERSION,
        headers=_records(headers),
        content=harfile.Content(size=size, mimeType=_media_type(headers), text=text),
        redirectURL=headers.get("location", ""),
        bodySize=size,
    )


def _reason(status: int | None) -> str:
    try:
        return HTTPStatus(status or 0).phrase
    except ValueError:
        return ""
