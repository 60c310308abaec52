"""A7: a request in our group whose body names another group's resource is 404 (I9, I11).

A4 keeps our key out of the other group's paths; here the path is ours and only the body
names their resource, which a store that looks ids up across groups then serves (a job over
their saved search) or betrays (403: it exists, but not for you). Each link of the spec that
carries a value from an answer into a request body is followed from the foreign group's own
answer, read with its key, into a request in our group, with our key.
"""

from __future__ import annotations

from typing import Any

import pytest

from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import raise_for_findings
from prospecting_conformance.plugin.fixtures import RequireKey, RequireSetting, SkipUnlessWritable
from prospecting_conformance.spec.links import Link, body_links, linked_body
from prospecting_conformance.spec.model import load_spec

LINKS = [pytest.param(link, id=link.name) for link in body_links(load_spec())]


@pytest.mark.parametrize("link", LINKS)
def test_a_body_naming_the_foreign_groups_resource_is_404(
    api: ProspectingClient,
    require_setting: RequireSetting,
    require_key: RequireKey,
    skip_unless_writable: SkipUnlessWritable,
    link: Link,
) -> None:
    skip_unless_writable(link.source.operation_id)
    skip_unless_writable(link.target.operation_id)
    foreign_group = require_setting("foreign_account_group_id")
    require_key("foreign_all")

    # Given what the foreign group's own answer names
    theirs = api.request(
        link.source.operation_id, key="foreign_all", account_group_id=foreign_group
    )
    why = f"Asked {link.source.operation_id} in the foreign group {foreign_group!r}"
    raise_for_findings(check_status(theirs, "A7", 200, why))
    body: Any = linked_body(link, theirs)
    if None in body.values():
        pytest.skip(f"the foreign group's {link.source.operation_id} named nothing")

    # When our key sends it in our own group
    observed = api.request(link.target.operation_id, json=body)

    # Then it is not there for us
    why = (
        f"Sent {link.target.operation_id} in our group with {body!r}, read from the foreign "
        f"group's {link.source.operation_id}"
    )
    raise_for_findings(check_status(observed, "A7", 404, why))
