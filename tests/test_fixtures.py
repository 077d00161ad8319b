"""Fixtures are the specification: every ``fixtures/<RULE>/bad/<case>`` must produce exactly the
findings in ``<case>.expected.json`` for that rule; every ``good/`` case none.

A new edge case is a new pair of files, not new test code. Set WA_LINT_UPDATE_SNAPSHOTS=1 to
(re)write expected files, then review them by hand.

A good case may also say which resources the rule must have judged, so that it cannot pass
because the rule never looked: ``<case>.evaluated.json``, a sorted list of resource names as
findings name them, compared with the rule's ``applies_to`` (docs/writing-rules.md). Whatever a
rule with ``applies_to`` reports must be among the resources it says it judged. And no fixture
may make the glue analysis fail (a failure there is silent in the output, by design).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, update_snapshots
from tests.lint_helpers import all_rules, lint_keeping_graphs
from wa_lint.api import RuleMeta
from wa_lint.code.glue import analysis_failures
from wa_lint.graph.model import Graph
from wa_lint.report.json_format import finding_dict

FIXTURES = ROOT / "fixtures"
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}
SIDE_FILES = (".expected.json", ".evaluated.json")


def fixture_cases() -> list[tuple[str, str, Path]]:
    cases = []
    for rule_dir in sorted(FIXTURES.glob("WA[0-9][0-9][0-9]")):
        for group in ("bad", "good"):
            folder = rule_dir / group
            if not folder.is_dir():
                continue
            for entry in sorted(folder.iterdir()):
                if entry.name.endswith(SIDE_FILES):
                    continue
                if entry.is_dir() or entry.suffix in TEMPLATE_SUFFIXES:
                    cases.append((rule_dir.name, group, entry))
    return cases


def side_file(case: Path, kind: str) -> Path:
    stem = case.name if case.is_dir() else case.stem
    return case.parent / f"{stem}.{kind}.json"


def expected_path(case: Path) -> Path:
    return side_file(case, "expected")


def rule_meta(rule: str) -> RuleMeta:
    return next(m for m in all_rules() if m.id == rule)


def evaluated(meta: RuleMeta, graphs: list[Graph]) -> list[str] | None:
    """What the rule says it judged across the case's stacks; None when it does not say."""
    if meta.applies_to is None:
        return None
    return sorted({name for graph in graphs for name in meta.evaluated(graph) or ()})


@pytest.mark.parametrize(("rule", "group", "case"), fixture_cases(),
                         ids=lambda v: v.name if isinstance(v, Path) else str(v))
def test_fixture(rule: str, group: str, case: Path) -> None:
    results, graphs = lint_keeping_graphs(case.relative_to(ROOT).as_posix())
    assert results, f"{case} was not recognised as a template"
    assert all(r.error is None for r in results), [r.error for r in results]
    assert [str(f) for g in graphs for f in analysis_failures(g)] == []
    found = [finding_dict(f) for r in results for f in r.findings if f.rule == rule]
    judged = evaluated(rule_meta(rule), graphs)
    if judged is not None:
        assert {f["resource"] for f in found} <= set(judged), "applies_to misses a reported resource"
    evaluated_file = side_file(case, "evaluated")
    if evaluated_file.exists():
        assert group == "good", f"{evaluated_file.name}: only good/ cases state what was evaluated"
        assert judged is not None, f"{rule} has no applies_to, so {evaluated_file.name} cannot be checked"
        if update_snapshots():
            evaluated_file.write_text(json.dumps(judged, indent=2) + "\n", encoding="utf-8")
        assert judged == json.loads(evaluated_file.read_text(encoding="utf-8"))
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
    for meta in all_rules():
        for group in ("bad", "good"):
            cases = [c for c in fixture_cases() if c[0] == meta.id and c[1] == group]
            assert len(cases) >= 3, f"{meta.id} needs at least three {group}/ fixtures"
