"""`python -m prospecting_conformance.mutation`: the same command as `...mutation.matrix`."""

from __future__ import annotations

import sys

from prospecting_conformance.mutation.matrix import main

sys.exit(main())
