"""Secret redaction: keys never reach output, whoever prints the exchange.

Every string the suite shows (findings, logs, reports, regression drafts) passes through a
`Redactor` first. A configured key becomes the name of the variable that holds it
(`$PROSPECTING_KEY_ALL`), so a curl reproduction still says which key to use; any other value
of an authentication header (the random invalid keys the auth tests send) becomes
`<redacted>`, because the suite cannot tell a typo from someone's real key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

__all__ = ["REDACTED", "SENSITIVE_HEADERS", "Redactor"]

REDACTED = "<redacted>"

# Headers that carry credentials whatever the target's configured auth header is: the auth
# tests send keys in the wrong header on purpose, and those must not leak either.
SENSITIVE_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "cookie", "set-cookie"}
)

# An auth scheme word ("Bearer ", "Token ") is not secret; what follows it is.
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9_-]* +)(.*)$", re.DOTALL)
_PLACEHOLDER = re.compile(r"^\$[A-Z][A-Z0-9_]*$")


class Redactor:
    """Replaces secret values by `$VARNAME` in text and by placeholders in auth headers."""

    def __init__(
        self,
        secrets: Mapping[str, str] | None = None,
        *,
        auth_header: str = "X-API-Key",
        auth_prefix: str = "",
    ) -> None:
        # Same value under two names: the alphabetically first name wins, so output is stable.
        by_value: dict[str, str] = {}
        for name in sorted(secrets or {}):
            value = (secrets or {})[name]
            if value:  # an empty secret would match everywhere
                by_value.setdefault(value, name)
        self._by_value = by_value
        # Longest first, so a key that contains another key is replaced whole.
        ordered = sorted(by_value, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None
        self.auth_prefix = auth_prefix
        self.sensitive_headers = SENSITIVE_HEADERS | {auth_header.lower()}

    def __repr__(self) -> str:
        return f"Redactor(names={sorted(self._by_value.values())})"

    def text(self, value: str) -> str:
        """`value` with every known secret replaced by `$VARNAME`."""
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: "$" + self._by_value[m.group(0)], value)

    def header(self, name: str, value: str) -> str:
        """One header value, safe to print."""
        redacted = self.text(value)
        if name.lower() not in self.sensitive_headers or not value:
            return redacted
        prefix, credential = self._split_credential(redacted)
        if _PLACEHOLDER.fullmatch(credential):
            return prefix + credential
        return prefix + REDACTED

    def headers(self, mapping: Mapping[str, str]) -> dict[str, str]:
        """A copy of `mapping` with every header value made safe to print."""
        return {name: self.header(name, value) for name, value in mapping.items()}

    def files(self, directory: Path) -> list[Path]:
        """Rewrite every file under `directory` that holds a known secret; return those files.

        The last pass over a run's reports, whatever wrote them (pytest's JUnit writer keeps a
        failing test's captured output verbatim): a key that slipped past every other guard
        still does not stay on disk.
        """
        if self._pattern is None:
            return []
        rewritten = []
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            redacted = self.text(text)
            if redacted != text:
                path.write_text(redacted, encoding="utf-8", errors="surrogateescape")
                rewritten.append(path)
        return rewritten

    def _split_credential(self, value: str) -> tuple[str, str]:
        if self.auth_prefix and value.startswith(self.auth_prefix):
            return self.auth_prefix, value[len(self.auth_prefix) :]
        scheme = _SCHEME.fullmatch(value)
        if scheme:
            return scheme.group(1), scheme.group(2)
        return "", value
