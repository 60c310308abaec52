"""`python -m prospecting_conformance`: the `prospecting-conformance` command."""

from __future__ import annotations

import sys

from prospecting_conformance.cli import main

sys.exit(main())
