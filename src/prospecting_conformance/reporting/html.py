"""The self-contained HTML report: one file that opens offline, rendered by Jinja2."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from prospecting_conformance.core.findings import Exchange, FindingKey
from prospecting_conformance.core.rules import RULES
from prospecting_conformance.reporting.curl import curl_command
from prospecting_conformance.reporting.drafts import severity

__all__ = ["render_html"]

_environment = Environment(
    loader=PackageLoader("prospecting_conformance.reporting", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The template reads the summary as summary.json has it, so its names are the document's.
_environment.filters["curl"] = lambda exchange: curl_command(Exchange.from_dict(exchange))
_environment.filters["severity"] = lambda finding: severity(finding["provenance"])


def render_html(
    document: Mapping[str, Any],
    mutation: Mapping[str, Any] | None = None,
    drafts: Mapping[FindingKey, str] | None = None,
) -> str:
    """`document` is the summary as summary.json has it (`Summary.to_dict`, built once for
    both); `mutation` is the mutation matrix's own document (mutation.json), when there is
    one; `drafts` names each finding's draft in `regressions/`, which the report links to."""
    findings = [
        {**f, "draft": (drafts or {}).get((f["rule"], f["operation"], f["status"]))}
        for f in document["findings"]
    ]
    by_rule = [
        (RULES[rule], list(group)) for rule, group in groupby(findings, key=lambda f: f["rule"])
    ]
    return _environment.get_template("report.html.j2").render(
        summary=document, by_rule=by_rule, mutation=mutation
    )
