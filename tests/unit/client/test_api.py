"""The client: configured auth, every status returned, keys kept out of output, safety rails."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator

import httpx
import pytest
import respx

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import (
    ForeignURLRefused,
    MissingRoleKey,
    TransportFailure,
)
from prospecting_conformance.core.clock import FakeClock
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import (
    DEFAULT_RETRY_AFTER_S,
    JITTER_ALLOWANCE_S,
    Rails,
    RequestBudgetExceeded,
    WritesNotAllowed,
)
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig

BASE_URL = "https://api.test"
LIST_PATH = "/v1/accounts/ag-1/sales-navigator/saved-searches"
JOB_PATH = "/v1/accounts/ag-1/prospecting/job-1"
START_PATH = "/v1/accounts/ag-1/prospecting"
KEY_ALL = "sk_live_all_0123456789abcdef"
KEY_READ = "sk_live_read_0123456789abcdef"
OK = {"success": True, "data": {"items": []}, "error": None, "traceId": "t-1"}


def error(code: str) -> dict[str, object]:
    return {
        "success": False,
        "data": None,
        "error": {"code": code, "message": "No.", "details": ""},
        "traceId": "t-e",
    }


def client_for(config: TargetConfig, spec: Spec, clock: FakeClock) -> ProspectingClient:
    """A client whose rails wait on the fake clock, so that no test really waits."""
    rails = Rails(config, spec=spec, clock=clock.now, sleep=clock.sleep)
    return ProspectingClient(config, spec=spec, rails=rails)


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=True) as router:
        yield router


def test_the_key_travels_in_the_configured_header_with_its_prefix(
    api: respx.MockRouter, config: TargetConfig, spec: Spec, clock: FakeClock
) -> None:
    # Given a target that wants "Authorization: Bearer <key>"
    bearer = dataclasses.replace(config, auth_header="Authorization", auth_prefix="Bearer ")
    route = api.get(LIST_PATH).respond(200, json=OK)

    # When the client lists saved searches
    with client_for(bearer, spec, clock) as client:
        client.list_saved_searches()

    # Then the key is sent there, and nowhere else
    sent = route.calls.last.request.headers
    assert sent["Authorization"] == f"Bearer {KEY_ALL}"
    assert "X-API-Key" not in sent


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        pytest.param({}, KEY_ALL, id="default-role-all"),
        pytest.param({"key": "prospecting_read"}, KEY_READ, id="role-prospecting_read"),
        pytest.param({"key": None}, None, id="no-key"),
        pytest.param({"raw_key": "not-a-key"}, "not-a-key", id="raw-invalid-key"),
        pytest.param({"raw_key": ""}, "", id="raw-empty-key"),
    ],
)
def test_which_key_is_sent(
    api: respx.MockRouter,
    client: ProspectingClient,
    kwargs: dict[str, object],
    expected: str | None,
) -> None:
    route = api.get(LIST_PATH).respond(200, json=OK)

    client.list_saved_searches(**kwargs)  # type: ignore[arg-type]

    assert route.calls.last.request.headers.get("X-API-Key") == expected


def test_a_role_without_a_key_is_refused_before_sending(client: ProspectingClient) -> None:
    with pytest.raises(MissingRoleKey, match="PROSPECTING_KEY_PROSPECTS_READ"):
        client.get_prospect("ACwAAA0001", key="prospects_read")
    assert client.rails.requests_sent == 0


@pytest.mark.parametrize("status", [200, 401, 403, 429, 500, 502, 503])
def test_every_status_is_returned_never_raised(
    api: respx.MockRouter, client: ProspectingClient, status: int
) -> None:
    api.get(LIST_PATH).respond(status, json=OK if status == 200 else error("x"))

    # Weather the rails would send again aside (a 429 is waited out: tests/unit/rails)
    observed = client.list_saved_searches(retry_on=frozenset())

    assert observed.status == status
    assert observed.json == (OK if status == 200 else error("x"))


def test_the_five_operations_use_the_spec_paths_and_methods(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    routes = [
        api.get(LIST_PATH).respond(200, json=OK),
        api.post("/v1/accounts/ag-1/prospecting").respond(202, json=OK),
        api.get(JOB_PATH).respond(200, json=OK),
        api.post(f"{JOB_PATH}/cancel").respond(200, json=OK),
        api.get("/v1/accounts/ag-2/prospects/by-provider-id/AC%2F1").respond(200, json=OK),
    ]

    observed = [
        client.list_saved_searches(),
        client.start_job({"source": "sales_navigator", "savedSearchId": "ss-1"}),
        client.get_job("job-1"),
        client.cancel_job("job-1"),
        client.get_prospect("AC/1", account_group_id="ag-2"),
    ]

    assert [o.operation_id for o in observed] == [
        "listSalesNavigatorSavedSearches",
        "startProspectingJob",
        "getProspectingJob",
        "cancelProspectingJob",
        "getProspectByProviderId",
    ]
    assert routes[1].calls.last.request.content == (
        b'{"source":"sales_navigator","savedSearchId":"ss-1"}'
    )
    assert observed[1].exchange.request_body == (
        '{"source":"sales_navigator","savedSearchId":"ss-1"}'
    )


BODY = {"source": "sales_navigator", "savedSearchId": "ss-1"}
Named = Callable[..., Observed]

# Each operation as `request` sends it, where the spec says it goes, and its named method.
OPERATIONS = [
    pytest.param(
        "listSalesNavigatorSavedSearches",
        {},
        ("GET", "/v1/accounts/{group}/sales-navigator/saved-searches"),
        lambda c, **options: c.list_saved_searches(**options),
        id="listSalesNavigatorSavedSearches",
    ),
    pytest.param(
        "startProspectingJob",
        {"json": BODY},
        ("POST", "/v1/accounts/{group}/prospecting"),
        lambda c, **options: c.start_job(BODY, **options),
        id="startProspectingJob",
    ),
    pytest.param(
        "getProspectingJob",
        {"path_params": {"jobId": "job-1"}},
        ("GET", "/v1/accounts/{group}/prospecting/job-1"),
        lambda c, **options: c.get_job("job-1", **options),
        id="getProspectingJob",
    ),
    pytest.param(
        "cancelProspectingJob",
        {"path_params": {"jobId": "job-1"}},
        ("POST", "/v1/accounts/{group}/prospecting/job-1/cancel"),
        lambda c, **options: c.cancel_job("job-1", **options),
        id="cancelProspectingJob",
    ),
    pytest.param(
        "getProspectByProviderId",
        {"path_params": {"providerId": "AC/1"}},
        ("GET", "/v1/accounts/{group}/prospects/by-provider-id/AC%2F1"),
        lambda c, **options: c.get_prospect("AC/1", **options),
        id="getProspectByProviderId",
    ),
]


@pytest.mark.parametrize(("operation_id", "params", "where", "named"), OPERATIONS)
def test_request_sends_each_operation_where_the_spec_says_as_its_named_method_does(
    api: respx.MockRouter,
    client: ProspectingClient,
    operation_id: str,
    params: dict[str, object],
    where: tuple[str, str],
    named: Named,
) -> None:
    # Given the operation's route in another account group
    method, path = where
    route = api.request(method, path.format(group="ag-2")).respond(200, json=OK)
    options = {"key": "prospecting_read", "account_group_id": "ag-2", "headers": {"X-Case": "c"}}

    # When it is sent by its id, then by its name, with the same key, group and headers
    by_id = client.request(operation_id, **params, **options)  # type: ignore[arg-type]
    by_name = named(client, **options)

    # Then both are that operation, and both requests are the same, the role's key included
    assert (by_id.operation_id, by_name.operation_id) == (operation_id, operation_id)
    first, second = (call.request for call in route.calls)
    assert (first.method, first.url, first.content) == (second.method, second.url, second.content)
    assert first.headers == second.headers
    assert (first.headers["X-API-Key"], first.headers["X-Case"]) == (KEY_READ, "c")


def test_a_key_never_appears_in_repr_exchange_or_logs(
    api: respx.MockRouter, client: ProspectingClient, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a server that even echoes the key back in its body
    api.get(LIST_PATH).respond(200, json={**OK, "traceId": f"echo-{KEY_ALL}"})
    caplog.set_level(logging.DEBUG, logger="prospecting_conformance")

    # When a request is made with it
    observed = client.list_saved_searches()

    # Then no output carries it, but the output says which key was used
    outputs = [repr(client), repr(observed.exchange), caplog.text]
    outputs += [str(record.args) for record in caplog.records]
    assert all(KEY_ALL not in output for output in outputs)
    assert "$PROSPECTING_KEY_ALL" in caplog.text
    assert observed.exchange.request_headers["x-api-key"] == "$PROSPECTING_KEY_ALL"
    assert "keys=['all', 'prospecting_read']" in repr(client)


def test_a_raw_key_is_redacted_in_the_exchange(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    api.get(LIST_PATH).respond(401, json=error("unauthorized"))

    observed = client.list_saved_searches(raw_key="sk_test_someone_elses_key")

    assert observed.exchange.request_headers["x-api-key"] == "<redacted>"


def test_a_timeout_is_a_transport_finding_not_a_contract_finding(
    api: respx.MockRouter, client: ProspectingClient, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(JOB_PATH).mock(side_effect=httpx.ReadTimeout("timed out"))
    caplog.set_level(logging.DEBUG, logger="prospecting_conformance")

    with pytest.raises(TransportFailure) as raised:
        client.get_job("job-1")

    finding = raised.value.finding
    assert (finding.rule, finding.family, finding.status) == ("T1", "transport", None)
    assert finding.operation == "getProspectingJob"
    assert finding.message.startswith(
        f"Received no response: GET {BASE_URL}{JOB_PATH} timed out (ReadTimeout: timed out)"
    )
    assert raised.value.__cause__ is None
    assert KEY_ALL not in str(raised.value) + repr(finding) + caplog.text


def test_the_request_budget_stops_the_client_with_a_clear_error(
    api: respx.MockRouter, config: TargetConfig, spec: Spec, clock: FakeClock
) -> None:
    # Given a budget of 5, of which writes keep 3 to settle a job the next request may start
    route = api.get(LIST_PATH).respond(200, json=OK)
    small = dataclasses.replace(config, max_requests=5)

    with client_for(small, spec, clock) as client:
        client.list_saved_searches()
        client.list_saved_searches()
        with pytest.raises(
            RequestBudgetExceeded, match=r"2 of 5 requests sent, 3 kept to settle jobs"
        ):
            client.list_saved_searches()

    assert route.call_count == 2


@pytest.mark.parametrize(
    ("send", "refused"),
    [
        pytest.param(lambda c: c.start_job({"source": "sales_navigator"}), True, id="start"),
        pytest.param(lambda c: c.cancel_job("job-1"), True, id="cancel"),
        pytest.param(lambda c: c.start_job({}, key=None), True, id="start-without-key"),
        pytest.param(lambda c: c.list_saved_searches(), False, id="list"),
        pytest.param(lambda c: c.get_job("job-1"), False, id="get-job"),
    ],
)
def test_without_permission_to_write_no_job_is_started_or_cancelled(
    config: TargetConfig,
    spec: Spec,
    clock: FakeClock,
    send: Callable[[ProspectingClient], Observed],
    refused: bool,
) -> None:
    # Given a target that does not allow writes, and a mock that answers anything
    read_only = dataclasses.replace(config, allow_writes=False)
    with (
        respx.mock(base_url=BASE_URL, assert_all_called=False) as router,
        client_for(read_only, spec, clock) as client,
    ):
        route = router.route().respond(200, json=OK)

        # When the test sends the request
        if refused:
            with pytest.raises(WritesNotAllowed, match="PROSPECTING_ALLOW_WRITES=1"):
                send(client)
        else:
            send(client)

    # Then only reads left the client
    assert route.call_count == (0 if refused else 1)


def test_requests_are_paced_by_the_client_side_rate_limit(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    api.get(LIST_PATH).respond(200, json=OK)

    for _ in range(3):
        client.list_saved_searches()

    # max_rate is 10 requests/s in the test target: one request every 0.1 s (and a margin for
    # the jitter between here and the target), no faster.
    spacing = (1 + JITTER_ALLOWANCE_S) / 10
    assert client.sent_at == pytest.approx([0.0, spacing, 2 * spacing])


@pytest.mark.parametrize(
    ("retry_after", "wait"),
    [
        pytest.param({"Retry-After": "3"}, 3.0, id="honours-Retry-After-3"),
        pytest.param({}, DEFAULT_RETRY_AFTER_S, id="waits-a-default-without-Retry-After"),
        pytest.param({"Retry-After": "soon"}, DEFAULT_RETRY_AFTER_S, id="unreadable-Retry-After"),
    ],
)
def test_a_429_is_sent_again_once_its_retry_after_is_over(
    api: respx.MockRouter,
    client: ProspectingClient,
    clock: FakeClock,
    retry_after: dict[str, str],
    wait: float,
) -> None:
    # Given a target that rate-limits the first request
    api.get(LIST_PATH).mock(
        side_effect=[
            httpx.Response(429, json=error("rate_limited"), headers=retry_after),
            httpx.Response(200, json=OK),
        ]
    )

    # When the client asks
    observed = client.list_saved_searches()

    # Then the rails sent it again exactly Retry-After seconds later (R2), and the test sees
    # the answer, not the weather
    assert observed.status == 200
    assert client.sent_at == [0.0, wait]
    assert clock.sleeps == [wait]
    assert client.rails.weather.retried == {("listSalesNavigatorSavedSearches", 429): 1}


def test_without_retries_the_429_itself_is_returned(
    api: respx.MockRouter, client: ProspectingClient, clock: FakeClock
) -> None:
    api.get(LIST_PATH).mock(
        side_effect=[
            httpx.Response(429, json=error("rate_limited"), headers={"Retry-After": "2"}),
            httpx.Response(200, json=OK),
        ]
    )

    limited = client.request("listSalesNavigatorSavedSearches", retry_on=frozenset())
    after = client.request("listSalesNavigatorSavedSearches", retry_on=frozenset())

    assert (limited.status, after.status) == (429, 200)
    assert client.sent_at == [0.0, 2.0]


@pytest.mark.parametrize(
    ("method", "path", "headers", "sent"),
    [
        pytest.param("get", LIST_PATH, {}, 3, id="a-read-is-sent-again-up-to-3-times"),
        pytest.param("post", JOB_PATH + "/cancel", {}, 3, id="cancel-is-idempotent-by-I8"),
        pytest.param("post", START_PATH, {}, 3, id="a-start-that-named-no-job-is-sent-again"),
        pytest.param(
            "post",
            START_PATH,
            {"Location": JOB_PATH},
            1,
            id="a-start-that-named-a-job-is-never-sent-twice",
        ),
    ],
)
def test_a_502_is_sent_again_only_when_that_is_safe(
    api: respx.MockRouter,
    client: ProspectingClient,
    method: str,
    path: str,
    headers: dict[str, str],
    sent: int,
) -> None:
    route = api.route(method=method.upper(), path=path).mock(
        side_effect=lambda request: httpx.Response(
            502, json=error("upstream_error"), headers=headers
        )
    )
    operation = client.spec.match(method, path)
    assert operation is not None

    observed = client.request(
        operation.operation_id,
        path_params={"jobId": "job-1"} if "jobId" in operation.path_parameters else None,
        json={"source": "sales_navigator", "savedSearchId": "s-1"} if operation.has_body else None,
    )

    assert observed.status == 502
    assert route.call_count == sent
    assert client.rails.weather.persisted == {(operation.operation_id, 502): 1}


def test_observers_see_every_response(api: respx.MockRouter, client: ProspectingClient) -> None:
    api.get(LIST_PATH).mock(
        side_effect=[
            httpx.Response(404, json=error("not_found")),
            httpx.Response(200, json=OK),
        ]
    )
    seen: list[Observed] = []
    client.add_observer(seen.append)

    client.list_saved_searches()
    client.list_saved_searches()

    assert [o.status for o in seen] == [404, 200]


def test_a_relative_location_is_followed_on_the_target(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    route = api.get(JOB_PATH).respond(200, json=OK)

    observed = client.get_url(JOB_PATH)

    assert route.called
    assert observed.operation_id == "getProspectingJob"


def test_a_location_on_another_host_gets_no_key(client: ProspectingClient) -> None:
    with pytest.raises(ForeignURLRefused, match=r"https://evil\.test/job-1"):
        client.get_url("https://evil.test/job-1")
    assert client.rails.requests_sent == 0


def test_a_request_can_leave_out_a_header_httpx_adds_by_default(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    route = api.get(LIST_PATH).respond(200, json=OK)

    client.list_saved_searches(without_headers=("accept",))

    sent = route.calls.last.request.headers
    assert "accept" not in sent
    assert sent["X-API-Key"] == KEY_ALL


def test_a_redirect_is_returned_not_followed(
    api: respx.MockRouter, client: ProspectingClient
) -> None:
    # H3: a 3xx is the API's answer, and a finding; following it would hide it
    api.get(LIST_PATH).respond(307, headers={"Location": LIST_PATH + "/elsewhere"})

    observed = client.list_saved_searches()

    assert observed.status == 307
