"""The embedded reference server: the Prospecting API as docs/contract.md §2 describes it.

The suite targets it when no live target is configured, and starts it with injected faults
(faults/) to prove that it detects each regression. `ReferenceServer` runs it on a loopback
port; `python -m prospecting_conformance.reference` serves it standalone.
"""

from __future__ import annotations

from prospecting_conformance.reference.faults import FAULTS, Fault, resolve_faults
from prospecting_conformance.reference.http.app import create_app
from prospecting_conformance.reference.server import ReferenceServer
from prospecting_conformance.reference.settings import ReferenceSettings
from prospecting_conformance.reference.store import Store

__all__ = [
    "FAULTS",
    "Fault",
    "ReferenceServer",
    "ReferenceSettings",
    "Store",
    "create_app",
    "resolve_faults",
]
