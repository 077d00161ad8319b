"""Lint paths in-process for tests, with every rule (also those off by default)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from wa_lint.api import Finding, RuleMeta
from wa_lint.config import Policy, config_in, load_config_file
from wa_lint.discover import discover
from wa_lint.filter.checks import META_IDS, rule_aliases
from wa_lint.filter.stage import FilterStage
from wa_lint.graph.model import Graph
from wa_lint.model import Stack
from wa_lint.pipeline import FileResult
from wa_lint.plugins import load_rules
from wa_lint.runner import lint_all


@lru_cache(maxsize=1)
def all_rules() -> tuple[RuleMeta, ...]:
    return tuple(load_rules())


def lint(*paths: str, rules: list[RuleMeta] | None = None, jobs: int = 1) -> list[FileResult]:
    sources, missing = discover(list(paths))
    assert not missing, missing
    return lint_all(sources, list(rules or all_rules()), jobs=jobs)


@dataclass
class KeepGraphs:
    """A filter stage that keeps every finding and remembers each stack's graph, so a test can ask
    the graph what the rules saw (``RuleMeta.evaluated``, glue analysis failures).

    It adds what the real filter stage says about the suppressions themselves (WA001, WA002,
    WA004 and WA005, every one selected and every rule judged to have run), under ``policy`` (a
    fixture case's own configuration, for WA004's ``mandatory``). Nothing is suppressed: a rule's
    fixtures judge the rule, not the suppressions written on them."""

    graphs: list[Graph] = field(default_factory=list)
    policy: Policy | None = None

    def __call__(self, stack: Stack, graph: Graph, findings: list[Finding], result: FileResult) -> list[Finding]:
        self.graphs.append(graph)
        rules = list(all_rules())
        stage = FilterStage(aliases=rule_aliases(rules), meta_enabled=META_IDS, policy=self.policy,
                            ran=frozenset(m.id for m in rules))
        # copies and a scratch result: the stage notes accepted parts in messages and records suppressions
        checked = stage(stack, graph, [copy.copy(f) for f in findings], FileResult(path=result.path))
        return [*findings, *(f for f in checked if f.rule in META_IDS)]


def case_policy(path: str) -> Policy | None:
    """The policy of the configuration a directory case holds itself (``<case>/.wa-lint.yaml``);
    configurations above the case are not read, so fixtures stay hermetic."""
    found = config_in(Path(path)) if Path(path).is_dir() else None
    return load_config_file(found).policy(list(all_rules())) if found is not None else None


def lint_keeping_graphs(*paths: str) -> tuple[list[FileResult], list[Graph]]:
    """:func:`lint` in this process, with the graphs of every stack linted and the suppression
    checks' findings (each path's own configuration, when it is a directory holding one)."""
    sources, missing = discover(list(paths))
    assert not missing, missing
    keep = KeepGraphs(policy=case_policy(paths[0]) if len(paths) == 1 else None)
    return lint_all(sources, list(all_rules()), jobs=1, stage=keep), keep.graphs
