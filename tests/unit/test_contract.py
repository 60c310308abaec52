"""docs/contract.md against the code: the rules a finding can name are the rules it states.

Docstrings, reports and drafts cite rule ids and clauses that live in docs/contract.md; a rule
added to `core/rules.py` without its row there would be a citation that resolves nowhere.
"""

from __future__ import annotations

import re
from pathlib import Path

from prospecting_conformance.core.rules import RULES

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "contract.md"
# A row of the rules table: `| E1 | ... | ... |`.
RULE_ROW = re.compile(r"^\| ([A-Z]\d+) \|", re.MULTILINE)


def test_the_rules_table_states_every_rule_the_code_checks_and_no_other() -> None:
    stated = RULE_ROW.findall(CONTRACT.read_text(encoding="utf-8"))

    assert sorted(stated) == sorted(RULES)


def test_no_source_cites_the_design_file_outside_the_repository() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "prospecting_conformance"
    citing = [
        path.name
        for path in package.rglob("*.py")
        if "suite" not in path.relative_to(package).parts
        and "DESIGN.md" in path.read_text(encoding="utf-8")
    ]

    assert citing == []
