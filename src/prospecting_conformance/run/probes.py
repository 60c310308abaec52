"""A request to any operation that changes nothing: the tests that vary how a request is
spelled or negotiated (H1, H2) need a canonical request to every operation to vary.

It sends no body (a start answers 400) and a job id no target has (404), so it starts or
cancels nothing even on a broken API; the provider id is the target's own when it has one,
so the look-up answers its 200.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Unpack
from urllib.parse import quote

from prospecting_conformance.client.api import OperationOptions, ProspectingClient
from prospecting_conformance.core.observed import Observed

__all__ = ["PROBE_JOB_ID", "Probe", "probe_url", "probe_values", "send_probe"]

# `probe(operation_id, **options)`, as the contract tests' fixture offers it.
Probe = Callable[..., Observed]
PROBE_JOB_ID = "no-such-job-probe-0000000000"
PROBE_PROVIDER_ID = "no-such-provider-probe"


def probe_values(api: ProspectingClient) -> dict[str, str]:
    """The probe's path values: our own group, a job no target has, the target's provider."""
    return {
        "accountGroupId": api.config.account_group_id,
        "jobId": PROBE_JOB_ID,
        "providerId": api.config.provider_id or PROBE_PROVIDER_ID,
    }


def send_probe(
    api: ProspectingClient, operation_id: str, **options: Unpack[OperationOptions]
) -> Observed:
    """The operation's harmless request, sent with `options` (a key, headers)."""
    operation = api.spec.operation(operation_id)
    values = probe_values(api)
    params = {name: values[name] for name in operation.path_parameters if name in values}
    return api.request(operation_id, path_params=params, **options)


def probe_url(api: ProspectingClient, template: str) -> str:
    """The target's URL of a path template (a route spelled otherwise, a path the API does
    not have), its parameters filled with the probe's values, percent-encoded."""
    path = template
    for name, value in probe_values(api).items():
        path = path.replace("{" + name + "}", quote(value, safe=""))
    return api.config.base_url.rstrip("/") + path
