"""Each conformant variation makes the reference server differ the way its line says.

One probe per variation observes the difference directly over HTTP (or on the raw socket, for
what httpx would hide). Every probe runs twice: against a server with its variation on (it
must see the difference) and against the plain server (it must not), so that no probe passes
by accident. Whether the suite stays silent on them (the false-alarm score) is the mutation
matrix's job; this file only proves the variations are real.
"""

from __future__ import annotations

import json
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import httpx
import pytest

from prospecting_conformance.reference import ReferenceServer, seed
from prospecting_conformance.reference.variations import VARIATIONS, resolve_variations

PRIMARY = seed.PRIMARY_ACCOUNT_GROUP_ID
LIST = f"/v1/accounts/{PRIMARY}/sales-navigator/saved-searches"
START = f"/v1/accounts/{PRIMARY}/prospecting"
START_BODY = {"source": "sales_navigator", "savedSearchId": seed.FAST_SAVED_SEARCH_ID}
KEY = {"X-API-Key": seed.KEY_ALL}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ENVELOPE_ORDER = ["success", "data", "error", "traceId"]


class Probe:
    """What a probe gets: the server's base URL and an httpx client with the all-scopes key."""

    def __init__(self, base_url: str, client: httpx.Client) -> None:
        self.base_url = base_url
        self.client = client

    def list(self, **headers: str) -> httpx.Response:
        return self.client.get(LIST, headers=headers)

    def start(self) -> httpx.Response:
        return self.client.post(START, json=START_BODY)

    def raw(self, request: bytes, *, idle_s: float = 0.0) -> tuple[bytes, bool]:
        """Send one raw request; the raw answer, and whether the server then closed the
        socket within `idle_s` (an open socket times out instead)."""
        host, port = self.base_url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=2.0) as sock:
            sock.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer or not _complete(answer):
                chunk = sock.recv(65536)
                if not chunk:
                    return answer, True
                answer += chunk
            sock.settimeout(idle_s or 0.05)
            try:
                closed = sock.recv(1) == b""
            except TimeoutError:
                closed = False
            return answer, closed


def _complete(answer: bytes) -> bool:
    head, _, body = answer.partition(b"\r\n\r\n")
    lowered = head.lower()
    if b"transfer-encoding: chunked" in lowered:
        return body.endswith(b"0\r\n\r\n")
    length = re.search(rb"content-length: (\d+)", lowered)
    return length is not None and len(body) >= int(length[1])


def _raw_get(path: str, key: str = seed.KEY_ALL) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: probe\r\nX-API-Key: {key}\r\n\r\n".encode()


def _gzip(probe: Probe) -> bool:
    compressed = probe.list(**{"Accept-Encoding": "gzip"})
    # httpx decodes it: the JSON inside is the same envelope
    assert compressed.json()["success"] is True
    return compressed.headers.get("content-encoding") == "gzip"


def _gzip_only_when_accepted(probe: Probe) -> bool:
    """The decision: no compression for a client that does not accept it."""
    return probe.list(**{"Accept-Encoding": "identity"}).headers.get("content-encoding") is None


def _chunked(probe: Probe) -> bool:
    answer, _ = probe.raw(_raw_get(LIST))
    head = answer.partition(b"\r\n\r\n")[0].lower()
    return b"transfer-encoding: chunked" in head and b"content-length" not in head


def _title_case(probe: Probe) -> bool:
    answer, _ = probe.raw(_raw_get(LIST))
    return b"\r\nContent-Type: " in answer.partition(b"\r\n\r\n")[0]


def _charset(probe: Probe) -> bool:
    return probe.list().headers["content-type"] == "application/json;charset=UTF-8"


def _reordered(probe: Probe) -> bool:
    body = json.loads(probe.list().text)  # dicts keep the order of the text
    return list(body) != ENVELOPE_ORDER


def _pretty(probe: Probe) -> bool:
    text = probe.list().text
    return text.startswith("{\n  ") and text.endswith("}\n")


def _extra_fields(probe: Probe) -> bool:
    body = probe.start().json()
    # The envelope stays closed: the extra fields are inside data only
    assert sorted(body) == sorted(ENVELOPE_ORDER)
    spec_fields = {"id", "status", "source", "savedSearchId", "createdAt", "updatedAt"}
    spec_fields |= {"progress", "result", "error"}
    return bool(set(body["data"]) - spec_fields)


def _details_omitted(probe: Probe) -> bool:
    # A 404 of an unknown job has empty details on the reference server
    error = probe.client.get(f"{START}/{'f' * 24}").json()["error"]
    assert error["code"] == "not_found"
    return "details" not in error


