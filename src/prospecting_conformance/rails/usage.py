"""How much of its request budget a run used, by layer, and whether it is on course to run out.

The budget is sized by trial unless a run says what it spent: `RequestUsage` is the ledger's
count (every process's, settle's included) at the end of the run, given to the summary, the
terminal and the HTML. `BudgetForecast` watches the tests end and says, as soon as the tests
that have run show it, that the rest will not fit: a release run that will stop INCOMPLETE at
its budget says so in its first minutes, not at its end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["LAYERS", "BudgetForecast", "Layer", "RequestUsage", "layer_of"]

# Where a request comes from: the preflight, schemathesis' generated cases, its stateful
# walk, the hand-written contract tests, and settling the run's jobs at the end.
Layer = Literal["preflight", "generated", "stateful", "contract", "settle"]
LAYERS: tuple[Layer, ...] = ("preflight", "generated", "stateful", "contract", "settle")

# The test functions whose requests are not contract tests' (suite/test_generated.py).
_LAYER_OF_TEST: dict[str, Layer] = {
    "test_generated_cases_conform": "generated",
    "test_stateful_walks_conform": "stateful",
}


def layer_of(nodeid: str) -> Layer:
    """The layer a test's requests count under, from its node id."""
    # An xdist --dist=loadgroup node id ends in "@group" (test_stateful_walks_conform@generated).
    function = nodeid.rsplit("::", 1)[-1].split("[", 1)[0].split("@", 1)[0]
    return _LAYER_OF_TEST.get(function, "contract")


@dataclass(frozen=True)
class RequestUsage:
    """Requests the run sent, in all and by layer, and the budget it had.

    Counted as the rails let each one go, so it can be above what reached the wire, never
    below: a request let go as a spent budget stops the engine may never leave (a witnessed
    run: 27 counted, 26 arrived), and a witnessed run behind a gateway answering 429s and 502s
    counted 1,715 against 1,714 arrivals, a gap not yet explained.
    """

    sent: int = 0
    budget: int = 0
    by_layer: Mapping[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """One line: `1234 of 5000 (generated 800, ...)`, the layers in LAYERS' order."""
        layers = ", ".join(
            f"{layer} {self.by_layer[layer]}" for layer in LAYERS if self.by_layer.get(layer)
        )
        return f"{self.sent} of {self.budget}" + (f" ({layers})" if layers else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "budget": self.budget,
            "byLayer": {layer: self.by_layer[layer] for layer in LAYERS if layer in self.by_layer},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RequestUsage:
        return cls(sent=data["sent"], budget=data["budget"], by_layer=dict(data["byLayer"]))


class BudgetForecast:
    """The requests the tests still to run will need, from what those of their layer needed.

    Each layer's remaining tests are taken to need, on average, what its ended ones did (the
    generated cases of one operation cost much what another's do); a layer none of whose tests
    has ended yet is taken to need what it needed on the reference server (`expected`,
    target/config.PROFILE_REQUEST_NEEDS), so that a run whose budget is short of even that
    hears it before its first test.
    """

    def __init__(self, budget: int, nodeids: Iterable[str], expected: Mapping[str, int]) -> None:
        self.budget = budget
        self.expected = expected
        self.remaining: Counter[Layer] = Counter(layer_of(nodeid) for nodeid in nodeids)
        self.ended: Counter[Layer] = Counter()
        self.warned = False

    def at_start(self, sent_by_layer: Mapping[str, int]) -> str | None:
        """The warning to give before the first test (the preflight has sent `sent_by_layer`),
        if the budget is short of the need."""
        return self._judge(sent_by_layer)

    def test_ended(self, nodeid: str, sent_by_layer: Mapping[str, int]) -> str | None:
        """A test ended, and the run has sent `sent_by_layer` so far: the warning to give, once,
        when the rest is bound to overrun the budget."""
        layer = layer_of(nodeid)
        if self.remaining[layer] > 0:
            self.remaining[layer] -= 1
        self.ended[layer] += 1
        return self._judge(sent_by_layer)

    def _still_needed(self, layer: Layer, sent_by_layer: Mapping[str, int]) -> int:
        if not self.remaining[layer]:
            return 0
        if not self.ended[layer]:
            return self.expected.get(layer, 0)
        return round(sent_by_layer.get(layer, 0) / self.ended[layer] * self.remaining[layer])

    def _judge(self, sent_by_layer: Mapping[str, int]) -> str | None:
        sent = sum(sent_by_layer.values())
        needed = sent + sum(self._still_needed(layer, sent_by_layer) for layer in LAYERS)
        if self.warned or needed <= self.budget:
            return None
        self.warned = True
        return (
            f"request budget: {sent} of {self.budget} sent, and the tests still to run need "
            f"about {needed - sent} more (going by those of their kind that ended, or else by "
            "the reference server): the run will stop INCOMPLETE when the budget is spent; give "
            f"it at least {needed} (--max-requests, PROSPECTING_MAX_REQUESTS)"
        )
