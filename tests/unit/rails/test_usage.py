"""What a run spent of its request budget, by layer, and the early word that it will run out.

The forecast reads the tests as they end: each layer's remaining tests are taken to cost what
its ended ones did, and a layer with none ended what it cost on the reference server.
"""

from __future__ import annotations

import pytest

from prospecting_conformance.rails.usage import BudgetForecast, RequestUsage, layer_of

GENERATED = "tests/conformance/test_generated.py::test_generated_cases_conform[GET /v1/x]"
STATEFUL = "tests/conformance/test_generated.py::test_stateful_walks_conform"
CONTRACT = "tests/conformance/test_auth.py::test_a_missing_key_is_refused[list]"


@pytest.mark.parametrize(
    ("nodeid", "layer"),
    [
        pytest.param(GENERATED, "generated", id="a-generated-case-of-one-operation"),
        pytest.param(STATEFUL, "stateful", id="the-stateful-walk"),
        pytest.param(
            f"{STATEFUL}@generated", "stateful", id="the-stateful-walk-in-an-xdist-loadgroup"
        ),
        pytest.param(f"{GENERATED}@generated", "generated", id="a-generated-case-in-its-group"),
        pytest.param(
            "prospecting_conformance/suite/test_generated.py::test_every_link_was_followed",
            "contract",
            id="a-hand-written-test-beside-them",
        ),
        pytest.param(CONTRACT, "contract", id="a-contract-test"),
    ],
)
def test_a_tests_requests_count_under_its_layer(nodeid: str, layer: str) -> None:
    assert layer_of(nodeid) == layer


def test_usage_reads_as_one_line_in_the_layers_order() -> None:
    usage = RequestUsage(
        sent=112, budget=2000, by_layer={"settle": 3, "generated": 100, "preflight": 1, "x": 8}
    )

    assert usage.describe() == "112 of 2000 (preflight 1, generated 100, settle 3)"
    assert RequestUsage.from_dict(usage.to_dict()).describe() == usage.describe()


def test_a_run_whose_ended_tests_show_the_rest_will_not_fit_is_warned_once() -> None:
    # Given ten generated tests and a contract test, and a budget of 100
    forecast = BudgetForecast(100, [GENERATED] * 10 + [CONTRACT], {"contract": 0})

    # When two generated tests have ended having sent 12 each: 24 sent, 96 to come
    first = forecast.test_ended(GENERATED, {"preflight": 1, "generated": 12})
    second = forecast.test_ended(GENERATED, {"preflight": 1, "generated": 24})
    third = forecast.test_ended(GENERATED, {"preflight": 1, "generated": 36})

    # Then the first sees 1 + 12 + 9 * 12 = 121 > 100 at once, and nothing is said again
    assert first is not None
    assert "13 of 100 sent" in first
    assert "give it at least 121" in first
    assert second is None
    assert third is None


def test_a_run_that_fits_its_budget_is_not_warned() -> None:
    forecast = BudgetForecast(200, [GENERATED] * 10 + [STATEFUL], {"stateful": 90})

    said = [forecast.test_ended(GENERATED, {"generated": 10 * n}) for n in range(1, 11)]

    assert forecast.at_start({}) is None
    assert said == [None] * 10


def test_a_layer_none_of_whose_tests_has_ended_needs_what_it_did_on_the_reference_server() -> None:
    # The stateful walk is one test: until it ends, only the reference server's figure says
    # what it will need.
    forecast = BudgetForecast(1000, [GENERATED, STATEFUL], {"generated": 10, "stateful": 900})

    assert forecast.at_start({}) is None
    assert forecast.test_ended(GENERATED, {"generated": 150}) is not None


def test_a_budget_short_of_the_reference_servers_need_is_told_before_the_first_test() -> None:
    forecast = BudgetForecast(1000, [GENERATED, STATEFUL], {"generated": 300, "stateful": 900})

    warning = forecast.at_start({"preflight": 1})

    assert warning is not None
    assert "1 of 1000 sent" in warning
    assert "give it at least 1201" in warning
