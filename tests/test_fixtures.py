"""Fixtures are the specification: every ``fixtures/<RULE>/bad/<case>`` must produce exactly the
findings in ``<case>.expected.json`` for that rule; every ``good/`` case none.

A new edge case is a new pair of files, not new test code. Set WA_LINT_UPDATE_SNAPSHOTS=1 to
(re)write expected files, then review them by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, update_snapshots
from tests.lint_helpers import lint
from wa_lint.report.json_format import finding_dict

FIXTURES = ROOT / "fixtures"
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}


def fixture_cases() -> list[tuple[str, str, Path]]:
    cases = []
    for rule_dir in sorted(FIXTURES.glob("WA[0-9][0-9][0-9]")):
        for group in ("bad", "good"):
            folder = rule_dir / group
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                if entry.name.endswith(".expected.json"):
                    continue
                if entry.is_dir() or entry.suffix in TEMPLATE_SUFFIXES:
                    cases.append((rule_dir.name, group, entry))
    return cases


def expected_path(case: Path) -> Path:
    stem = case.name if case.is_dir() else case.stem
    return case.parent / f"{stem}.expected.json"


@pytest.mark.parametrize(("rule", "group", "case"), fixture_cases(),
                         ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_fixture(rule: str, group: str, case: Path) -> None:
    results = lint(case.relative_to(ROOT).as_posix())
    assert results, f"{case} was not recognised as a template"
    assert all(r.error is None for r in results), [r.error for r in results]
    found = [finding_dict(f) for r in results for f in r.findings if f.rule == rule]
    if group == "good":
        assert found == []
        return
    expected_file = expected_path(case)
    if update_snapshots():
        expected_file.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    assert expected_file.exists(), f"missing {expected_file.name}"
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert expected, "a bad/ fixture must expect at least one finding"
    assert found == expected


def test_every_rule_has_fixtures() -> None:
    from tests.lint_helpers import all_rules

    for meta in all_rules():
        for group in ("bad", "good"):
            cases = [c for c in fixture_cases() if c[0] == meta.id and c[1] == group]
            assert len(cases) >= 3, f"{meta.id} needs at least three {group}/ fixtures"
