"""Lint many sources, in this process or in a pool, with identical output either way."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from wa_lint.api import RuleMeta
from wa_lint.discover import Source
from wa_lint.pipeline import FileResult, lint_source

_worker_rules: list[RuleMeta] = []


def _init_worker(rule_ids: list[str]) -> None:
    """Each worker loads the rule packs itself: rule functions travel badly between processes."""
    from wa_lint.plugins import load_rules

    global _worker_rules
    wanted = set(rule_ids)
    _worker_rules = [m for m in load_rules() if m.id in wanted]


def _lint_in_worker(source: Source) -> FileResult:
    return lint_source(source, _worker_rules)


def lint_all(sources: list[Source], rules: list[RuleMeta], jobs: int = 1) -> list[FileResult]:
    """Results in the order of ``sources`` whatever ``jobs`` is."""
    if jobs <= 1 or len(sources) <= 1:
        return drop_repeated_findings([lint_source(s, rules) for s in sources])
    workers = min(jobs, len(sources))
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=([m.id for m in rules],)) as pool:
        results = list(pool.map(_lint_in_worker, sources, chunksize=max(1, len(sources) // (workers * 8))))
    return drop_repeated_findings(results)


def drop_repeated_findings(results: list[FileResult]) -> list[FileResult]:
    """A nested template linted as its own file and again through its parent yields the same
    findings twice; keep the first of each."""
    seen: set[tuple[str, str, int, str, str]] = set()
    for result in results:
        unique = []
        for f in result.findings:
            key = (f.rule, f.path, f.line, f.resource, f.message)
            if key not in seen:
                seen.add(key)
                unique.append(f)
        result.findings = unique
    return results
