"""The embedded target: the reference server in its own process, configured like staging.

When no live target is configured, the run starts `python -m prospecting_conformance.reference`
on a free loopback port and reads its `--print-env` lines, exactly the lines QA would source
by hand. The tests then see a base URL and keys, as they would for staging; the server runs
in a separate process so that it does not share the test process's interpreter lock.
"""

from __future__ import annotations

import difflib
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Sequence
from dataclasses import replace

from prospecting_conformance.core.env_vars import ENV_VARS
from prospecting_conformance.target.config import TargetConfig

__all__ = [
    "EmbeddedServer",
    "EmbeddedServerError",
    "check_faults",
    "check_variations",
    "demo_target_config",
]

# `env_lines` prints the variables in ENV_VARS order and the rate limit always: its line is
# the last one the server prints before it serves.
LAST_LINE_VAR = ENV_VARS["max_rate"]
START_TIMEOUT_S = 30.0
# How much of what a server that did not start printed goes into the error.
PRINTED_CHARS = 2000


def demo_target_config(base_url: str) -> TargetConfig:
    """The target that points the suite at a reference server at `base_url`, demo keys and all:
    the server's own `--print-env` lines, read as any target's are."""
    # Imported here, as the catalogues below are: only an embedded run needs the server.
    from prospecting_conformance.reference.env import demo_env

    config = TargetConfig.from_env(demo_env(base_url))
    if config is None:
        raise EmbeddedServerError(f"no reference server to point at: base URL {base_url!r}")
    return replace(config, embedded=True)


class EmbeddedServerError(RuntimeError):
    """The reference server did not start; the message carries what it printed."""


def check_faults(faults: Sequence[str]) -> None:
    """Refuse an unknown fault name in one line, before a server starts for nothing."""
    # Imported here: the catalogue pulls in the server's dependencies, which only an
    # embedded run needs.
    from prospecting_conformance.reference.faults import FAULTS

    _check_names(faults, FAULTS, "fault")


def check_variations(variations: Sequence[str]) -> None:
    """Refuse an unknown variation name in one line, as `check_faults` does faults."""
    from prospecting_conformance.reference.variations import VARIATIONS

    _check_names(variations, VARIATIONS, "variation")


def _check_names(names: Sequence[str], catalogue: Collection[str], kind: str) -> None:
    for name in names:
        if name not in catalogue:
            close = difflib.get_close_matches(name, catalogue, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise EmbeddedServerError(
                f"unknown --reference-{kind} {name!r}{hint}: "
                f"`prospecting-conformance reference --list-{kind}s` lists them"
            )


class EmbeddedServer:
    """A reference server subprocess; `start()` returns the environment that targets it."""

    def __init__(self, faults: Sequence[str] = (), variations: Sequence[str] = ()) -> None:
        self.faults = tuple(faults)
        self.variations = tuple(variations)
        self._process: subprocess.Popen[str] | None = None
        # A file, not a pipe: a pipe nobody reads would block the server once it fills.
        self._stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")  # noqa: SIM115

    def start(self) -> dict[str, str]:
        command = [
            sys.executable,
            "-m",
            "prospecting_conformance.reference",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--print-env",
        ]
        for fault in self.faults:
            command += ["--fault", fault]
        for variation in self.variations:
            command += ["--variation", variation]
        self._process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert self._process.stdout is not None
        env: dict[str, str] = {}
        deadline = time.monotonic() + START_TIMEOUT_S
        while LAST_LINE_VAR not in env and time.monotonic() < deadline:
            line = self._process.stdout.readline()
            if not line:
                break
            for word in shlex.split(line):
                name, sep, value = word.partition("=")
                if sep and name.startswith("PROSPECTING_"):
                    env[name] = value
        if LAST_LINE_VAR not in env:
            printed = self._printed_errors() or "no output"
            self.stop()
            raise EmbeddedServerError(
                f"the reference server did not start ({' '.join(command[1:])}): {printed}"
            )
        return env

    def _printed_errors(self) -> str:
        self._stderr.seek(0)
        printed = self._stderr.read().strip()
        if len(printed) <= PRINTED_CHARS:
            return printed
        # Both ends: a usage error says why at its start (then lists every valid name), a
        # traceback at its end.
        half = PRINTED_CHARS // 2
        return f"{printed[:half]} … {printed[-half:]}"

    def kill(self) -> None:
        """Stop the server without waiting (a second Ctrl-C exits at once)."""
        if self._process is not None:
            self._process.kill()

    def stop(self) -> None:
        process = self._process
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
        self._stderr.close()
        self._process = None
