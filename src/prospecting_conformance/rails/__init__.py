"""The safety rails: one gate every request of a run passes, and where it meets the wire."""
