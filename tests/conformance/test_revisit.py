"""L1, L2, L3 on a later look: every job this process has seen is still there, as it was.

Some regressions need time or a second look: a job forgotten once it ended, progress lost
in an archive, a cancelled job that a worker resumes. No poll a test makes right away shows
them. This test runs after the others and looks again at every job the run has seen; the
job history (RunContext.jobs, through the client's observer) judges each answer against
everything seen of that job before, and names its history.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from prospecting_conformance.checks.job_history import JobRecord
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import ConformanceError, Finding, raise_for_findings
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.target.config import TargetConfig


def _credentials(target: TargetConfig, record: JobRecord) -> dict[str, Any] | None:
    """The key that reaches the job's account group, or None when the target has none."""
    if record.account_group_id == target.account_group_id:
        return {"key": "all"}
    if record.account_group_id == target.foreign_account_group_id and target.foreign_key_all:
        return {"key": "foreign_all"}
    return None


def test_every_job_seen_is_still_there_as_it_was(
    api: ProspectingClient, run_context: RunContext, target: TargetConfig
) -> None:
    records = [r for r in run_context.jobs.jobs() if _credentials(target, r) is not None]
    if not records:
        pytest.skip("this process saw no job: writes are off, or the jobs ran in another worker")

    def look_again(record: JobRecord) -> list[Finding]:
        try:
            observed = api.get_job(
                record.job_id,
                account_group_id=record.account_group_id,
                **(_credentials(target, record) or {}),
            )
        except ConformanceError as judged:
            return judged.findings  # the job history's verdict on this answer
        why = f"Looked again at job {record.job_id!r} (seen as: {record.story()})"
        return check_status(observed, "L2", 200, why)

    # One look per job, several at once across a network (the target's concurrency).
    at_once = target.concurrency_for(run_context.recorder.typical_answer_s())
    with ThreadPoolExecutor(at_once) as pool:
        found = [finding for findings in pool.map(look_again, records) for finding in findings]
    raise_for_findings(found)
