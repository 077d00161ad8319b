"""Lint many sources, in this process or in a pool, with identical output either way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from wa_lint.api import RuleMeta
from wa_lint.discover import Source
from wa_lint.link.index import LinkIndex, build_index
from wa_lint.pipeline import FileResult, StackStage, lint_source

_worker_rules: list[RuleMeta] = []
_worker_stage: StackStage | None = None
_worker_links: LinkIndex | None = None

Progress = Callable[[int, int], None]
"""Called with (files done, files in total) as results arrive."""


def _init_worker(rule_ids: list[str], stage: StackStage | None, links: LinkIndex | None) -> None:
    """Each worker loads the rule packs itself: rule functions travel badly between processes.
    The filter stage and the link index are plain data and are pickled; each worker loads the
    linked stacks it needs itself (once)."""
    from wa_lint.plugins import load_rules

    global _worker_rules, _worker_stage, _worker_links
    wanted = set(rule_ids)
    _worker_rules = [m for m in load_rules() if m.id in wanted]
    _worker_stage = stage
    _worker_links = links


def _lint_in_worker(source: Source) -> FileResult:
    return lint_source(source, _worker_rules, _worker_stage, _worker_links)


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
    links: LinkIndex | Literal["auto"] | None = "auto",
) -> list[FileResult]:
    """Results in the order of ``sources`` whatever ``jobs`` is. The stacks of the run are linked
    (``wa_lint.link``): ``links`` is the run's index, None to lint each stack on its own, or
    "auto" to build the index here (without deployment options; the CLI builds its own)."""
    total = len(sources)
    if links == "auto":
        links = build_index(sources)[0]
    if jobs <= 1 or total <= 1:
        return _collect((lint_source(s, rules, stage, links) for s in sources), total, progress)
    workers = min(jobs, total)
    initargs = ([m.id for m in rules], stage, links)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=initargs) as pool:
        chunks = max(1, total // (workers * 8))
        return _collect(pool.map(_lint_in_worker, sources, chunksize=chunks), total, progress)
