"""The variation catalogue: named ways a conformant deployment differs from the reference server.

Faults (faults/) are regressions the suite must catch; variations are the opposite: what a
real staging does that the contract allows (a gateway compresses, a framework orders members
its own way, an upstream hiccups now and then). The suite must stay silent on every one of
them (the false-alarm score, docs/contract.md §4 "Conformant variations"), or a CI gate built on it
gets switched off.

Each variation says in one line what a real deployment does and why the contract allows it.
The layers that apply them are `gateway.py` (transport, representation, weather: an ASGI
middleware around the app), the store's settings (timing: `vary_settings`) and uvicorn's
configuration (`uvicorn_overrides`). The selftests probe each one over HTTP, on and off.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, Literal, get_args

from prospecting_conformance.reference.catalogue import Switches, resolve_names
from prospecting_conformance.reference.settings import ReferenceSettings

__all__ = [
    "BODY_REWRITES",
    "VARIATIONS",
    "VARIATION_NAMES",
    "ActiveVariations",
    "Variation",
    "VariationKind",
    "VariationName",
    "describe_variations",
    "resolve_variations",
    "uuid_id",
    "uvicorn_overrides",
    "vary_settings",
]

VariationKind = Literal["transport", "representation", "timing", "weather"]
# The variations that parse the JSON body and write it again (gateway_body.py).
BodyRewrite = Literal[
    "members_reordered",
    "pretty_printed",
    "extra_data_fields",
    "empty_details_omitted",
    "uuid_ids",
    "timestamp_offsets",
]
VariationName = Literal[
    # transport
    "gzip_when_accepted",
    "chunked_bodies",
    "header_names_title_case",
    "content_type_charset",
    "head_as_get",
    # representation
    BodyRewrite,
    "absolute_location",
    # timing
    "latency_jitter",
    "network_latency",
    "slow_jobs",
    "slow_first_byte",
    # weather
    "occasional_5xx",
    "rate_limit_burst",
    "rate_limit_storm",
    "connection_close",
]
VARIATION_NAMES: tuple[VariationName, ...] = get_args(VariationName)
BODY_REWRITES: tuple[BodyRewrite, ...] = get_args(BodyRewrite)
# The variations switched on; `in` accepts only a VariationName, so mypy catches a typo.
ActiveVariations = Switches[VariationName]


@dataclass(frozen=True)
class Variation:
    name: VariationName
    kind: VariationKind
    deployment: str
    allowed_because: str
    # Seconds of waiting it adds to every run on purpose (a latency, a long 429 burst): the
    # matrix runs it alone and with all the others, but not in every faulted run, where it
    # would multiply the matrix's time by the number of faults.
    slow: bool = False
    # The tests the matrix runs it on alone, when not the whole suite (tests/conformance):
    # the ones where time shows, for a variation that slows every answer.
    matrix_tests: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return f"{self.deployment}; allowed: {self.allowed_because}"


_VARIATIONS = (
    # transport: what a gateway or HTTP stack does to the bytes
    Variation(
        "gzip_when_accepted",
        "transport",
        "a gateway gzips every body when the request's Accept-Encoding allows gzip",
        "RFC 9110 content coding negotiated by the client; the JSON inside is unchanged",
    ),
    Variation(
        "chunked_bodies",
        "transport",
        "bodies are streamed in several chunks with Transfer-Encoding: chunked, no Content-Length",
        "RFC 9112 framing; the spec says nothing about Content-Length",
    ),
    Variation(
        "header_names_title_case",
        "transport",
        "header names go out Title-Cased (Content-Type, Location, Retry-After), as Java and "
        ".NET stacks write them",
        "RFC 9110 §5.1: field names are case-insensitive",
    ),
    Variation(
        "content_type_charset",
        "transport",
        "Content-Type is 'application/json;charset=UTF-8', as Spring writes it",
        "E5 allows a charset parameter, and UTF-8 in any case is the only right one (RFC 8259)",
    ),
    Variation(
        "head_as_get",
        "transport",
        "HEAD on the three GET paths is answered as GET without the body (status and headers "
        "of the GET), and those paths' Allow lists GET, HEAD, as most frameworks do",
        "RFC 9110 §9.3.2 and I14: HEAD as GET without a body, or 405 with Allow, both conform",
    ),
    # representation: what another framework does to the same JSON
    Variation(
        "members_reordered",
        "representation",
        "every JSON object's members are sorted by name (traceId before success), as Go maps "
        "and Jackson's ORDER_MAP_ENTRIES_BY_KEYS write them",
        "RFC 8259: object members are unordered",
    ),
    Variation(
        "pretty_printed",
        "representation",
        "bodies are indented with two spaces and end with a newline",
        "insignificant whitespace (RFC 8259 §2)",
    ),
    Variation(
        "extra_data_fields",
        "representation",
        "objects inside data carry fields the spec does not list (a job's priority and labels, "
        "a saved search's createdAt, a prospect's company); the envelope itself stays closed",
        "the data schemas do not set additionalProperties: false; only the envelopes do",
    ),
    Variation(
        "empty_details_omitted",
        "representation",
        "an error's empty details member is left out, as Go's omitempty and Jackson's NON_EMPTY do",
        "ErrorDetail requires only code and message; E3 wants details a string if present",
    ),
    Variation(
        "uuid_ids",
        "representation",
        "job and prospect ids are UUIDs and every traceId is a UUID, not 24 hex digits",
        "the schemas only ask for non-empty strings; the 24-hex ids of the docs are examples",
    ),
    Variation(
        "timestamp_offsets",
        "representation",
        "createdAt and updatedAt carry a +05:30 offset and microseconds "
        "(2026-11-26T15:30:00.123000+05:30), the same instants",
        "format: date-time is RFC 3339 §5.6, which allows any offset and any fraction",
    ),
    Variation(
        "absolute_location",
        "representation",
        "the 202's Location is an absolute URL (scheme, host and port of the request)",
        "RFC 9110 §10.2.2: Location is a URI reference, absolute or relative",
    ),
    # timing: a slower, busier deployment
    Variation(
        "latency_jitter",
        "timing",
        "every response waits 1-8 ms (seeded jitter), as a real network and gateway add",
        "the contract promises no response time",
    ),
    Variation(
        "network_latency",
        "timing",
        "every answer waits 50-400 ms (seeded, median about 225 ms), as across a real network "
        "and a gateway far from the runner",
        "the contract promises no response time; a job ends on the API's clock, not the client's",
        slow=True,
        matrix_tests=(
            "tests/conformance/test_lifecycle.py",
            "tests/conformance/test_rate_limit.py",
            "tests/conformance/test_generated.py::test_stateful_walks_conform",
            "tests/conformance/test_generated.py::test_every_link_was_followed",
        ),
    ),
    Variation(
        "slow_jobs",
        "timing",
        "jobs queue, run and fail four times slower (a fast job ends in about 1.4 s)",
        "the contract promises a terminal status, not when; 1.4 s is within the 3 s deadline",
    ),
    Variation(
        "slow_first_byte",
        "timing",
        "every 100th response stalls 0.5 s before its first byte (a cold start, a GC pause)",
        "the contract promises no response time; 0.5 s is far below the client's 10 s timeout",
    ),
    # weather: a rare, documented hiccup that a bounded retry gets through
    Variation(
        "occasional_5xx",
        "weather",
        "every 29th request to an operation is answered 502 (or 500, alternately) by the "
        "gateway before the service sees it; the next one to that operation succeeds",
        "every operation declares 500 and 502 (D3); rare and never twice in a row",
    ),
    Variation(
        "rate_limit_burst",
        "weather",
        "every key's 60th request (and every 200th after) opens a 1 s window in which the key "
        "gets 429 with Retry-After: 1",
        "every operation declares 429 with Retry-After (D3, I12); waiting it out suffices",
    ),
    Variation(
        "rate_limit_storm",
        "weather",
        "a limiter under load: every key's second request, and the 20 after it, get 429 with "
        "Retry-After: 1 (21 in a row), the low-quota key's included",
        "every operation declares 429 with Retry-After (D3, I12); Retry-After is the server's "
        "estimate, and waiting as long as it asks, however often, is the conformant answer",
        slow=True,
    ),
    Variation(
        "connection_close",
        "weather",
        "every 15th response closes its kept-alive connection (Connection: close), and an idle "
        "connection is dropped unannounced after 0.25 s, as a load balancer's idle timeout does",
        "RFC 9112 §9.3, §9.6: either side may close a persistent connection between requests",
    ),
)

VARIATIONS: dict[str, Variation] = {v.name: v for v in _VARIATIONS}

# How much slower `slow_jobs` makes every job phase.
SLOW_JOBS_FACTOR = 4.0
# `connection_close`: idle seconds before uvicorn drops a kept-alive connection unannounced.
IDLE_CLOSE_SECONDS = 0.25


def resolve_variations(names: Iterable[str]) -> ActiveVariations:
    """The named variations switched on; a ValueError names the unknown ones and lists the
    valid."""
    return resolve_names(names, VARIATION_NAMES, "variation")


def describe_variations() -> list[str]:
    """One line per variation: name, kind, what a deployment does and why it is allowed."""
    width = max(len(name) for name in VARIATIONS)
    return [f"{v.name:<{width}}  {v.kind:<14}  {v.summary}" for v in VARIATIONS.values()]


def uuid_id(number: int) -> str:
    """A UUID-shaped id from the store's counter: multiplying by an odd constant modulo 2**128
    is a bijection, so distinct counters stay distinct ids, and the ids look random."""
    return str(uuid.UUID(int=(number * 0x9E3779B97F4A7C15F39CC0605CEDC835) % 2**128))


def vary_settings(settings: ReferenceSettings, variations: ActiveVariations) -> ReferenceSettings:
    """The store's settings under the timing and id variations."""
    if "slow_jobs" in variations:
        factor = SLOW_JOBS_FACTOR
        settings = replace(
            settings,
            queued_seconds=settings.queued_seconds * factor,
            running_seconds=settings.running_seconds * factor,
            failing_after_seconds=settings.failing_after_seconds * factor,
        )
    if "uuid_ids" in variations:
        settings = replace(settings, id_format=uuid_id)
    return settings


def uvicorn_overrides(variations: ActiveVariations) -> dict[str, Any]:
    """uvicorn options a variation needs (the idle timeout of `connection_close`)."""
    if "connection_close" in variations:
        return {"timeout_keep_alive": IDLE_CLOSE_SECONDS}
    return {}
