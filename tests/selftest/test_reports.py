"""The reports a conformance run leaves behind tell CI, release managers and QA the truth.

CI gates on summary.json, release managers on the baseline, QA pastes regression drafts into the
bug tracker: a report that is malformed, misses a finding, files one twice, hands QA a curl
command that does not reproduce, or leaks a key, fails them silently. These tests run the real
suite (quick profile) against the embedded server with two injected faults, and judge what it
writes: the summary against reports/summary.schema.json, one draft per distinct failure, a curl
reproduction replayed against a fresh faulted server, the HTML report, the baseline gate
(known, new and fixed findings) and the absence of every demo key from every output.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

from prospecting_conformance.core.findings import FindingKey
from prospecting_conformance.core.rules import FAMILIES, RULES
from prospecting_conformance.reference import FAULTS, ReferenceServer, seed
from prospecting_conformance.reporting.baseline import Baseline
from prospecting_conformance.reporting.summary import RunFacts, build_summary
from prospecting_conformance.run.record import RunRecord
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.config import PROFILES
from prospecting_conformance.target.embedded import demo_target_config

if TYPE_CHECKING:
    from conftest import SuiteRun, SuiteRunner

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "reports" / "summary.schema.json"

# What each switched-on fault must produce: (rule, operation, status). The faulted run in
# conftest.py switches on exactly these faults.
EXPECTED = {
    "cancel_not_idempotent": ("L4", "cancelProspectingJob", 409),
    "provider_lookup_returns_other_prospect": ("S5", "getProspectByProviderId", 200),
}
FAULT_PARAMS = [pytest.param(name, key, id=name) for name, key in EXPECTED.items()]

# A fault the runs never switch on; a baseline entry for what it would break is "fixed".
ABSENT_FAULT = "cancel_completed_job_allowed"
STALE_ENTRY = {
    "rule": FAULTS[ABSENT_FAULT].caught_by[0],
    "operation": "cancelProspectingJob",
    "ticket": "PROSP-303",
}
TICKET = "PROSP-101"
MERGE_TICKET = "PROSP-202"

DRAFT_HEADING = re.compile(
    r"^# \[(?P<rule>\w+)\] (?P<operation>\S+) -> (?P<status>\d+|no response):"
)
DRAFT_NAME = re.compile(r"^(?P<number>\d{3})-(?P<rule>[A-Z]\d+)-(?P<operation>[A-Za-z0-9_-]+)\.md$")
CURL_BLOCK = re.compile(r"## Reproduce\n\n[^\n]*\n\n```sh\n(?P<command>.*?)\n```", re.DOTALL)
FINDING_DIV = re.compile(
    r'<div class="finding" data-rule="(?P<rule>[^"]*)" data-operation="(?P<operation>[^"]*)">'
    r"(?P<body>.*?)</div>",
    re.DOTALL,
)


def finding_key(finding: Mapping[str, Any]) -> FindingKey:
    return (finding["rule"], finding["operation"], finding["status"])


def schema_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
        for e in schema_validator().iter_errors(document)
    ]


def drafts_of(run: SuiteRun) -> list[Path]:
    return sorted((run.reports_dir / "regressions").glob("*.md"))


def draft_key(draft: Path) -> FindingKey:
    heading = draft.read_text(encoding="utf-8").splitlines()[0]
    match = DRAFT_HEADING.match(heading)
    assert match, f"{draft.name}: unexpected heading {heading!r}"
    status = None if match["status"] == "no response" else int(match["status"])
    return (match["rule"], match["operation"], status)


# --- the schema ------------------------------------------------------------------------------


def test_summary_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("pointer", "library"),
    [
        pytest.param(("$defs", "rule", "enum"), set(RULES), id="rule-ids"),
        pytest.param(("$defs", "family", "enum"), set(FAMILIES.values()), id="families"),
        pytest.param(
            ("$defs", "provenance", "enum"), {"documented", "inferred", "ours"}, id="provenances"
        ),
        pytest.param(("properties", "profile", "enum"), set(PROFILES), id="profiles"),
    ],
)
def test_summary_schema_enums_match_the_library(
    pointer: tuple[str, ...], library: set[str]
) -> None:
    node: Any = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    for part in pointer:
        node = node[part]

    assert set(node) == library


def test_summary_of_a_clean_run_validates() -> None:
    """build_summary's pass path (no finding, no failure) fits the schema too."""
    # Given a run that saw nothing wrong
    facts = RunFacts(
        base_url="http://127.0.0.1:8080",
        embedded=True,
        faults=(),
        profile="quick",
        seed=1,
        started_at="2026-01-01T00:00:00+00:00",
        finished_at="2026-01-01T00:00:05+00:00",
        command="python -m pytest tests/conformance",
    )
    record = RunRecord(statuses={"getProspectByProviderId": Counter({200: 2, 404: 1})})

    # When it is summarised
    summary = build_summary(facts, record, load_spec(), Baseline()).to_dict()

    # Then it passes and fits the schema
    assert summary["verdict"] == "pass"
    assert schema_errors(summary) == []


