"""The run-wide context: one place that sees every response, from any sender.

The suite's client and the schemathesis layer both hand each response to
`RunContext.judge_and_record`, which applies the envelope and spec rules (the library's
validators, never a second copy), judges every job response against what the run has seen of
that job (the job history), records statuses, traceIds and findings for the reports, and
remembers every job the run started so none is left running at the end.

Observing never raises: a response that breaks an invariant is recorded and the test goes on,
so that one finding (a known issue on every answer, say) never hides another. Whether a test
fails on what it recorded is the pytest layer's call, made once the test has run: only a new
finding fails it (`is_new`: no rule the run skips, nothing the baseline knows).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import unquote, urlsplit

from prospecting_conformance.checks.envelope import TraceIds, check_content_type, check_envelope
from prospecting_conformance.checks.identity import check_identity
from prospecting_conformance.checks.job_history import JobHistory
from prospecting_conformance.checks.schema import check_response
from prospecting_conformance.checks.spelling import check_no_redirect
from prospecting_conformance.core.findings import Finding, FindingKey
from prospecting_conformance.core.observed import Observed
from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.rails.ledger import FileLedgerStore, MemoryLedgerStore
from prospecting_conformance.run.exchanges import ExchangeLog
from prospecting_conformance.run.recorder import Recorder
from prospecting_conformance.spec.model import Spec
from prospecting_conformance.target.config import TargetConfig
from prospecting_conformance.target.settings import ledger_path, run_reports_dir

__all__ = ["RunContext", "rails_for_run"]


def _nothing_known(key: FindingKey) -> bool:
    return False


@dataclass
class RunContext:
    target: TargetConfig
    spec: Spec
    seed: int
    # This process's gate (rails_for_run): every layer that sends from it shares it.
    rails: Rails
    trace_ids: TraceIds = field(default_factory=TraceIds)
    # Whether a finding is a known issue (the run's baseline): recorded, never failing.
    known_issue: Callable[[FindingKey], bool] = _nothing_known
    # Rules this run does not judge (--skip-rule): their findings are not recorded at all.
    skipped_rules: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.redactor = self.target.redactor()
        self.recorder = Recorder(self.rails.weather)
        self.jobs = JobHistory(self.spec, self.target.base_url)
        self.exchanges = ExchangeLog(run_reports_dir())
        # Every finding this run recorded, by identity: a finding raised by the observer
        # reaches the failed test's report too, and is the same object there. Weak, so a
        # finding nobody keeps is forgotten (and its id cannot be mistaken for a new one's).
        self._recorded: weakref.WeakValueDictionary[int, Finding] = weakref.WeakValueDictionary()
        self._recorded_lock = threading.Lock()
        # The open-jobs count this context last wrote to the rails' ledger (None: none yet).
        self._jobs_open_written: int | None = None
        self._jobs_open_lock = threading.Lock()

    def judge_and_record(self, observed: Observed, *, generated: bool = False) -> list[Finding]:
        """Check one response against every envelope and spec rule and record it (never
        raises: a client observer, and the schemathesis checks' first step)."""
        if observed.method == "HEAD":
            # A HEAD answer has no body by definition (RFC 9110 §9.3.2): only its headers can
            # be judged here; U1 judges its status and Allow.
            findings = check_content_type(observed, self.spec)
        elif observed.operation_id in self.spec.operations:
            findings = check_response(observed, self.spec, self.trace_ids)
        else:
            # An undeclared method or path: no operation to hold it to, but the answer is
            # still the API's and still wears the envelope. That it must is I14's inference,
            # whatever the envelope rule says of documented answers.
            findings = [
                replace(finding, provenance_override="inferred")
                for finding in check_envelope(observed, self.spec, self.trace_ids)
            ]
        findings += check_identity(observed, self.spec) + check_no_redirect(observed)
        group = self._account_group(observed.url)
        self.recorder.record_response(observed, group, at=time.monotonic(), generated=generated)
        self.exchanges.add(observed)
        findings += self.jobs.judge(observed, group)
        findings = self.record(findings)
        # The budget keeps a reserve to settle the jobs this process has not seen end.
        self._write_jobs_open()
        return findings

    def _write_jobs_open(self) -> None:
        """Tell the rails how many jobs this process has open, when that changed.

        Only this context writes this process's count, so the ledger holds the latest count
        either way; but each write rewrites the run's shared ledger file under its lock, which
        cost more than judging a response did, and most responses change no job's status.
        The lock keeps two threads' counts from being written in the wrong order.
        """
        with self._jobs_open_lock:
            count = self.recorder.open_jobs
            if count != self._jobs_open_written:
                self.rails.jobs_open(count)
                self._jobs_open_written = count

    def record(self, findings: Iterable[Finding]) -> list[Finding]:
        """Record each finding once, however many layers hand it on (observer, failed test);
        the findings of rules the run skips are dropped. Returns the findings judged."""
        judged = [f for f in findings if f.rule not in self.skipped_rules]
        with self._recorded_lock:
            fresh = [f for f in judged if self._recorded.get(id(f)) is not f]
            for finding in fresh:
                self._recorded[id(finding)] = finding
        self.recorder.record(fresh)
        return judged

    def is_new(self, key: FindingKey) -> bool:
        """A finding that fails its test: judged by this run and not a known issue."""
        return key[0] not in self.skipped_rules and not self.known_issue(key)

    def _account_group(self, url: str) -> str:
        marker = "/v1/accounts/"
        tail = urlsplit(url).path.split(marker, 1)[1] if marker in url else ""
        return unquote(tail.split("/", 1)[0]) or self.target.account_group_id


def rails_for_run(target: TargetConfig) -> Rails:
    """A gate for the run: one more sender on the run's ledger (settings.ledger_path), so that
    xdist workers and the controller share one budget, one rate and every pause; without a
    ledger, this process's memory. The layers that send from one process share one gate
    (plugin/state.process_rails), whose weather that process's recorder carries; settle sends
    on a gate of its own, whose weather is then what settle met.
    """
    path = ledger_path()
    store = FileLedgerStore(path) if path else MemoryLedgerStore()
    return Rails(target, store=store)
