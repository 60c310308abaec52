"""schemathesis sends through the rails: its cases, its auth probes and its engine's sessions.

schemathesis sends some requests (auth probes, the stateful phase and its capability
probes) outside any session the suite could hand it, so the rails' requests adapter goes on
at the points it cannot avoid: a schema whose transport mounts the adapter on whatever session
it uses, and the engine's own session factory while the stateful phase runs.

A schema is built before its run exists (the generated tests are made at collection), so its
transport sends for a run only while one is bound (`sending_for`): the run's rails, and the
run context our checks report to (`run_of`). Unbound, it sends nothing.

The wire witness selftests (tests/selftest/test_rails_on_the_wire.py) count what reaches the
target through a recording proxy: an upgrade of schemathesis that opens a new path around
these points shows there.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import requests
from schemathesis.engine import context as engine_context
from schemathesis.transport.requests import REQUESTS_TRANSPORT, RequestsTransport

from prospecting_conformance.rails.gate import Rails
from prospecting_conformance.rails.wire import RailsAdapter, mount_rails
from prospecting_conformance.run.context import RunContext

__all__ = ["last_response", "railed_engine_sessions", "railed_schema", "run_of", "sending_for"]

# The last response this thread's railed transport received: the evidence of a check that
# failed on a probe it sent itself (an auth probe), not on the case it was handed.
_last = threading.local()


def last_response() -> Any | None:
    """The response the railed transport last received in this thread, if any."""
    return getattr(_last, "response", None)


class _Bound:
    """The run a railed transport sends for: its context, adapter and session."""

    def __init__(self, run: RunContext, *, in_worker_thread: bool) -> None:
        self.run = run
        self.adapter = RailsAdapter(run.rails, in_worker_thread=in_worker_thread)
        self.session = mount_rails(requests.Session(), self.adapter)


class _RailedTransport(RequestsTransport):
    """schemathesis' requests transport with the rails' adapter on whatever session it uses.

    Without a session (generated cases, and the auth probes, which drop the run's session on
    purpose) it would open a plain one; the run's own railed session stands in for it.
    """

    def __init__(self) -> None:
        super().__init__()
        # Serializers are registered on schemathesis' own transport object: share its registry
        # (the same dict), so every media type it can send, this one can.
        self._serializers = REQUESTS_TRANSPORT._serializers
        self.bound: _Bound | None = None

    def send(self, case: Any, *, session: requests.Session | None = None, **kwargs: Any) -> Any:
        bound = self.bound
        if bound is None:
            raise RuntimeError("this schema sends for no run: bind one with sending_for")
        # requests follows redirects unless told not to: a 3xx is the API's answer (H3), and
        # the checks must see it, not whatever it pointed at.
        kwargs.setdefault("allow_redirects", False)
        if session is None:
            session = bound.session
        elif not isinstance(session.get_adapter("http://"), RailsAdapter):
            mount_rails(session, bound.adapter)
        response = _last.response = super().send(case, session=session, **kwargs)
        return response


def railed_schema(schema: Any) -> Any:
    """`schema`, sending through the rails of the run bound to it; its clones (include,
    exclude) do too.

    schemathesis reads a schema's transport from a property of its class and clones a schema
    through `self.__class__`, so the one place that holds for every request and every clone is
    a subclass that answers the railed transport.
    """
    transport = _RailedTransport()
    railed = type(
        f"Railed{type(schema).__name__}",
        (type(schema),),
        {"transport": property(lambda self: transport)},
    )
    schema.__class__ = railed
    return schema


@contextmanager
def sending_for(schema: Any, run: RunContext, *, in_worker_thread: bool = False) -> Iterator[None]:
    """While open, `schema` (a `railed_schema`, and its clones) sends through `run`'s rails,
    and our checks judge its answers for `run`; then it sends for the run bound before (a
    pytest session run inside another, a test of the plugin, gives the outer one back).

    `in_worker_thread`: the schema sends from schemathesis' engine threads (the stateful
    phase), where a spent budget must be an ordinary error, also for the requests the
    engine sends without its session (the auth probes)."""
    transport: _RailedTransport = schema.transport
    bound = _Bound(run, in_worker_thread=in_worker_thread)
    previous, transport.bound = transport.bound, bound
    try:
        yield
    finally:
        transport.bound = previous


def run_of(case: Any) -> RunContext:
    """The run `case`'s schema sends for: the context a check reports what it judged to."""
    bound = getattr(case.operation.schema.transport, "bound", None)
    if bound is None:
        raise RuntimeError("the case's schema sends for no run: bind one with sending_for")
    run: RunContext = bound.run
    return run


@contextmanager
def railed_engine_sessions(rails: Rails) -> Iterator[None]:
    """While open, every session schemathesis' engine makes sends through the rails.

    The engine builds its sessions, and the capability probes it sends before a phase, with
    `engine.context.make_session`, looked up at call time; it offers no other way in.
    """
    adapter = RailsAdapter(rails, in_worker_thread=True)
    make_session = engine_context.make_session

    def railed_make_session(*args: Any, **kwargs: Any) -> requests.Session:
        return mount_rails(make_session(*args, **kwargs), adapter)

    with mock.patch.object(engine_context, "make_session", railed_make_session):
        yield
