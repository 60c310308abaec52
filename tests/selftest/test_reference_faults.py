"""Each fault of the catalogue makes the reference server deviate the way its line says.

One probe per fault observes the deviation directly over HTTP. Every probe runs twice: against
a server with its fault (it must see the deviation) and against the clean server (it must not),
so that no probe passes by accident. The suite's own detection of the faults (the mutation
score) is tested elsewhere; this file only proves the faults are real.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from prospecting_conformance.core.rules import RULES
from prospecting_conformance.reference import FAULTS, ReferenceServer, ReferenceSettings, seed

# Short jobs keep the lifecycle probes quick; the slow search is slow enough to cancel.
SETTINGS = ReferenceSettings(
    queued_seconds=0.02,
    running_seconds=0.12,
    fast_total=6,
    slow_running_seconds=3.0,
    slow_total=300,
    failing_after_seconds=0.08,
)
PRIMARY, FOREIGN = seed.PRIMARY_ACCOUNT_GROUP_ID, seed.FOREIGN_ACCOUNT_GROUP_ID
FAST, SLOW, FAILING = (
    seed.FAST_SAVED_SEARCH_ID,
    seed.SLOW_SAVED_SEARCH_ID,
    seed.FAILING_SAVED_SEARCH_ID,
)
SECOND_FAST = seed.SAVED_SEARCHES[PRIMARY][1].id
NO_KEY = ""  # sentinel: send no X-API-Key header at all
# Past the reference server's LATER_POLL_SECONDS: when the later-poll faults show.
LATER = 1.1


class Api:
    """A thin client for the probes: one method per operation, the all-scopes key by default."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def _send(
        self, method: str, path: str, key: str, *, group: str = PRIMARY, **kwargs: Any
    ) -> httpx.Response:
        headers = {} if key == NO_KEY else {"X-API-Key": key}
        headers.update(kwargs.pop("headers", {}))
        return self.client.request(method, f"/v1/accounts/{group}{path}", headers=headers, **kwargs)

    def list(self, key: str = seed.KEY_ALL, group: str = PRIMARY) -> httpx.Response:
        return self._send("GET", "/sales-navigator/saved-searches", key, group=group)

    def start(
        self, saved_search_id: str = FAST, key: str = seed.KEY_ALL, **kwargs: Any
    ) -> httpx.Response:
        if "content" not in kwargs:
            kwargs["json"] = {"source": "sales_navigator", "savedSearchId": saved_search_id}
        else:
            kwargs["headers"] = {"Content-Type": "application/json"}
        return self._send("POST", "/prospecting", key, **kwargs)

    def start_id(self, saved_search_id: str = FAST) -> str:
        response = self.start(saved_search_id)
        assert response.status_code in (200, 202), response.text
        job_id: str = response.json()["data"]["id"]
        return job_id

    def get(self, job_id: str, key: str = seed.KEY_ALL, group: str = PRIMARY) -> httpx.Response:
        return self._send("GET", f"/prospecting/{job_id}", key, group=group)

    def job(self, job_id: str) -> dict[str, Any]:
        response = self.get(job_id)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()["data"]
        return data

    def cancel(self, job_id: str, key: str = seed.KEY_ALL) -> httpx.Response:
        return self._send("POST", f"/prospecting/{job_id}/cancel", key)

    def lookup(
        self, provider_id: str, key: str = seed.KEY_ALL, group: str = PRIMARY
    ) -> httpx.Response:
        return self._send("GET", f"/prospects/by-provider-id/{provider_id}", key, group=group)

    def wait_settled(self, job_id: str, timeout: float = 3.0) -> dict[str, Any]:
        """Poll until the job has left queued/running (or the timeout passes)."""
        deadline = time.monotonic() + timeout
        job = self.job(job_id)
        while job["status"] in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.02)
            job = self.job(job_id)
        return job

    def until_429(self, attempts: int = 10) -> httpx.Response | None:
        for _ in range(attempts):
            response = self.list(key=seed.KEY_LOW_QUOTA)
            if response.status_code == 429:
                return response
        return None


