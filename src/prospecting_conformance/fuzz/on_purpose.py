"""Links the stateful walk can miss for timing alone, followed on purpose.

A cancel answers 200 only while its job still runs. The walk starts its jobs from the first
saved search, a fast one, and on a target far from the runner (hundreds of milliseconds a
round trip) every such job has ended before the walk's cancel reaches it: the cancel answers
409, rightly, and the link from a cancel's 200 is never followed. That is the network's speed,
not the API's fault, so the link gate must not fail on it (docs/contract.md §4). Instead the run
follows such a link itself: a job from the target's slow saved search, still running when its
cancel arrives, and the link's request built from that 200 as the spec's link says. Only a
link the walk missed, and only one whose source answer depends on a job's timing: a link that
no timing explains still fails the gate.
"""

from __future__ import annotations

from typing import Any

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.spec.links import Link, declared_links
from prospecting_conformance.spec.model import Spec

__all__ = ["TIMED_SOURCES", "follow_on_purpose", "timed_links"]

# (operation, status) answers that only a job still running gets.
TIMED_SOURCES = frozenset({("cancelProspectingJob", "200")})


def timed_links(spec: Spec) -> dict[str, Link]:
    """The links whose source answer depends on a job's timing, by id."""
    return {
        link.id: link
        for link in declared_links(spec)
        if (link.source.operation_id, link.status) in TIMED_SOURCES
    }


def follow_on_purpose(api: ProspectingClient, link: Link) -> bool:
    """Follow `link` from a cancel of a job of the slow saved search; whether it was followed.

    False when the target names no slow saved search, or when the job or its cancel did not
    give the answer the link starts from (the rules have judged those answers already).
    """
    saved_search = api.config.slow_saved_search_id
    if saved_search is None:
        return False
    started = api.start_job({"source": "sales_navigator", "savedSearchId": saved_search})
    job_id = (started.data or {}).get("id")
    if started.status != 202 or not isinstance(job_id, str):
        return False
    cancelled = api.cancel_job(job_id)
    if str(cancelled.status) != link.status:
        return False
    parameters = _link_parameters(api.spec, link, cancelled, api.config.account_group_id)
    if parameters is None:
        return False
    group = parameters.pop("accountGroupId", api.config.account_group_id)
    api.request(link.target.operation_id, path_params=parameters, account_group_id=group)
    return True


def _link_parameters(spec: Spec, link: Link, source: Observed, group: str) -> dict[str, str] | None:
    """The link's path parameters, read from the source answer as its expressions say (None if
    one of them names nothing there)."""
    declared = spec.raw_operation(link.source)["responses"][link.status]["links"][link.name]
    values = {}
    for name, expression in declared.get("parameters", {}).items():
        value = _evaluate(str(expression), source, group)
        if value is None:
            return None
        values[name] = value
    return values


def _evaluate(expression: str, source: Observed, group: str) -> str | None:
    """An OpenAPI runtime expression of the two forms the spec's links use (the source request
    went to the target's own `group`)."""
    if expression == "$request.path.accountGroupId":
        return group
    prefix = "$response.body#/"
    if not expression.startswith(prefix):
        return None
    node: Any = source.body
    for part in expression.removeprefix(prefix).split("/"):
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, str) else None
