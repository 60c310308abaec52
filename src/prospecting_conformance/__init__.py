"""Contract-testing and API conformance suite for the Prospecting API.

The library works without pytest: the rules, the client, the validators and the poller are
plain Python; `prospecting_conformance.plugin` is the thin layer that wires them into
pytest.
"""

from __future__ import annotations

__version__ = "0.1.0"
