"""R1, R2: a 429 says how long to wait, the wait is enough, and the suite's client obeys it."""

from __future__ import annotations

from prospecting_conformance.checks.rate import check_pacing, check_retry_after
from prospecting_conformance.checks.status import check_status
from prospecting_conformance.client.api import ProspectingClient
from prospecting_conformance.core.findings import ConformanceError, raise_for_findings
from prospecting_conformance.core.http import retry_after_seconds
from prospecting_conformance.plugin.fixtures import RequireKey
from prospecting_conformance.rails.weather import WEATHER_STATUSES

LIST = "listSalesNavigatorSavedSearches"
# The rails may send these requests again on a server error, never on the 429 they look for.
SERVER_ERRORS = WEATHER_STATUSES - {429}

# The most requests the low-quota key may send before the target must say 429.
MAX_REQUESTS_TO_429 = 30


def test_a_429_names_a_wait_after_which_requests_succeed(
    api: ProspectingClient, require_key: RequireKey
) -> None:
    require_key("low_quota")

    # Given the low-quota key, spent until the target says 429
    for _ in range(MAX_REQUESTS_TO_429):
        limited = api.request(LIST, key="low_quota", retry_on=SERVER_ERRORS)
        if limited.status == 429:
            break
        raise_for_findings(check_status(limited, "R1", 200, "Listed with the low-quota key"))
    else:
        raise ConformanceError(
            [
                limited.finding(
                    "R1",
                    f"Sent {MAX_REQUESTS_TO_429} requests with the low-quota key and received "
                    "no 429: the rate limit is not enforced.",
                )
            ]
        )
    # The 429's own send time: the client's wait starts when the answer arrives, a moment later.
    limited_sent_at = api.sent_at[-1]
    raise_for_findings(check_retry_after(limited))
    retry_after = retry_after_seconds(limited.header("retry-after"))
    assert retry_after is not None

    # When the suite's client sends the next request
    after = api.request(LIST, key="low_quota", retry_on=SERVER_ERRORS)

    # Then it waited as long as asked (R2)
    raise_for_findings(check_pacing(limited, limited_sent_at, api.sent_at[-1], retry_after))
    if after.status == 429:
        # A limiter under load may ask again, as often as it needs (docs/contract.md §4): each 429
        # still names its wait (R1), and the rails wait them out by time; one the run's
        # patience cannot outlast makes the run INCOMPLETE, never a finding.
        raise_for_findings(check_retry_after(after))
        after = api.request(LIST, key="low_quota")
    # and the target served it once the waits were over (R1)
    raise_for_findings(
        check_status(after, "R1", 200, f"Waited the {retry_after}s Retry-After, then listed")
    )
