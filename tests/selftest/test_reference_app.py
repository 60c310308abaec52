"""The clean reference server keeps the inferred rules a fuzzer cannot see on its own.

Check order (I10), account-group isolation (I11), 405 with Allow and unique traceIds (I12),
the error codes the spec declares (I13), the quota's Retry-After (R1), the seeded look-up (P1),
and the standalone CLI.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from prospecting_conformance.core.secret import Secret
from prospecting_conformance.reference import FAULTS, ReferenceServer, ReferenceSettings, seed
from prospecting_conformance.reference.http.responses import ERROR_CODES
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import TargetConfig
from prospecting_conformance.target.embedded import demo_target_config

PRIMARY, FOREIGN = seed.PRIMARY_ACCOUNT_GROUP_ID, seed.FOREIGN_ACCOUNT_GROUP_ID
BASE = f"/v1/accounts/{PRIMARY}"
START = f"{BASE}/prospecting"
LIST = f"{BASE}/sales-navigator/saved-searches"
QUOTA = ReferenceSettings().low_quota_requests
BAD_BODY = {"content": b"{nope", "headers": {"Content-Type": "application/json"}}


@pytest.fixture(scope="module")
def server() -> Iterator[ReferenceServer]:
    with ReferenceServer() as running:
        yield running


@pytest.fixture
def client(server: ReferenceServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url) as c:
        yield c


def _code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


@pytest.mark.parametrize(
    ("key", "body", "path", "expected"),
    [
        pytest.param(None, BAD_BODY, START, (401, "unauthorized"), id="no-key-bad-body-401"),
        pytest.param("", BAD_BODY, START, (401, "unauthorized"), id="empty-key-401"),
        pytest.param(
            f"Bearer {seed.KEY_ALL}", BAD_BODY, START, (401, "unauthorized"), id="prefixed-key-401"
        ),
        pytest.param(
            seed.KEY_PROSPECTING_READ, BAD_BODY, START, (403, "forbidden"), id="scope-before-400"
        ),
        pytest.param(
            seed.FOREIGN_KEY_ALL, BAD_BODY, START, (403, "forbidden"), id="group-before-400"
        ),
        pytest.param(seed.KEY_ALL, BAD_BODY, START, (400, "validation_error"), id="bad-body-400"),
        pytest.param(
            seed.KEY_ALL,
            {"json": {"source": "sales_navigator", "savedSearchId": "f" * 24}},
            START,
            (404, "not_found"),
            id="unknown-saved-search-404",
        ),
        pytest.param(
            seed.KEY_ALL,
            {"json": {"source": "sales_navigator", "savedSearchId": seed.FAST_SAVED_SEARCH_ID}},
            f"/v1/accounts/{FOREIGN}/prospecting",
            (403, "forbidden"),
            id="foreign-group-403",
        ),
        pytest.param(
            seed.KEY_ALL,
            {"json": {"source": "linkedin", "savedSearchId": seed.FAST_SAVED_SEARCH_ID}},
            START,
            (400, "validation_error"),
            id="wrong-source-400",
        ),
        pytest.param(
            seed.KEY_ALL,
            {"content": b"{}", "headers": {"Content-Type": "text/plain"}},
            START,
            (400, "validation_error"),
            id="wrong-content-type-400",
        ),
        pytest.param(
            seed.KEY_ALL, {}, f"{START}/{'f' * 24}/cancel", (404, "not_found"), id="unknown-job-404"
        ),
    ],
)
def test_check_order(
    client: httpx.Client, key: str | None, body: dict[str, Any], path: str, expected: object
) -> None:
    kwargs = dict(body)
    headers = {} if key is None else {"X-API-Key": key}
    headers.update(kwargs.pop("headers", {}))
    response = client.post(path, headers=headers, **kwargs)
    assert _code(response) == expected


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE", "PUT", "DELETE", "PATCH", "POST"])
def test_unsupported_methods_answer_405_with_allow(client: httpx.Client, method: str) -> None:
    response = client.request(method, LIST, headers={"X-API-Key": seed.KEY_ALL})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("path", ["/", "/v1/accounts", f"{LIST}/", "/v1/accounts/x/unknown"])
def test_unknown_routes_are_404_envelopes(client: httpx.Client, path: str) -> None:
    response = client.get(path, headers={"X-API-Key": seed.KEY_ALL})
    assert _code(response) == (404, "not_found")


def test_trace_ids_are_unique_24_hex(client: httpx.Client) -> None:
    ids = [client.get(LIST).json()["traceId"] for _ in range(50)]
    assert len(set(ids)) == len(ids)
    assert all(len(i) == 24 and int(i, 16) >= 0 for i in ids)


def test_error_codes_agree_with_the_spec() -> None:
    for operation in load_spec().operations.values():
        for status, response in operation.responses.items():
            if response.error_code is not None:
                assert ERROR_CODES[status] == response.error_code, (operation.operation_id, status)


def test_low_quota_key_gets_429_with_retry_after_then_recovers(server: ReferenceServer) -> None:
    # A server of its own: the quota window must not be shared with other tests.
    with ReferenceServer() as own, httpx.Client(base_url=own.base_url) as client:
        headers = {"X-API-Key": seed.KEY_LOW_QUOTA}
        answers = [client.get(LIST, headers=headers) for _ in range(QUOTA + 1)]
        limited = answers[-1]
        assert [a.status_code for a in answers[:-1]] == [200] * QUOTA
        assert _code(limited) == (429, "rate_limited")
        wait = int(limited.headers["Retry-After"])
        assert wait >= 1
        time.sleep(wait)
        assert client.get(LIST, headers=headers).status_code == 200
        # Every other key is never limited.
        assert all(
            client.get(LIST, headers={"X-API-Key": seed.KEY_ALL}).status_code == 200
            for _ in range(20)
        )


def test_seeded_provider_id_is_found_and_isolated(client: httpx.Client) -> None:
    found = client.get(
        f"{BASE}/prospects/by-provider-id/{seed.PROVIDER_ID}", headers={"X-API-Key": seed.KEY_ALL}
    )
    assert found.status_code == 200
    assert found.json()["data"]["providerId"] == seed.PROVIDER_ID
    foreign = client.get(
        f"/v1/accounts/{FOREIGN}/prospects/by-provider-id/{seed.PROVIDER_ID}",
        headers={"X-API-Key": seed.FOREIGN_KEY_ALL},
    )
    assert _code(foreign) == (404, "not_found")


def test_completed_job_adds_prospects_the_look_up_finds(client: httpx.Client) -> None:
    headers = {"X-API-Key": seed.KEY_ALL}
    body = {"source": "sales_navigator", "savedSearchId": seed.FAST_SAVED_SEARCH_ID}
    started = client.post(START, json=body, headers=headers)
    job_id = started.json()["data"]["id"]
    time.sleep(0.5)
    server_store = client.get(started.headers["Location"], headers=headers).json()["data"]
    assert server_store["status"] == "completed"
    assert server_store["result"]["prospectCount"] > 0
    provider_id = f"ACw{job_id[-10:]}000"
    found = client.get(f"{BASE}/prospects/by-provider-id/{provider_id}", headers=headers)
    assert found.json()["data"]["sourceJobId"] == job_id


def test_target_config_points_at_the_server(server: ReferenceServer) -> None:
    config = demo_target_config(server.base_url)
    assert config.embedded
    assert config.allow_writes
    assert config.base_url == server.base_url
    assert config.key_all == Secret(seed.KEY_ALL)
    assert config.slow_saved_search_id == seed.SLOW_SAVED_SEARCH_ID
    keys = [config.key_for(role) for role in ("all", "prospecting_read", "prospecting_write")]
    assert all(k is not None and len(k.reveal()) >= 20 for k in keys)


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "prospecting_conformance.reference", *args]


def test_cli_lists_the_faults() -> None:
    result = subprocess.run(
        _cli("--list-faults"), capture_output=True, text=True, timeout=30, check=True
    )
    lines = result.stdout.splitlines()
    assert len(lines) == len(FAULTS)
    assert all(line.split()[0] in FAULTS for line in lines)


def test_cli_rejects_unknown_faults() -> None:
    result = subprocess.run(
        _cli("--fault", "nope"), capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "cancel_ignored" in result.stderr


def test_cli_print_env_serves_a_usable_live_target() -> None:
    # Given the CLI printing its environment and serving on a free port
    command = _cli("--port", "0", "--print-env")
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            expected = len(demo_target_config("http://127.0.0.1:1").env_lines())
            environ = {}
            for _ in range(expected):
                line = process.stdout.readline()
                name, _, value = line.removeprefix("export ").strip().partition("=")
                environ[name] = value.strip("'")
            # When the suite reads that environment
            config = TargetConfig.from_env(environ)
            # Then it is a complete live target that answers
            assert config is not None
            assert config.allow_writes
            assert config.key_low_quota == Secret(seed.KEY_LOW_QUOTA)
            url = f"{config.base_url}/v1/accounts/{config.account_group_id}"
            response = httpx.get(
                f"{url}/sales-navigator/saved-searches",
                headers={"X-API-Key": seed.KEY_ALL},
            )
            assert response.status_code == 200
        finally:
            # Ctrl-C stops it cleanly.
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
