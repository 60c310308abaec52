"""S1-S4 and the envelope on generated cases: schemathesis drives the spec against the target.

Positive, negative and coverage cases per operation (with writes on, half of those that name
a job name one the run started), then the stateful phase that follows the spec's links
(list -> start -> get/cancel). The gates at the end fail the run when generated
cases never got past the API's guards, or when a link was never followed: a fuzz run that
only ever saw 401/403/404 proves nothing. A link the walk missed only for a job's timing is
followed on purpose first (fuzz/on_purpose.py): a slow network is not the API's fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.fuzz.loading import fuzz_schema
from prospecting_conformance.fuzz.on_purpose import follow_on_purpose, timed_links
from prospecting_conformance.fuzz.reachability import reachability
from prospecting_conformance.fuzz.stateful import links_never_followed, run_stateful
from prospecting_conformance.fuzz.transport import sending_for
from prospecting_conformance.plugin.fixtures import Progress
from prospecting_conformance.run.context import RunContext
from prospecting_conformance.run.jobs import start_body
from prospecting_conformance.spec.links import spec_links
from prospecting_conformance.spec.model import load_spec
from prospecting_conformance.target.settings import run_seed, run_target

# The controller exported the target before collection, so the schema can be built here and
# give one test per operation; it sends for the run once the run is bound to it (railed).
# Its cases name a job the run started half of the time (filled in by `railed`).
known_job_ids: list[str] = []
schema = fuzz_schema(run_target(), load_spec(), run_seed(), known_job_ids=known_job_ids)

# Under xdist, each group on one worker, in this order: the reachability gate reads what the
# generated cases recorded, the link gate what the walks followed. Apart, the two overlap
# their waits across a network.
GENERATED = pytest.mark.xdist_group("generated")
STATEFUL = pytest.mark.xdist_group("stateful")


@pytest.fixture(scope="module")
def railed(run_context: RunContext, api: ProspectingClient) -> Iterator[None]:
    """The generated cases pass the run's rails like the client's requests do, and our checks
    judge their answers for the run; with writes on, they may name a job of the run's."""
    target = run_context.target
    if target.allow_writes and target.saved_search_id and not known_job_ids:
        # Not insisting on L1 here: the client's checks judge this start, and a start that
        # names no job leaves the cases only the ids they draw.
        started = api.start_job(start_body(target.saved_search_id)).data
        if started is not None and isinstance(started.get("id"), str):
            known_job_ids.append(started["id"])
    with sending_for(schema, run_context):
        yield


@GENERATED
@schema.parametrize()
def test_generated_cases_conform(case: Any, railed: None) -> None:
    case.call_and_validate()


@STATEFUL
@pytest.mark.usefixtures("writes")
def test_stateful_walks_conform(
    run_context: RunContext, api: ProspectingClient, progress: Progress
) -> None:
    if run_context.recorder.typical_answer_s() is None:
        # First on its xdist worker: one harmless answer says how fast the target answers,
        # and so how many walks run at once (TargetConfig.concurrency_for).
        api.list_saved_searches()
    # What the walks' responses broke is recorded as they go; the plugin fails this test on
    # whatever of it is new. Here: the failures the engine could not name a rule for.
    run = run_stateful(run_context, progress=progress)
    print(
        f"stateful scenarios: {run.scenarios} in {run.walks} walk(s) at once, "
        f"links followed: {len(run.links_covered)}"
    )
    assert not run.failures, "\n".join(run.failures)


@STATEFUL
@pytest.mark.usefixtures("writes")
def test_every_link_was_followed(run_context: RunContext, api: ProspectingClient) -> None:
    declared = spec_links(run_context.spec)
    recorder = run_context.recorder
    print(f"stateful links covered: {len(recorder.links_covered & declared)}/{len(declared)}")
    # A link the walk missed only because its jobs ended before its cancel (a slow network)
    # is followed on purpose, from a job of the slow saved search (fuzz/on_purpose.py).
    timed = timed_links(run_context.spec)
    for link_id in links_never_followed(run_context.spec, recorder.links_covered):
        if link_id in timed and follow_on_purpose(api, timed[link_id]):
            print(f"followed on purpose: {link_id}")
            recorder.cover_link(link_id)
    never = links_never_followed(run_context.spec, recorder.links_covered)
    if never and set(never) <= set(timed) and api.config.slow_saved_search_id is None:
        pytest.skip(
            f"links not covered: {never}: the walk's jobs ended before its cancel reached them, "
            "and the target names no slow saved search to follow them on purpose "
            "(PROSPECTING_SLOW_SAVED_SEARCH_ID)"
        )
    assert not never, f"links never followed: {never}"


@GENERATED
def test_generated_cases_reached_every_operation(run_context: RunContext) -> None:
    reaches = reachability(
        run_context.spec, run_context.target, run_context.recorder.generated_statuses
    )
    for reach in reaches:
        print(reach.summary)
    problems = [reach.problem for reach in reaches if reach.problem]
    assert not problems, "\n".join(problems)