def test_schema_rejects_an_unknown_verdict(faulted_run: SuiteRun) -> None:
    """The schema is not a rubber stamp: a summary with a made-up verdict does not validate."""
    summary = {**faulted_run.summary, "verdict": "mostly-fine"}

    assert any(e.startswith("verdict:") for e in schema_errors(summary))


# --- the faulted run -------------------------------------------------------------------------


def test_faulted_run_fails_and_its_summary_validates(faulted_run: SuiteRun) -> None:
    summary = faulted_run.summary

    assert faulted_run.returncode == 1, faulted_run.explain()
    assert summary["verdict"] == "fail"
    assert sorted(summary["target"]["faults"]) == sorted(EXPECTED)
    assert schema_errors(summary) == []


def test_summary_lists_exactly_the_faults_findings(faulted_run: SuiteRun) -> None:
    keys = [finding_key(f) for f in faulted_run.summary["findings"]]

    assert sorted(keys) == sorted(EXPECTED.values()), faulted_run.explain()


@pytest.mark.parametrize(("fault", "expected_key"), FAULT_PARAMS)
def test_each_faults_finding_is_new_and_names_its_rule(
    faulted_run: SuiteRun, fault: str, expected_key: FindingKey
) -> None:
    findings = {finding_key(f): f for f in faulted_run.summary["findings"]}

    finding = findings[expected_key]
    assert finding["rule"] in FAULTS[fault].caught_by
    assert finding["new"] is True
    assert finding["ticket"] is None
    assert finding["traceId"], "a finding must carry the server's traceId"
    assert finding["exchange"]["status"] == expected_key[2]


def test_regressions_hold_one_draft_per_distinct_failure(faulted_run: SuiteRun) -> None:
    # Given the distinct failures of the summary
    distinct = {finding_key(f) for f in faulted_run.summary["findings"]}

    # When the drafts are read back
    drafts = drafts_of(faulted_run)
    draft_keys = [draft_key(d) for d in drafts]

    # Then there is one draft per distinct failure, no more, no fewer, none twice
    assert len(drafts) == len(distinct) == len(EXPECTED)
    assert sorted(draft_keys) == sorted(distinct)
    numbers = []
    for draft, key in zip(drafts, draft_keys, strict=True):
        name = DRAFT_NAME.match(draft.name)
        assert name, f"unexpected draft file name {draft.name}"
        assert (name["rule"], name["operation"]) == key[:2]
        numbers.append(int(name["number"]))
    assert numbers == list(range(1, len(drafts) + 1))


@pytest.mark.parametrize(("fault", "expected_key"), FAULT_PARAMS)
def test_each_draft_names_its_failure(
    faulted_run: SuiteRun, fault: str, expected_key: FindingKey
) -> None:
    finding = next(f for f in faulted_run.summary["findings"] if finding_key(f) == expected_key)
    draft = next(d for d in drafts_of(faulted_run) if draft_key(d) == expected_key)
    text = draft.read_text(encoding="utf-8")

    assert f"- **traceId:** `{finding['traceId']}`" in text
    assert f"--reference-fault {fault}" in text  # the re-run command switches the fault on
    assert CURL_BLOCK.search(text), "the draft has no curl reproduction"


# --- the curl reproduction -------------------------------------------------------------------


def _curl_status_and_body(output: str) -> tuple[int, dict[str, Any]]:
    """Split `curl -i` output into the status and the JSON body."""
    head, _, body = output.replace("\r\n", "\n").partition("\n\n")
    status_line = head.splitlines()[0]
    match = re.match(r"HTTP/[\d.]+ (\d{3})", status_line)
    assert match, f"not an HTTP response: {output[:300]!r}"
    return int(match[1]), json.loads(body)


@pytest.fixture(scope="module")
def lookup_draft(faulted_run: SuiteRun) -> tuple[str, str]:
    """The provider-id look-up draft's curl command, and the provider id it asks for."""
    key = EXPECTED["provider_lookup_returns_other_prospect"]
    draft = next(d for d in drafts_of(faulted_run) if draft_key(d) == key)
    block = CURL_BLOCK.search(draft.read_text(encoding="utf-8"))
    assert block, f"{draft.name} has no curl reproduction"
    command = block["command"]
    requested = re.search(r"/by-provider-id/([^/'\"\s]+)", command)
    assert requested, command
    return command, requested[1]


