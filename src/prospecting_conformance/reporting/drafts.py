"""One Markdown regression draft per root cause, ready to paste into the bug tracker.

A finding is one (rule, operation, status): however many generated cases broke the same rule
on the same operation with the same status, QA files it once. Findings that one response
broke together (the same operation and traceId, say L2 and L3 on one poll of a job that
ignored its cancel) are one root cause, hence one draft listing every rule.

The draft's reproduction is a short script of the exchanges that led to the finding, ids
captured from the responses, so that it replays on a fresh server; for an embedded run,
whose server stopped with it, the draft first starts one with the same faults.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from prospecting_conformance.reporting.curl import BASE_URL_VAR, replay_script

__all__ = [
    "REPLAY_PORT",
    "draft_filename",
    "render_draft",
    "rerun_command",
    "root_causes",
    "severity",
]

BODY_LINES = 40
# The port a draft starts the reference server on: fixed, so the script can be pasted as is.
REPLAY_PORT = 8080
REPLAY_ENV_FILE = "replay.env"


def root_causes(findings: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """Findings grouped by root cause (operation and traceId), in the summary's order."""
    groups: dict[tuple[str, str] | int, list[Mapping[str, Any]]] = {}
    for index, finding in enumerate(findings):
        trace = finding.get("traceId")
        key: tuple[str, str] | int = (finding["operation"], trace) if trace else index
        groups.setdefault(key, []).append(finding)
    return list(groups.values())


def severity(finding: Mapping[str, Any]) -> str:
    if finding["provenance"] == "documented":
        return "Release blocker: the documented contract is broken."
    return "Confirm with the API team: the broken rule is our inference where the docs are silent."


def draft_filename(number: int, finding: Mapping[str, Any]) -> str:
    operation = re.sub(r"[^A-Za-z0-9_-]+", "-", finding["operation"]).strip("-")
    return f"{number:03d}-{finding['rule']}-{operation}.md"


def rerun_command(summary: Mapping[str, Any], nodeid: str, reports_dir: str) -> str:
    """Re-run one test with the run's seed, into its own reports folder: the run's
    `regressions/`, which QA is pasting from, stays as it is."""
    words = ["python", "-m", "pytest", nodeid, "--profile", summary["profile"]]
    words += ["--seed", str(summary["seed"]), "--reports-dir", reports_dir]
    for fault in summary["target"]["faults"]:
        words += ["--reference-fault", fault]
    return shlex.join(words)


def start_server_commands(summary: Mapping[str, Any]) -> str:
    """Start the reference server with the run's faults on a fixed port, and load its env."""
    words = ["python", "-m", "prospecting_conformance.reference", "--port", str(REPLAY_PORT)]
    for fault in summary["target"]["faults"]:
        words += ["--fault", fault]
    words += ["--env-file", REPLAY_ENV_FILE]
    return "\n".join(
        [
            f"rm -f {REPLAY_ENV_FILE}",
            # Its banner would mix with the responses: it goes to a log instead.
            shlex.join(words) + " > replay-server.log 2>&1 &",
            f"until [ -s {REPLAY_ENV_FILE} ]; do sleep 0.1; done",
            f". ./{REPLAY_ENV_FILE}",
        ]
    )


def render_draft(
    summary: Mapping[str, Any], cause: Sequence[Mapping[str, Any]], number: int = 1
) -> str:
    """The draft for one root cause: one or more findings of one response."""
    finding = cause[0]
    exchange = finding.get("exchange")
    status = finding["status"] if finding["status"] is not None else "no response"
    rules = ", ".join(f["rule"] for f in cause)
    statements = "; ".join(f["statement"] for f in cause)
    lines = [
        f"# [{rules}] {finding['operation']} -> {status}: {statements}",
        "",
        f"- **Severity:** {severity(_most_severe(cause))}",
        *[f"- **Rule:** {f['rule']} ({f['family']}, {f['provenance']})" for f in cause],
        f"- **Operation:** {finding['operation']}",
        f"- **Status:** {status}",
        f"- **traceId:** `{finding['traceId'] or 'none'}`",
        f"- **Seen:** {finding['count']} time(s) in {', '.join(finding['tests']) or 'the run'}",
        f"- **Target:** {summary['target']['baseUrl']}"
        + (" (embedded reference server)" if summary["target"]["embedded"] else ""),
    ]
    tickets = sorted({f["ticket"] for f in cause if f.get("ticket")})
    if tickets:
        lines.append(f"- **Known issue:** {', '.join(tickets)}")
    lines += ["", "## Expected", ""]
    lines += [f"{f['rule']}: {f['statement']}." for f in cause]
    lines += ["", "## Actual", ""]
    lines += [f["message"] for f in cause]
    if exchange:
        lines += _reproduction(summary, finding)
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
            rerun_command(summary, finding["tests"][0], f"reports/rerun-{number:03d}"),
            "```",
        ]
    return "\n".join(lines) + "\n"


def _reproduction(summary: Mapping[str, Any], finding: Mapping[str, Any]) -> list[str]:
    steps = finding.get("steps") or [
        {"operation": finding["operation"], "afterSeconds": 0, "exchange": finding["exchange"]}
    ]
    lines = [""]
    if summary["target"]["embedded"]:
        lines += [
            "## Start the reference server",
            "",
            "The run's own server stopped with it. This starts one with the same faults on "
            f"port {REPLAY_PORT} (from the project, installed with `python -m pip install -e .`) "
            "and loads its URL and demo keys:",
            "",
            "```sh",
            start_server_commands(summary),
            "```",
            "",
        ]
    else:
        lines += [
            f"Set `{BASE_URL_VAR}` (the run's was {summary['target']['baseUrl']}) and the key "
            "variables the commands name, then paste.",
            "",
        ]
    what = f"{len(steps)} request(s), the last one shows the finding"
    lines += [
        "## Reproduce",
        "",
        f"{what}:",
        "",
        "```sh",
        replay_script(steps, summary["target"]["baseUrl"]),
        "```",
    ]
    return lines


def _most_severe(cause: Sequence[Mapping[str, Any]]) -> Mapping[str, Any]:
    return next((f for f in cause if f["provenance"] == "documented"), cause[0])
