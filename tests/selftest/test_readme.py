"""The README's hand-run flow works as written: the server writes its env file, the suite uses it.

The block is read from the README itself, so a README that drifts from what works fails here.
Only the port (8080 may be taken on a shared machine) and the test selection (a slice, with
its own reports folder) are changed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import SuiteRunner

ROOT = Path(__file__).resolve().parents[2]
ENV_FILE_BLOCK = re.compile(r"```sh\n(rm -f env\.sh\n.*?--env-file env\.sh &\n.*?)\n```", re.DOTALL)


def test_the_readmes_env_file_flow_targets_the_standalone_server(
    suite_runner: SuiteRunner, tmp_path: Path
) -> None:
    # Given the README's block, on a free port, running a slice of the suite
    block = ENV_FILE_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block, "the README has no --env-file block"
    reports = tmp_path / "reports"
    script = (
        block[1]
        .replace("--port 8080", f"--port {suite_runner.free_port()}")
        .replace(
            "prospecting-conformance run",
            f"prospecting-conformance run test_lookup.py -p no:cacheprovider "
            f"--reports-dir {reports}",
        )
    )
    assert "# the server as a live target" in script

    # When it is pasted into a shell (the server stopped once the suite is done)
    result = suite_runner.paste(f"{script}\nstatus=$?\nkill %1\nexit $status", tmp_path)

    # Then the suite ran against that server as a live target, and passed
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "(live target)" in result.stdout
    assert (reports / "summary.json").is_file()
