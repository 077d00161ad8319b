"""Large inputs are linted correctly: a template of 4,000 resources (400 copies of one
ten-resource application unit from ``bench/scale.py``) gives each unit's findings exactly once per
unit, and no finding crosses from one unit into another.

How long that takes is a benchmark, not a test: ``make bench-scale`` (``bench/scale.py``)
reports time against resource count as a ratio.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bench.scale import UNIT, template
from tests.lint_helpers import all_rules
from wa_lint.api import Finding
from wa_lint.expand.template import stack_from_data
from wa_lint.pipeline import run_rules

UNITS = 400
NAMES = "Fn|Role|Policy|Topic|Sub|Queue|Dlq|Map|Table|Perm"  # the resources of one unit, numbered
UNIT_SUFFIX = re.compile(rf"^(?:{NAMES})(\d+)$")


def findings(resources: int) -> list[Finding]:
    stack = stack_from_data(template(resources), Path("scale.json"), "scale.json", "scale")
    assert len(stack.resources) == resources
    return run_rules(stack, list(all_rules()))


def unit_of(name: str) -> int:
    match = UNIT_SUFFIX.match(name)
    assert match, name
    return int(match.group(1))


def test_one_unit_has_findings() -> None:
    assert {f.rule for f in findings(UNIT)}, "the unit exercises the rules"


def test_large_template_repeats_each_unit_findings() -> None:
    one = Counter((f.rule, f.resource, f.message) for f in findings(UNIT))
    large = findings(UNITS * UNIT)
    per_unit: dict[int, Counter[tuple[str, str, str]]] = {}
    for f in large:
        i = unit_of(f.resource)
        assert all(unit_of(r.resource) == i for r in f.related), f"{f.rule} relates units: {f.message}"
        first = re.compile(rf"\b({NAMES}){i}\b")  # the same text for unit 0
        key = (f.rule, first.sub(r"\g<1>0", f.resource), first.sub(r"\g<1>0", f.message))
        per_unit.setdefault(i, Counter())[key] += 1
    assert sorted(per_unit) == list(range(UNITS))
    assert all(counts == one for counts in per_unit.values())
    assert len(large) == UNITS * sum(one.values())
