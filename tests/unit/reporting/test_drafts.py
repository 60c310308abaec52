"""Regression drafts: one per root cause, named for it, ready to paste into the tracker.

Findings one response broke together (same operation, same traceId) are one bug, so one
draft lists every rule; the draft says how severe it is, where it was seen, and how to
reproduce it on a fresh server or on the run's own target.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from prospecting_conformance.core.findings import Finding
from prospecting_conformance.reporting.document import ReportedFinding, Summary, Target
from prospecting_conformance.reporting.drafts import (
    draft_filename,
    render_draft,
    rerun_command,
    root_causes,
)
from prospecting_conformance.run.record import RecordedFinding


def _reported(rule: str, operation: str, trace_id: str | None) -> ReportedFinding:
    finding = Finding(rule, operation, f"{rule} broken", 200, trace_id)
    return ReportedFinding(RecordedFinding(finding, 1, {"t::x"}), new=True)


L2_POLL = _reported("L2", "getProspectingJob", "t-1")
L3_SAME_POLL = _reported("L3", "getProspectingJob", "t-1")
L2_OTHER_POLL = _reported("L2", "getProspectingJob", "t-2")
S3_START = _reported("S3", "startProspectingJob", "t-1")
NO_TRACE_A = _reported("E1", "getProspectingJob", None)
NO_TRACE_B = _reported("E2", "getProspectingJob", None)


@pytest.mark.parametrize(
    ("findings", "causes"),
    [
        pytest.param([], [], id="no-findings-no-drafts"),
        pytest.param(
            [L2_POLL, L3_SAME_POLL],
            [[L2_POLL], [L3_SAME_POLL]],
            id="one-traceId-two-rules-two-causes",
        ),
        pytest.param(
            [L2_POLL, S3_START],
            [[L2_POLL], [S3_START]],
            id="a-repeated-traceId-merges-nothing",
        ),
        pytest.param(
            [L2_POLL, L2_OTHER_POLL], [[L2_POLL, L2_OTHER_POLL]], id="same-rule-operation-status"
        ),
        pytest.param(
            [NO_TRACE_A, NO_TRACE_B], [[NO_TRACE_A], [NO_TRACE_B]], id="without-trace-each-apart"
        ),
        pytest.param(
            [L2_POLL, L3_SAME_POLL, L2_OTHER_POLL],
            [[L2_POLL, L2_OTHER_POLL], [L3_SAME_POLL]],
            id="in-the-summarys-order-of-first-finding",
        ),
    ],
)
def test_findings_grouped_by_root_cause(
    findings: list[ReportedFinding], causes: list[list[ReportedFinding]]
) -> None:
    assert root_causes(findings) == causes


@pytest.mark.parametrize(
    ("number", "rule", "operation", "name"),
    [
        pytest.param(1, "L4", "cancelProspectingJob", "001-L4-cancelProspectingJob.md", id="plain"),
        pytest.param(12, "U1", "DELETE /v1/jobs", "012-U1-DELETE-v1-jobs.md", id="path-made-safe"),
    ],
)
def test_a_draft_is_named_for_its_number_rule_and_operation(
    number: int, rule: str, operation: str, name: str
) -> None:
    assert draft_filename(number, Finding(rule, operation, "m")) == name


def test_the_rerun_command_replays_one_test_with_the_runs_seed_and_faults(
    faulted_summary: Summary,
) -> None:
    summary = replace(faulted_summary, target=Target("http://x", True, ("a_fault", "b_fault")))

    assert rerun_command(
        summary, "tests/conformance/test_x.py::test_x[case 1]", "reports/rerun-001"
    ) == (
        "prospecting-conformance run 'test_x.py::test_x[case 1]' --profile quick --seed 7 "
        "--reports-dir reports/rerun-001 --reference-fault a_fault --reference-fault b_fault"
    )


def test_a_draft_for_an_embedded_run(faulted_summary: Summary) -> None:
    [l4_cause, _] = root_causes(faulted_summary.findings)

    draft = render_draft(faulted_summary, l4_cause, 1)

    lines = draft.splitlines()
    assert lines[0] == "# [L4] cancelProspectingJob -> 409: cancel again: 200 (idempotent)"
    assert "- **Rule:** L4 (lifecycle, inferred)" in lines
    assert "- **Seen:** 2 time(s) in t::cancel" in lines
    assert "- **Target:** http://127.0.0.1:8080 (embedded reference server)" in lines
    assert "## Start the reference server" in lines
    assert "prospecting-conformance reference --port 8080 --fault cancel_not_idempotent" in draft
    assert "Known issue" not in draft
    assert lines[-4] == (
        "prospecting-conformance run t::cancel --profile quick --seed 7 "
        "--reports-dir reports/rerun-001 --reference-fault cancel_not_idempotent"
    )


def test_a_draft_for_a_live_target_says_which_variables_to_set(faulted_summary: Summary) -> None:
    summary = replace(faulted_summary, target=Target("https://staging.example", False))
    [l4_cause, _] = root_causes(summary.findings)

    draft = render_draft(summary, l4_cause, 1)

    assert "Set `PROSPECTING_BASE_URL` (the run's was https://staging.example)" in draft
    assert "## Start the reference server" not in draft
    assert "- **Target:** https://staging.example\n" in draft


def test_a_known_findings_draft_names_its_ticket(faulted_summary: Summary) -> None:
    [_, p1_cause] = root_causes(faulted_summary.findings)

    draft = render_draft(faulted_summary, p1_cause, 2)

    assert "- **Known issue:** PROSP-1" in draft.splitlines()
    assert "## Reproduce" not in draft


@pytest.mark.parametrize(
    ("cause", "title", "severity"),
    [
        pytest.param(
            [L2_POLL],
            "# [L2] getProspectingJob -> 200: polling: enum statuses",
            "Confirm with the API team",
            id="inferred-rule-to-confirm",
        ),
        pytest.param(
            [L2_POLL, L3_SAME_POLL],
            "# [L2, L3] getProspectingJob -> 200: "
            "polling: enum statuses; cancel a running job: 200 cancelled",
            "Release blocker: the documented contract is broken.",
            id="one-documented-rule-makes-the-cause-a-blocker",
        ),
    ],
)
def test_a_causes_title_lists_its_rules_and_its_severity_is_the_worst(
    faulted_summary: Summary, cause: list[ReportedFinding], title: str, severity: str
) -> None:
    lines = render_draft(faulted_summary, cause).splitlines()

    assert lines[0].startswith(title)
    assert lines[2].startswith(f"- **Severity:** {severity}")
