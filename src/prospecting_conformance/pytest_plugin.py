"""The thin pytest layer over the library: options, the target fixture, report hooks."""

from __future__ import annotations
