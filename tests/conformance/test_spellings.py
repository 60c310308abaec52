"""H1: a request spelled another way RFC 9110 makes equivalent gets the canonical answer.

Every other test sends `Content-Type: application/json` and the key header as configured, the
one spelling httpx writes; clients, proxies and other stacks write others. An API that
compares the media type verbatim (`application/json; charset=utf-8` is then a 400) or a
header name case-sensitively goes unseen without these. The valid body comes from the spec's
link into the operation, read from our own group's answer; the canonical request is sent
once per operation, and each spelling must get its status.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from prospecting_conformance.checks.spelling import (
    JSON_SPELLINGS,
    check_same_answer,
    header_name_spellings,
)
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.plugin.fixtures import SkipUnlessWritable
from prospecting_conformance.run.probes import Probe
from prospecting_conformance.spec.links import Link, body_links, linked_body
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import TargetConfig

SPEC = load_spec()
BODY_LINKS = {link.target.operation_id: link for link in body_links(SPEC)}
OPERATIONS = sorted(SPEC.operations)
# A header name spelled otherwise: the spellings depend on the target's configured name.
HEADER_SPELLINGS = ["lower-case", "upper-case"]

Canonical = Callable[[Link], tuple[str, Observed]]


def _send_body(api: ProspectingClient, link: Link, content: str, media_type: str) -> Observed:
    return api.request(
        link.target.operation_id, content=content, headers={"Content-Type": media_type}
    )


@pytest.fixture(scope="module")
def canonical(api: ProspectingClient) -> Canonical:
    """`canonical(link)`: the valid body the link builds, and its answer with the canonical
    media type, sent once per module."""
    answers: dict[str, tuple[str, Observed]] = {}

    def answer(link: Link) -> tuple[str, Observed]:
        if link.name not in answers:
            source = api.request(link.source.operation_id)
            raise_for_findings(
                check_status(source, "H1", 200, f"Asked {link.source.operation_id} for a body")
            )
            body: Any = linked_body(link, source)
            if None in body.values():
                pytest.skip(f"{link.source.operation_id} named nothing to build a body from")
            content = json.dumps(body)
            answers[link.name] = content, _send_body(api, link, content, "application/json")
        return answers[link.name]

    return answer


@pytest.mark.parametrize("spelling", JSON_SPELLINGS)
@pytest.mark.parametrize("operation_id", sorted(BODY_LINKS))
def test_the_media_type_spelled_otherwise_gets_the_same_answer(
    api: ProspectingClient,
    skip_unless_writable: SkipUnlessWritable,
    canonical: Canonical,
    operation_id: str,
    spelling: str,
) -> None:
    skip_unless_writable(operation_id)
    link = BODY_LINKS[operation_id]
    content, expected = canonical(link)

    observed = _send_body(api, link, content, JSON_SPELLINGS[spelling])

    sent = f"Content-Type {JSON_SPELLINGS[spelling]!r}"
    raise_for_findings(check_same_answer(observed, expected, sent))


@pytest.mark.parametrize("spelling", HEADER_SPELLINGS)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_the_key_header_spelled_otherwise_gets_the_same_answer(
    probe: Probe, target: TargetConfig, operation_id: str, spelling: str
) -> None:
    credential = target.credential("all")
    assert credential is not None, "the preflight insists on the all-scopes key"
    name = header_name_spellings(target.auth_header).get(spelling)
    if name is None:
        pytest.skip(f"the configured header {target.auth_header!r} is already {spelling}")
    expected = probe(operation_id)

    observed = probe(operation_id, key=None, headers={name: credential})

    raise_for_findings(check_same_answer(observed, expected, f"the key in header {name!r}"))