def _uuid_ids(probe: Probe) -> bool:
    body = probe.start().json()
    return bool(UUID.match(body["data"]["id"]) and UUID.match(body["traceId"]))


def _offsets(probe: Probe) -> bool:
    job = probe.start().json()["data"]
    created = job["createdAt"]
    # Still RFC 3339, still about now
    age = datetime.now().astimezone() - datetime.fromisoformat(created)
    assert abs(age.total_seconds()) < 60, created
    return bool(re.search(r"\.\d{6}\+05:30$", created))


def _absolute_location(probe: Probe) -> bool:
    location = probe.start().headers["location"]
    assert probe.client.get(location).status_code == 200
    return location.startswith(probe.base_url + "/v1/")


def _list_durations(probe: Probe, count: int) -> list[float]:
    """How long each of `count` lists took, in seconds."""
    durations = []
    for _ in range(count):
        started = time.perf_counter()
        probe.list()
        durations.append(time.perf_counter() - started)
    return durations


def _latency(probe: Probe) -> bool:
    """Delays only add: the fastest of forty answers still waited the jitter's 1 ms minimum.

    Forty, not fewer: the plain server answers in about 0.5 ms, but on a loaded machine any
    one answer can take over 1 ms; all forty do only under the variation.
    """
    return min(_list_durations(probe, 40)) >= 0.001


def _network_latency(probe: Probe) -> bool:
    """Every answer waits 50 ms or more, and the median of eleven (seeded) over 200 ms."""
    durations = _list_durations(probe, 11)
    return min(durations) >= 0.05 and statistics.median(durations) >= 0.2


def _slow_jobs(probe: Probe) -> bool:
    job_id = probe.start().json()["data"]["id"]
    time.sleep(0.7)  # twice what a plain job takes; a quarter of a slow one
    return probe.client.get(f"{START}/{job_id}").json()["data"]["status"] != "completed"


def _slow_first_byte(probe: Probe) -> bool:
    durations = _list_durations(probe, 100)
    return durations[-1] >= 0.5 and max(durations[:-1]) < 0.5


def _occasional_5xx(probe: Probe) -> bool:
    answers = [probe.list() for _ in range(31)]
    failing = [i for i, a in enumerate(answers) if a.status_code >= 500]
    for i in failing:
        body = answers[i].json()
        assert body["success"] is False
        assert body["error"]["code"] in ("upstream_error", "internal_error")
        assert answers[i + 1].status_code == 200  # never twice in a row
    return failing == [16]  # the 17th request to the operation


def _rate_limit_burst(probe: Probe) -> bool:
    answers = [probe.list() for _ in range(61)]
    limited = [i for i, a in enumerate(answers) if a.status_code == 429]
    if not limited:
        return False
    assert limited == [59, 60], limited
    assert answers[59].headers["retry-after"] == "1"
    # Per key: another key is not limited, and after Retry-After the key is served again
    assert probe.client.get(LIST, headers={"X-API-Key": seed.KEY_PROSPECTING_READ}).is_success
    time.sleep(1.0)
    return probe.list().status_code == 200


def _rate_limit_storm(probe: Probe) -> bool:
    """A key's second request and the twenty after it get 429 with Retry-After: 1, no matter
    how long the client waits; another key gets its own storm; then the key is served."""
    answers = [probe.list() for _ in range(23)]
    limited = [i for i, a in enumerate(answers) if a.status_code == 429]
    if not limited:
        return False
    assert limited == list(range(1, 22)), limited
    assert {a.headers["retry-after"] for a in answers if a.status_code == 429} == {"1"}
    other = {"X-API-Key": seed.KEY_PROSPECTING_READ}
    assert [probe.client.get(LIST, headers=other).status_code for _ in range(2)] == [200, 429]
    return answers[-1].status_code == 200


def _head_as_get(probe: Probe) -> bool:
    """HEAD on a GET path gets the GET's status and headers, no body; Allow names HEAD."""
    head = probe.client.head(LIST)
    assert head.content == b""
    allow = probe.client.put(LIST).headers["allow"]
    return head.status_code == 200 and allow == "GET, HEAD"


def _connection_close(probe: Probe) -> bool:
    """An idle kept-alive socket is dropped unannounced; the 15th response says close."""
    _, dropped_when_idle = probe.raw(_raw_get(LIST), idle_s=0.6)
    announced = [probe.list().headers.get("connection") for _ in range(14)]
    return dropped_when_idle and announced.count("close") == 1