@pytest.mark.parametrize(
    ("faults", "with_keys", "reproduced"),
    [
        pytest.param(
            ("provider_lookup_returns_other_prospect",), True, "other", id="faulted-server"
        ),
        # Controls: the same command is a faithful probe, not one that always "fails".
        pytest.param((), True, "same", id="clean-server"),
        pytest.param(
            ("provider_lookup_returns_other_prospect",), False, "unauthorized", id="no-key-env"
        ),
    ],
)
def test_draft_curl_command_reproduces_the_failure(
    faulted_run: SuiteRun,
    lookup_draft: tuple[str, str],
    faults: tuple[str, ...],
    with_keys: bool,
    reproduced: str,
) -> None:
    # Given a fresh reference server (with or without the fault) and the draft's command
    command, requested = lookup_draft
    assert faulted_run.summary["target"]["baseUrl"] not in command  # the run's port is gone
    with ReferenceServer(faults=faults) as server:
        keys = demo_target_config(server.base_url).secrets() if with_keys else {}
        assert all(re.fullmatch(r"PROSPECTING_(FOREIGN_)?KEY_\w+", name) for name in keys)
        assert set(keys.values()) <= set(seed.DEMO_KEYS)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}

        # When QA pastes it, pointed at the new server, with the keys in the environment
        result = subprocess.run(
            ["bash", "-c", command],
            env={**env, **keys, "PROSPECTING_BASE_URL": server.base_url},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )

    # Then it reproduces what the draft reports (and only where the fault is on)
    assert result.returncode == 0, result.stderr
    status, body = _curl_status_and_body(result.stdout)
    if reproduced == "unauthorized":
        assert (status, body["error"]["code"]) == (401, "unauthorized")
        return
    assert status == EXPECTED["provider_lookup_returns_other_prospect"][2]
    if reproduced == "other":
        assert body["data"]["providerId"] != requested
    else:
        assert body["data"]["providerId"] == requested


# --- the HTML report -------------------------------------------------------------------------


def test_html_report_shows_every_finding(faulted_run: SuiteRun) -> None:
    html = (faulted_run.reports_dir / "report.html").read_text(encoding="utf-8")
    shown = [(m["rule"], m["operation"], m["body"]) for m in FINDING_DIV.finditer(html)]

    findings = faulted_run.summary["findings"]
    assert len(shown) == len(findings)
    for finding in findings:
        bodies = [b for r, o, b in shown if (r, o) == (finding["rule"], finding["operation"])]
        assert len(bodies) == 1, f"{finding_key(finding)} shown {len(bodies)} times"
        assert f"<code>{finding['traceId']}</code>" in bodies[0]
        assert f"<b>{finding['operation']}</b> → {finding['status']}" in bodies[0]
        assert f'id="rule-{finding["rule"]}"' in html


# --- the baseline gate -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_baseline(faulted_run: SuiteRun, suite_runner: SuiteRunner) -> dict[str, Any]:
    """The baseline the CLI writes from the faulted run's summary."""
    return suite_runner.baseline(faulted_run, TICKET)


def partial_baseline(cli_baseline: dict[str, Any]) -> dict[str, Any]:
    """The CLI's baseline hand-edited down to the cancel finding alone."""
    rule, operation, _ = EXPECTED["cancel_not_idempotent"]
    return {
        "entries": [
            e for e in cli_baseline["entries"] if (e["rule"], e["operation"]) == (rule, operation)
        ]
    }


@pytest.fixture(scope="module")
def baseline_runs(
    cli_baseline: dict[str, Any],
    suite_runner: SuiteRunner,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, SuiteRun]:
    """Two runs with the same faults, overlapping: a partial baseline and a full one."""
    root = tmp_path_factory.mktemp("baseline-runs")
    baselines = {
        "partial": partial_baseline(cli_baseline),
        # Both findings, plus an entry for a fault that is not switched on.
        "full": {"entries": [*cli_baseline["entries"], STALE_ENTRY]},
    }
    started = {}
    for name, baseline in baselines.items():
        path = root / f"{name}-baseline.json"
        path.write_text(json.dumps(baseline), encoding="utf-8")
        reports = root / name / "reports"
        started[name] = (suite_runner.start(reports, tuple(EXPECTED), path), reports)
    return {name: suite_runner.finish(proc, reports) for name, (proc, reports) in started.items()}


def test_baseline_cli_accepts_every_distinct_finding(cli_baseline: dict[str, Any]) -> None:
    entries = cli_baseline["entries"]

    assert sorted((e["rule"], e["operation"], e["status"]) for e in entries) == sorted(
        EXPECTED.values()
    )
    assert {e["ticket"] for e in entries} == {TICKET}


