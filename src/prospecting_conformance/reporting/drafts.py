"""One Markdown regression draft per root cause, ready to paste into the bug tracker.

A root cause is one (rule, operation, status): however many generated cases broke the same
rule on the same operation with the same status, QA files it once. Never grouped by traceId:
a target that repeats traceIds (a known issue of its own) would merge unrelated findings into
one draft.

The draft's reproduction is a short script of the exchanges that led to the finding, ids
captured from the responses, so that it replays on a fresh server; for an embedded run,
whose server stopped with it, the draft first starts one with the same faults.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from pathlib import Path

from prospecting_conformance.core.findings import (
    BODY_EXCERPT_CHARS,
    Exchange,
    Finding,
    FindingKey,
)
from prospecting_conformance.core.rules import Provenance, rule
from prospecting_conformance.reporting.curl import BASE_URL_VAR, replay_script
from prospecting_conformance.reporting.document import ReportedFinding, Summary
from prospecting_conformance.run.replay import Step

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


def root_causes(findings: Sequence[ReportedFinding]) -> list[list[ReportedFinding]]:
    """Findings grouped by root cause (rule, operation, status), in the summary's order."""
    groups: dict[FindingKey, list[ReportedFinding]] = {}
    for entry in findings:
        groups.setdefault(entry.finding.key, []).append(entry)
    return list(groups.values())


def severity(provenance: Provenance) -> str:
    if provenance == "documented":
        return "Release blocker: the documented contract is broken."
    return "Confirm with the API team: the broken rule is our inference where the docs are silent."


def draft_filename(number: int, finding: Finding) -> str:
    operation = re.sub(r"[^A-Za-z0-9_-]+", "-", finding.operation).strip("-")
    return f"{number:03d}-{finding.rule}-{operation}.md"


def rerun_command(summary: Summary, nodeid: str, reports_dir: str) -> str:
    """Re-run one test with the run's seed, into its own reports folder: the run's
    `regressions/`, which QA is pasting from, stays as it is.

    The test is named by its module in the suite (`cli.py` finds it in the package), so the
    line works wherever the package is installed, not only beside the checkout it ran from.
    """
    path, sep, test = nodeid.partition("::")
    words = ["prospecting-conformance", "run", Path(path).name + sep + test]
    words += ["--profile", summary.profile, "--seed", str(summary.seed)]
    words += ["--reports-dir", reports_dir]
    for fault in summary.target.faults:
        words += ["--reference-fault", fault]
    return shlex.join(words)


def start_server_commands(faults: Sequence[str]) -> str:
    """Start the reference server with the run's faults on a fixed port, and load its env."""
    words = ["prospecting-conformance", "reference", "--port", str(REPLAY_PORT)]
    for fault in faults:
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


def render_draft(summary: Summary, cause: Sequence[ReportedFinding], number: int = 1) -> str:
    """The draft for one root cause: one or more findings of one response."""
    first = cause[0]
    finding = first.finding
    tests = sorted(first.recorded.tests)
    lines = _heading(summary, cause)
    tickets = sorted({f.ticket for f in cause if f.ticket})
    if tickets:
        lines.append(f"- **Known issue:** {', '.join(tickets)}")
    lines += ["", "## Expected", ""]
    lines += [f"{f.finding.rule}: {rule(f.finding.rule).statement}." for f in cause]
    lines += ["", "## Actual", ""]
    lines += [f.finding.message for f in cause]
    if finding.exchange:
        lines += _reproduction(summary, first, finding.exchange)
        lines += _response_excerpt(finding.exchange)
    if tests:
        lines += [
            "",
            "## Re-run only this test",
            "",
            "```sh",
            rerun_command(summary, tests[0], f"reports/rerun-{number:03d}"),
            "```",
            "",
            "From a checkout, without installing: `tox -e conformance --` and the same "
            "arguments after `run`.",
        ]
    return "\n".join(lines) + "\n"


def _heading(summary: Summary, cause: Sequence[ReportedFinding]) -> list[str]:
    """The title and the facts a tracker's fields want: severity, rules, where, how often."""
    first = cause[0]
    finding = first.finding
    status = finding.status if finding.status is not None else "no response"
    rules = ", ".join(f.finding.rule for f in cause)
    titles = "; ".join(rule(f.finding.rule).title for f in cause)
    seen_in = ", ".join(sorted(first.recorded.tests)) or "the run"
    return [
        f"# [{rules}] {finding.operation} -> {status}: {titles}",
        "",
        f"- **Severity:** {severity(_most_severe(cause).provenance)}",
        *[
            f"- **Rule:** {f.finding.rule} ({f.finding.family}, {f.finding.provenance})"
            for f in cause
        ],
        f"- **Operation:** {finding.operation}",
        f"- **Status:** {status}",
        f"- **traceId:** `{finding.trace_id or 'none'}`",
        f"- **Seen:** {first.recorded.count} time(s) in {seen_in}",
        f"- **Target:** {summary.target.base_url}"
        + (" (embedded reference server)" if summary.target.embedded else ""),
    ]


def _response_excerpt(exchange: Exchange) -> list[str]:
    lines = ["", "## Response excerpt", "", "```http", f"HTTP {exchange.status}"]
    lines += [f"{name}: {value}" for name, value in exchange.response_headers.items()]
    lines.append("")
    body = (exchange.response_body or "")[:BODY_EXCERPT_CHARS]
    lines += body.splitlines()[:BODY_LINES]
    lines.append("```")
    return lines


def _reproduction(summary: Summary, entry: ReportedFinding, exchange: Exchange) -> list[str]:
    steps = entry.recorded.steps or [Step(entry.finding.operation, 0, exchange)]
    target = summary.target
    lines = [""]
    if target.embedded:
        lines += [
            "## Start the reference server",
            "",
            "The run's own server stopped with it. This starts one with the same faults on "
            f"port {REPLAY_PORT} (the `prospecting-conformance` command of the installed package; "
            "in a checkout, `.tox/conformance/bin/` holds it) and loads its URL and demo keys:",
            "",
            "```sh",
            start_server_commands(target.faults),
            "```",
            "",
        ]
    else:
        lines += [
            f"Set `{BASE_URL_VAR}` (the run's was {target.base_url}) and the key "
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
        replay_script(steps, target.base_url),
        "```",
    ]
    return lines


def _most_severe(cause: Sequence[ReportedFinding]) -> Finding:
    return next(
        (f.finding for f in cause if f.finding.provenance == "documented"), cause[0].finding
    )