PROBES: dict[str, Callable[[Probe], bool]] = {
    "gzip_when_accepted": _gzip,
    "chunked_bodies": _chunked,
    "header_names_title_case": _title_case,
    "content_type_charset": _charset,
    "head_as_get": _head_as_get,
    "members_reordered": _reordered,
    "pretty_printed": _pretty,
    "extra_data_fields": _extra_fields,
    "empty_details_omitted": _details_omitted,
    "uuid_ids": _uuid_ids,
    "timestamp_offsets": _offsets,
    "absolute_location": _absolute_location,
    "latency_jitter": _latency,
    "network_latency": _network_latency,
    "slow_jobs": _slow_jobs,
    "slow_first_byte": _slow_first_byte,
    "occasional_5xx": _occasional_5xx,
    "rate_limit_burst": _rate_limit_burst,
    "rate_limit_storm": _rate_limit_storm,
    "connection_close": _connection_close,
}


def _serve(*variations: str) -> Iterator[Probe]:
    with (
        ReferenceServer(variations=variations) as server,
        httpx.Client(base_url=server.base_url, headers=KEY) as client,
    ):
        yield Probe(server.base_url, client)


@pytest.fixture
def plain() -> Iterator[Probe]:
    # A fresh server per probe: the weather probes count requests from the first one.
    yield from _serve()


def test_every_variation_has_a_probe() -> None:
    assert sorted(PROBES) == sorted(VARIATIONS)


def test_catalogue_spans_the_four_kinds() -> None:
    kinds = [v.kind for v in VARIATIONS.values()]
    assert len(VARIATIONS) >= 12
    assert {kind: kinds.count(kind) >= 3 for kind in set(kinds)} == dict.fromkeys(
        ("transport", "representation", "timing", "weather"), True
    )
    for variation in VARIATIONS.values():
        assert variation.deployment
        assert variation.allowed_because
        assert "\n" not in variation.summary


@pytest.mark.parametrize("name", sorted(PROBES))
def test_variation_makes_the_server_differ(name: str) -> None:
    for probe in _serve(name):
        assert PROBES[name](probe), f"{name} on, but the server answers as the plain one"


# Probes that time answers. On a loaded machine the plain server can be slow for a whole probe;
# the variation is slow on every try, so one quiet try in three proves the probe tells them
# apart (CI on a load of 12 saw all forty plain answers over 1 ms once).
TIMED = frozenset({"latency_jitter", "network_latency", "slow_first_byte"})


@pytest.mark.parametrize("name", sorted(PROBES))
def test_plain_server_does_not_differ(plain: Probe, name: str) -> None:
    tries = 3 if name in TIMED else 1
    assert not all(PROBES[name](plain) for _ in range(tries)), (
        f"the plain server shows the variation {name} ({tries} tries)"
    )


def test_gzip_only_when_the_client_accepts_it() -> None:
    for probe in _serve("gzip_when_accepted"):
        assert _gzip_only_when_accepted(probe)


def test_variations_keep_a_fault_visible() -> None:
    # Given envelope faults under every variation at once but the storm, whose 429s would
    # answer the three requests below in place of the service (it rewrites nothing)
    faults = ["trace_id_constant", "content_type_text_plain", "timestamps_epoch_numbers"]
    varied = [name for name in VARIATIONS if name != "rate_limit_storm"]
    with (
        ReferenceServer(faults=faults, variations=varied) as server,
        httpx.Client(base_url=server.base_url, headers=KEY) as client,
    ):
        # When the same operation is called twice, and a job is started
        first, second = client.get(LIST), client.get(LIST)
        started = client.post(START, json=START_BODY)
    # Then a constant traceId stays constant, text/plain stays text/plain, a number stays one
    assert first.headers["content-type"].startswith("text/plain")
    assert json.loads(first.text)["traceId"] == json.loads(second.text)["traceId"]
    assert isinstance(json.loads(started.text)["data"]["createdAt"], int | float)


def test_unknown_variation_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="no_such_variation") as raised:
        resolve_variations(["no_such_variation"])
    assert "gzip_when_accepted" in str(raised.value)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "prospecting_conformance.reference", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def test_cli_lists_the_variations() -> None:
    result = _cli("--list-variations")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[:2] for line in lines] == [[v.name, v.kind] for v in VARIATIONS.values()]


def test_cli_rejects_unknown_variations() -> None:
    result = _cli("--variation", "nope")
    assert result.returncode == 2
    assert "gzip_when_accepted" in result.stderr
