"""The README's hand-run flow works as written: the server writes its env file, the suite uses it.

The block is read from the README itself, so a README that drifts from what works fails here.
Only the port (8080 may be taken on a shared machine) and the test selection (a slice, with
its own reports folder) are changed.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE_BLOCK = re.compile(r"```sh\n(rm -f env\.sh\n.*?--env-file env\.sh &\n.*?)\n```", re.DOTALL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_readmes_env_file_flow_targets_the_standalone_server(tmp_path: Path) -> None:
    # Given the README's block, on a free port, running a slice of the suite
    block = ENV_FILE_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "the README has no --env-file block"
    reports = tmp_path / "reports"
    script = (
        block[1]
        .replace("--port 8080", f"--port {free_port()}")
        .replace(
            "python -m pytest tests/conformance",
            f"python -m pytest {ROOT / 'tests/conformance/test_lookup.py'} -p no:cacheprovider "
            f"--reports-dir {reports}",
        )
    )
    assert "# the server as a live target" in script
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}
    path = f"{Path(sys.executable).parent}:{clean.get('PATH', '')}"

    # When it is pasted into a shell (the server stopped once the suite is done)
    result = subprocess.run(
        ["bash", "-c", f"{script}\nstatus=$?\nkill %1\nexit $status"],
        cwd=tmp_path,
        env={**clean, "PATH": path},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )

    # Then the suite ran against that server as a live target, and passed
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "(live target)" in result.stdout
    assert (reports / "summary.json").is_file()