def test_partial_baseline_still_fails_on_the_other_finding(
    baseline_runs: dict[str, SuiteRun],
) -> None:
    run = baseline_runs["partial"]
    findings = {finding_key(f): f for f in run.summary["findings"]}
    known = findings[EXPECTED["cancel_not_idempotent"]]
    new = findings[EXPECTED["provider_lookup_returns_other_prospect"]]

    assert run.returncode == 1, run.explain()
    assert run.summary["verdict"] == "fail"
    assert run.summary["reasons"] == ["1 new finding(s)"]
    assert (known["new"], known["ticket"]) == (False, TICKET)
    assert (new["new"], new["ticket"]) == (True, None)
    assert run.summary["fixed"] == []


def test_full_baseline_passes_and_reports_both_as_known(
    baseline_runs: dict[str, SuiteRun],
) -> None:
    run = baseline_runs["full"]
    findings = run.summary["findings"]

    assert run.returncode == 0, run.explain()
    assert run.summary["verdict"] == "pass"
    assert sorted(finding_key(f) for f in findings) == sorted(EXPECTED.values())
    assert [(f["new"], f["ticket"]) for f in findings] == [(False, TICKET)] * len(EXPECTED)
    for finding in findings:
        assert f"known [{finding['rule']}] {finding['operation']} ({TICKET})" in run.stdout


def test_baseline_entry_for_a_fault_not_switched_on_is_fixed(
    baseline_runs: dict[str, SuiteRun],
) -> None:
    run = baseline_runs["full"]

    assert ABSENT_FAULT not in run.summary["target"]["faults"]
    assert run.summary["fixed"] == [STALE_ENTRY]
    assert f"fixed [{STALE_ENTRY['rule']}] {STALE_ENTRY['operation']}" in run.stdout


@pytest.fixture(scope="module")
def merged_run(
    cli_baseline: dict[str, Any],
    baseline_runs: dict[str, SuiteRun],
    suite_runner: SuiteRunner,
    tmp_path_factory: pytest.TempPathFactory,
) -> SuiteRun:
    """The partial baseline updated by the CLI's --merge from the run it failed, then the same
    faults run again with it: what a release manager does when a release brings a new issue."""
    root = tmp_path_factory.mktemp("merged")
    path = root / "baseline.json"
    path.write_text(json.dumps(partial_baseline(cli_baseline)), encoding="utf-8")
    summary = baseline_runs["partial"].reports_dir / "summary.json"
    merged = subprocess.run(
        [sys.executable, "-m", "prospecting_conformance", "baseline", str(summary),
         "--ticket", MERGE_TICKET, "--merge", str(path)],
        cwd=suite_runner.root, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert merged.returncode == 0, merged.stderr
    reports = root / "reports"
    return suite_runner.finish(suite_runner.start(reports, tuple(EXPECTED), path), reports)


def test_a_merged_baseline_keeps_the_old_ticket_and_passes_with_the_new_issue(
    merged_run: SuiteRun,
) -> None:
    tickets = {finding_key(f): f["ticket"] for f in merged_run.summary["findings"]}

    assert merged_run.returncode == 0, merged_run.explain()
    assert tickets == {
        EXPECTED["cancel_not_idempotent"]: TICKET,
        EXPECTED["provider_lookup_returns_other_prospect"]: MERGE_TICKET,
    }


@pytest.mark.parametrize("name", ["partial", "full"])
def test_baseline_run_summaries_validate(baseline_runs: dict[str, SuiteRun], name: str) -> None:
    assert schema_errors(baseline_runs[name].summary) == []


# --- redaction -------------------------------------------------------------------------------


def test_no_demo_key_in_any_report_or_output(faulted_run: SuiteRun) -> None:
    # Given every file the failing run wrote, and what it printed
    files = sorted(p for p in faulted_run.reports_dir.rglob("*") if p.is_file())
    names = {p.relative_to(faulted_run.reports_dir).as_posix() for p in files}
    drafts = {f"regressions/{d.name}" for d in drafts_of(faulted_run)}
    assert {"junit.xml", "summary.json", "report.html"} <= names
    assert len(drafts) == len(EXPECTED)
    assert drafts <= names
    # The keys were sent: the reports name the variable that holds one instead.
    assert any("$PROSPECTING_KEY_" in (faulted_run.reports_dir / d).read_text() for d in drafts)
    sources = {name: (faulted_run.reports_dir / name).read_bytes() for name in names}
    sources["<stdout>"] = faulted_run.stdout.encode()
    sources["<stderr>"] = faulted_run.stderr.encode()
    assert len(seed.DEMO_KEYS) >= 6

    # When each is searched for each demo key
    leaks = [
        (name, key)
        for name, content in sources.items()
        for key in seed.DEMO_KEYS
        if key.encode() in content
    ]

    # Then none is found
    assert leaks == []
