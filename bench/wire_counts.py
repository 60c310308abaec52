"""What a quick run sends, counted on the wire: requests per layer, the busiest second, writes.

Runs the suite (`pytest tests/conformance --profile quick`) against a reference server behind
the witness proxy, as a live target, with the settings given on the command line, and prints
what reached the proxy:

    python bench/wire_counts.py                                   # a quick run, writes on
    python bench/wire_counts.py PROSPECTING_MAX_RATE=5 PROSPECTING_MAX_REQUESTS=60
    python bench/wire_counts.py PROSPECTING_ALLOW_WRITES=0

The layer is told from the User-Agent: python-httpx is the suite's client (contract tests,
preflight, settle), schemathesis the generated cases and the stateful phase.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from prospecting_conformance.reference.witness import Witness, busiest_second
from prospecting_conformance.target.embedded import demo_target_config

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    overrides = dict(arg.split("=", 1) for arg in argv)
    witness = Witness()
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PROSPECTING_")}
        env.update(demo_target_config(witness.reference.base_url).env())
        env.update({"PROSPECTING_BASE_URL": witness.base_url, **overrides})
        with tempfile.TemporaryDirectory() as reports:
            command = [sys.executable, "-m", "pytest", "tests/conformance", "-q"]
            command += ["-p", "no:cacheprovider", "--profile", "quick", "--seed", "11"]
            command += ["--reports-dir", reports]
            finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        arrivals = witness.arrivals
    finally:
        witness.stop()
    layers = Counter(a.agent.split("/")[0] for a in arrivals)
    print(f"settings: {overrides or 'the reference server defaults'}")
    print(f"exit status: {finished.returncode}")
    print(f"requests: {len(arrivals)}")
    for layer, count in layers.most_common():
        print(f"  {layer or 'no user-agent'}: {count}")
    print(f"writes: {sum(a.writes for a in arrivals)}")
    print(f"without a key: {sum(not a.had_key for a in arrivals)}")
    print(f"busiest one-second window: {busiest_second([a.at for a in arrivals])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
