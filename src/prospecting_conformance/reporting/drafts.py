"""One Markdown regression draft per distinct failure, ready to paste into the bug tracker.

Distinct means one (rule, operation, status): however many generated cases broke the same
rule on the same operation with the same status, QA files it once.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from typing import Any

from prospecting_conformance.findings import Exchange
from prospecting_conformance.reporting.curl import curl_command

__all__ = ["draft_filename", "render_draft", "rerun_command", "severity"]

BODY_LINES = 40


def severity(finding: Mapping[str, Any]) -> str:
    if finding["provenance"] == "documented":
        return "Release blocker: the documented contract is broken."
    return "Confirm with the API team: the broken rule is our inference where the docs are silent."


def draft_filename(number: int, finding: Mapping[str, Any]) -> str:
    operation = re.sub(r"[^A-Za-z0-9_-]+", "-", finding["operation"]).strip("-")
    return f"{number:03d}-{finding['rule']}-{operation}.md"


def rerun_command(summary: Mapping[str, Any], nodeid: str) -> str:
    words = ["python", "-m", "pytest", nodeid, "--profile", summary["profile"]]
    words += ["--seed", str(summary["seed"])]
    for fault in summary["target"]["faults"]:
        words += ["--reference-fault", fault]
    return shlex.join(words)


def render_draft(summary: Mapping[str, Any], finding: Mapping[str, Any]) -> str:
    exchange = finding.get("exchange")
    status = finding["status"] if finding["status"] is not None else "no response"
    lines = [
        f"# [{finding['rule']}] {finding['operation']} -> {status}: {finding['statement']}",
        "",
        f"- **Severity:** {severity(finding)}",
        f"- **Rule:** {finding['rule']} ({finding['family']}, {finding['provenance']})",
        f"- **Operation:** {finding['operation']}",
        f"- **Status:** {status}",
        f"- **traceId:** `{finding['traceId'] or 'none'}`",
        f"- **Seen:** {finding['count']} time(s) in {', '.join(finding['tests']) or 'the run'}",
        f"- **Target:** {summary['target']['baseUrl']}"
        + (" (embedded reference server)" if summary["target"]["embedded"] else ""),
    ]
    if finding.get("ticket"):
        lines.append(f"- **Known issue:** {finding['ticket']}")
    lines += [
        "",
        "## Expected",
        "",
        f"{finding['rule']}: {finding['statement']}.",
        "",
        "## Actual",
        "",
        finding["message"],
    ]
    if exchange:
        lines += ["", "## Reproduce", "", "```sh", curl_command(Exchange(**exchange)), "```"]
        lines += ["", "## Response excerpt", "", "```http"]
        lines.append(f"HTTP {exchange['status']}")
        lines += [f"{name}: {value}" for name, value in exchange["response_headers"].items()]
        lines.append("")
        body = exchange.get("response_body") or ""
        lines += body.splitlines()[:BODY_LINES]
        lines.append("```")
    if finding["tests"]:
        lines += [
            "",
            "## Re-run only this test",
            "",
            "```sh",
            rerun_command(summary, finding["tests"][0]),
            "```",
        ]
    return "\n".join(lines) + "\n"
