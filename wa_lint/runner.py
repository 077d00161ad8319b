"""Lint many sources, in this process or in a pool, with identical output either way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor

from wa_lint.api import RuleMeta
from wa_lint.discover import Source
from wa_lint.pipeline import FileResult, StackStage, lint_source

_worker_rules: list[RuleMeta] = []
_worker_stage: StackStage | None = None

Progress = Callable[[int, int], None]
"""Called with (files done, files in total) as results arrive."""


def _init_worker(rule_ids: list[str], stage: StackStage | None) -> None:
    """Each worker loads the rule packs itself: rule functions travel badly between processes.
    The filter stage is plain data and is pickled."""
    from wa_lint.plugins import load_rules

    global _worker_rules, _worker_stage
    wanted = set(rule_ids)
    _worker_rules = [m for m in load_rules() if m.id in wanted]
    _worker_stage = stage


def _lint_in_worker(source: Source) -> FileResult:
    return lint_source(source, _worker_rules, _worker_stage)


def _collect(results: Iterable[FileResult], total: int, progress: Progress | None) -> list[FileResult]:
    out: list[FileResult] = []
    seen: set[tuple[str, str, int, str, str]] = set()
    for result in results:
        drop_repeated_findings(result, seen)
        out.append(result)
        if progress is not None:
            progress(len(out), total)
    return out


def drop_repeated_findings(result: FileResult, seen: set[tuple[str, str, int, str, str]]) -> None:
    """A nested template linted as its own file and again through its parent yields the same
    findings twice: keep the first of each, in source order."""
    unique = []
    for f in result.findings:
        key = (f.rule, f.path, f.line, f.resource, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    result.findings = unique


def lint_all(
    sources: list[Source],
    rules: list[RuleMeta],
    jobs: int = 1,
    stage: StackStage | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Results in the order of ``sources`` whatever ``jobs`` is."""
    total = len(sources)
    if jobs <= 1 or total <= 1:
        return _collect((lint_source(s, rules, stage) for s in sources), total, progress)
    workers = min(jobs, total)
    initargs = ([m.id for m in rules], stage)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=initargs) as pool:
        chunks = max(1, total // (workers * 8))
        return _collect(pool.map(_lint_in_worker, sources, chunksize=chunks), total, progress)
