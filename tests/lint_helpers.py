"""Lint paths in-process for tests, with every rule (also those off by default)."""

from __future__ import annotations

from functools import lru_cache

from wa_lint.api import RuleMeta
from wa_lint.discover import discover
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
