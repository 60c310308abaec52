"""Contract-testing and API conformance suite for the Prospecting API.

The library works without pytest: the rules, the client, the validators and the poller are
plain Python; `prospecting_conformance.plugin` is the thin layer that wires them into pytest.
What a user of the library imports is exported here; importing it starts no server and
imports no pytest.
"""

from prospecting_conformance.checks.envelope import check_envelope
from prospecting_conformance.checks.lifecycle import JobTracker
from prospecting_conformance.checks.schema import check_response
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.client.errors import (
    MissingRoleKey,
    ProspectingClientError,
    TransportFailure,
)
from prospecting_conformance.core.findings import ConformanceError, Exchange, Finding
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.core.redaction import Redactor
from prospecting_conformance.core.rules import RULES, Rule, rule
from prospecting_conformance.core.secret import Secret
from prospecting_conformance.rails.gate import RequestBudgetExceeded, WritesNotAllowed
from prospecting_conformance.spec.model import OperationSpec, Spec, load_spec
from prospecting_conformance.target.config import TargetConfig, TargetConfigError

__version__ = "0.1.0"

__all__ = [
    "RULES",
    "ConformanceError",
    "Exchange",
    "Finding",
    "JobTracker",
    "MissingRoleKey",
    "Observed",
    "OperationSpec",
    "ProspectingClient",
    "ProspectingClientError",
    "Redactor",
    "RequestBudgetExceeded",
    "Rule",
    "Secret",
    "Spec",
    "TargetConfig",
    "TargetConfigError",
    "TransportFailure",
    "WritesNotAllowed",
    "__version__",
    "check_envelope",
    "check_response",
    "load_spec",
    "rule",
]