FOREIGN_SEARCH = seed.SAVED_SEARCHES[FOREIGN][0].id
LIST = "/sales-navigator/saved-searches"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,*/*;q=0.8"


def _start_as(api: Api, content_type: str) -> httpx.Response:
    body = b'{"source": "sales_navigator", "savedSearchId": "%s"}' % FAST.encode()
    return api._send(
        "POST", "/prospecting", seed.KEY_ALL, content=body, headers={"Content-Type": content_type}
    )


def _without_accept_406(api: Api) -> bool:
    request = api.client.build_request(
        "GET", f"/v1/accounts/{PRIMARY}{LIST}", headers={"X-API-Key": seed.KEY_ALL}
    )
    del request.headers["accept"]
    return api.client.send(request).status_code == 406


def _error(api: Api) -> dict[str, Any]:
    body: dict[str, Any] = api.list(key=NO_KEY).json()
    return body


def _progress_decreases(api: Api) -> bool:
    job_id = api.start_id(SLOW)
    time.sleep(0.1)
    seen = [api.job(job_id)["progress"]["processed"] for _ in range(4)]
    api.cancel(job_id)
    return any(later < earlier for earlier, later in itertools.pairwise(seen))


def _status_regresses(api: Api) -> bool:
    job_id = api.start_id()
    first = api.wait_settled(job_id)
    return first["status"] == "completed" and api.job(job_id)["status"] != "completed"


def _cancel_ignored(api: Api) -> bool:
    job_id = api.start_id(SLOW)
    answer = api.cancel(job_id)
    assert answer.status_code == 200
    assert answer.json()["data"]["status"] == "cancelled"
    return api.job(job_id)["status"] != "cancelled"


def _keeps_progressing(api: Api) -> bool:
    job_id = api.start_id(SLOW)
    time.sleep(0.1)
    api.cancel(job_id)
    before = api.job(job_id)["progress"]["processed"]
    time.sleep(0.2)
    return bool(api.job(job_id)["progress"]["processed"] > before)


def _cancel_completed_allowed(api: Api) -> bool:
    job_id = api.start_id()
    assert api.wait_settled(job_id)["status"] == "completed"
    return api.cancel(job_id).status_code == 200


def _cancel_not_idempotent(api: Api) -> bool:
    job_id = api.start_id(SLOW)
    assert api.cancel(job_id).status_code == 200
    return api.cancel(job_id).status_code == 409


def _retry_after_fractional(api: Api) -> bool:
    limited = api.until_429()
    assert limited is not None
    return not limited.headers["retry-after"].isdigit()


def _without_retry_after(api: Api) -> bool:
    limited = api.until_429()
    assert limited is not None
    return "retry-after" not in limited.headers


def _items(api: Api) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = api.list().json()["data"]["items"]
    return items


def _location_names_previous_job(api: Api) -> bool:
    api.start_id()
    second = api.start()
    return not second.headers["location"].endswith("/" + second.json()["data"]["id"])


def _shared_builder(api: Api) -> bool:
    first = api.start_id(FAST)
    api.start_id(SECOND_FAST)
    return api.job(first)["savedSearchId"] != FAST


def _cached_per_search(api: Api) -> bool:
    api.wait_settled(api.start_id())
    started = api.start().json()["data"]
    return api.job(started["id"])["createdAt"] != started["createdAt"]


def _created_at_moves(api: Api) -> bool:
    started = api.start().json()["data"]
    return api.wait_settled(started["id"])["createdAt"] != started["createdAt"]


def _after_the_end(api: Api, saved_search_id: str = FAST) -> str:
    """A job that ended more than LATER seconds ago."""
    job_id = api.start_id(saved_search_id)
    api.wait_settled(job_id)
    time.sleep(LATER)
    return job_id


def _cancel_reverts(api: Api) -> bool:
    job_id = api.start_id(SLOW)
    assert api.cancel(job_id).status_code == 200
    time.sleep(LATER)
    return api.job(job_id)["status"] != "cancelled"


def _trace_id_recycled(api: Api) -> bool:
    seen = [api.list(key=NO_KEY).json()["traceId"] for _ in range(513)]
    return len(set(seen)) < len(seen)


Probe = Callable[[Api], bool]

# fault name -> a probe that answers "does the server deviate the way the fault says?"
PROBES: dict[str, Probe] = {
    "trace_id_missing": lambda api: "traceId" not in api.list().json(),
    "trace_id_constant": lambda api: api.list().json()["traceId"] == api.list().json()["traceId"],
    "success_true_on_errors": lambda api: _error(api)["success"] is True,
    "data_not_null_on_error": lambda api: _error(api)["data"] is not None,
    "error_not_null_on_success": lambda api: api.list().json()["error"] is not None,
    "error_code_missing": lambda api: "code" not in _error(api)["error"],
    "error_code_generic": lambda api: _error(api)["error"]["code"] != "unauthorized",
    "error_details_not_string": lambda api: not isinstance(_error(api)["error"]["details"], str),
    "content_type_text_plain": lambda api: (
        api.list().headers["content-type"].startswith("text/plain")
    ),
    "start_job_returns_200": lambda api: api.start().status_code == 200,
    "missing_key_returns_403": lambda api: api.list(key=NO_KEY).status_code == 403,
    "invalid_key_accepted": lambda api: api.list(key="demo-key-unknown-9999").status_code == 200,
    "unknown_job_returns_500": lambda api: api.get("f" * 24).status_code == 500,
    "malformed_body_returns_500": lambda api: api.start(content=b"{not json").status_code == 500,
    "location_header_missing": lambda api: "location" not in api.start().headers,
    "auth_checked_after_validation": lambda api: (
        api.start(key=NO_KEY, content=b"{").status_code == 400
    ),
    "saved_search_name_missing": lambda api: any("name" not in i for i in _items(api)),
    "saved_search_id_integer": lambda api: any(isinstance(i["id"], int) for i in _items(api)),
    "items_not_wrapped": lambda api: isinstance(api.list().json()["data"], list),
    "job_status_unknown_value": lambda api: api.wait_settled(api.start_id())["status"] == "done",
    "timestamps_epoch_numbers": lambda api: isinstance(
        api.start().json()["data"]["createdAt"], int | float
    ),
    "read_scope_allows_write": lambda api: (
        api.start(key=seed.KEY_PROSPECTING_READ).status_code == 202
    ),
    "write_scope_allows_read": lambda api: (
        api.list(key=seed.KEY_PROSPECTING_WRITE).status_code == 200
    ),
    "prospects_scope_not_enforced": lambda api: (
        api.lookup(seed.PROVIDER_ID, key=seed.KEY_PROSPECTING_READ).status_code == 200
    ),
    "cross_tenant_saved_searches": lambda api: (
        api.list(key=seed.FOREIGN_KEY_ALL, group=PRIMARY).status_code == 200
    ),
    "cross_tenant_job_access": lambda api: (
        api.get(api.start_id(), key=seed.FOREIGN_KEY_ALL, group=FOREIGN).status_code == 200
    ),
    "cross_tenant_prospect_lookup": lambda api: (
        api.lookup(seed.PROVIDER_ID, key=seed.FOREIGN_KEY_ALL, group=FOREIGN).status_code == 200
    ),
    "job_never_completes": lambda api: api.wait_settled(api.start_id(), 0.6)["status"] == "running",
    "status_regresses_after_completion": _status_regresses,
    "cancel_ignored": _cancel_ignored,
    "cancelled_job_keeps_progressing": _keeps_progressing,
    "cancel_completed_job_allowed": _cancel_completed_allowed,
    "cancel_not_idempotent": _cancel_not_idempotent,
    "progress_decreases": _progress_decreases,
    "completed_without_result": lambda api: api.wait_settled(api.start_id())["result"] is None,
    "failed_without_error": lambda api: api.wait_settled(api.start_id(FAILING))["error"] is None,
    "job_id_not_pollable": lambda api: api.get(api.start_id()).status_code == 404,
    "job_records_wrong_saved_search": lambda api: (
        api.start().json()["data"]["savedSearchId"] != FAST
    ),
    "job_ids_reused": lambda api: api.start_id() == api.start_id(),
    "unknown_saved_search_accepted": lambda api: api.start("e" * 24).status_code == 202,
    "rate_limit_not_enforced": lambda api: api.until_429() is None,
    "rate_limit_without_retry_after": _without_retry_after,
    "retry_after_fractional": _retry_after_fractional,
    "provider_lookup_returns_other_prospect": lambda api: (
        api.lookup(seed.PROVIDER_ID).json()["data"]["providerId"] != seed.PROVIDER_ID
    ),
    "unknown_provider_id_found": lambda api: api.lookup("ACwUNKNOWN").status_code == 200,
    # blindspot
    "location_names_previous_job": _location_names_previous_job,
    "location_off_target": lambda api: api.start().headers["location"].startswith("http://"),
    "saved_search_from_shared_builder": _shared_builder,
    "job_answer_cached_per_search": _cached_per_search,
    "created_at_follows_updated_at": _created_at_moves,
    "progress_lost_after_completion": lambda api: (
        api.job(_after_the_end(api))["progress"]["processed"] == 0
    ),
    "job_forgotten_after_completion": lambda api: api.get(_after_the_end(api)).status_code == 404,
    "cancel_reverts_later": _cancel_reverts,
    "job_ids_recycled": lambda api: len({api.start_id() for _ in range(5)}) < 5,
    "trace_id_recycled": _trace_id_recycled,
    "group_checked_before_auth": lambda api: api.list(key=NO_KEY, group=FOREIGN).status_code == 403,
    "job_loaded_before_auth": lambda api: api.get("f" * 24, key=NO_KEY).status_code == 404,
    "body_validated_before_scope_check": lambda api: (
        api.start(key=seed.KEY_PROSPECTING_READ, content=b"{").status_code == 400
    ),
    "body_validated_before_group_check": lambda api: (
        api.start(content=b"{", group=FOREIGN).status_code == 400
    ),
    "saved_search_checked_before_scope_check": lambda api: (
        api.start("e" * 24, key=seed.KEY_PROSPECTING_READ).status_code == 404
    ),
    "job_loaded_before_scope_check": lambda api: (
        api.get("f" * 24, key=seed.KEY_PROSPECTING_WRITE).status_code == 404
    ),
    "job_loaded_before_group_check": lambda api: (
        api.get("f" * 24, group=FOREIGN).status_code == 404
    ),
    "prospect_looked_up_before_scope_check": lambda api: (
        api.lookup("ACwUNKNOWN", key=seed.KEY_PROSPECTING_READ).status_code == 404
    ),
    "saved_search_checked_before_body": lambda api: (
        api.start(content=b'{"source": "csv", "savedSearchId": "eeee"}').status_code == 404
    ),
    "unknown_route_plain_404": lambda api: (
        api.client.get("/v1/no-such-route").headers["content-type"].startswith("text/plain")
    ),
    "head_answered_blindly": lambda api: (
        api._send("HEAD", f"/prospecting/{'f' * 24}", seed.KEY_ALL).status_code == 200
    ),
    "options_default_page": lambda api: (
        api._send("OPTIONS", "/sales-navigator/saved-searches", seed.KEY_ALL).status_code == 200
    ),
    # reading
    "foreign_saved_search_accepted": lambda api: api.start(FOREIGN_SEARCH).status_code == 202,
    "foreign_saved_search_forbidden": lambda api: api.start(FOREIGN_SEARCH).status_code == 403,
    "content_type_compared_verbatim": lambda api: (
        _start_as(api, "application/json; charset=utf-8").status_code == 400
    ),
    "content_type_case_sensitive": lambda api: (
        _start_as(api, "Application/JSON").status_code == 400
    ),
    "html_error_page_for_browsers": lambda api: (
        api.client.get("/v1/no-such-route", headers={"Accept": BROWSER_ACCEPT})
        .headers["content-type"]
        .startswith("text/html")
    ),
    "accept_first_type_only": lambda api: (
        api._send("GET", LIST, seed.KEY_ALL, headers={"Accept": BROWSER_ACCEPT}).status_code == 406
    ),
    "missing_accept_rejected": _without_accept_406,
    "job_lookup_case_insensitive": lambda api: api.get(api.start_id().upper()).status_code == 200,
    "provider_lookup_collation": lambda api: (
        api.lookup(seed.PROVIDER_ID.swapcase() + " ").status_code == 200
    ),
    "trailing_slash_redirect": lambda api: (
        api._send("GET", LIST + "/", seed.KEY_ALL).status_code == 307
    ),
    "routes_case_insensitive": lambda api: (
        api.client.get(
            f"/V1/ACCOUNTS/{PRIMARY}{LIST.upper()}", headers={"X-API-Key": seed.KEY_ALL}
        ).status_code
        == 200
    ),
    "doubled_slashes_merged": lambda api: (
        api._send("GET", LIST.replace("/saved", "//saved"), seed.KEY_ALL).status_code == 200
    ),
}


@pytest.fixture(scope="module")
def clean_api() -> Iterator[Api]:
    with ReferenceServer(settings=SETTINGS) as server, httpx.Client(base_url=server.base_url) as c:
        yield Api(c)


def test_every_fault_has_a_probe() -> None:
    assert sorted(PROBES) == sorted(FAULTS)


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_names_rules_that_exist(name: str) -> None:
    fault = FAULTS[name]
    assert fault.caught_by
    assert set(fault.caught_by) <= RULES.keys()
    assert fault.summary
    assert "\n" not in fault.summary


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in sorted(PROBES)])
def test_fault_makes_the_server_deviate(name: str) -> None:
    with (
        ReferenceServer(faults=[name], settings=SETTINGS) as server,
        httpx.Client(base_url=server.base_url) as client,
    ):
        assert PROBES[name](Api(client)), f"{name} on, but the server behaves correctly"


@pytest.mark.parametrize("name", [pytest.param(n, id=n) for n in sorted(PROBES)])
def test_clean_server_does_not_deviate(clean_api: Api, name: str) -> None:
    assert not PROBES[name](clean_api), f"the clean server shows the deviation of {name}"


def test_unknown_fault_name_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="no_such_fault") as raised:
        ReferenceServer(faults=["no_such_fault"])
    assert "cancel_ignored" in str(raised.value)
