"""Lint paths in-process for tests, with every rule (also those off by default)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from wa_lint.api import Finding, RuleMeta
from wa_lint.discover import discover
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
    the graph what the rules saw (``RuleMeta.evaluated``, glue analysis failures)."""

    graphs: list[Graph] = field(default_factory=list)

    # the StackStage protocol names every parameter (it may be called by keyword): the names stay
    def __call__(self, stack: Stack, graph: Graph, findings: list[Finding], result: FileResult) -> list[Finding]:  # noqa: ARG002
        self.graphs.append(graph)
        return findings


def lint_keeping_graphs(*paths: str) -> tuple[list[FileResult], list[Graph]]:
    """:func:`lint` in this process, with the graphs of every stack linted."""
    sources, missing = discover(list(paths))
    assert not missing, missing
    keep = KeepGraphs()
    return lint_all(sources, list(all_rules()), jobs=1, stage=keep), keep.graphs
