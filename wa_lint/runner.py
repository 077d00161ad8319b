"""Lint many sources, in this process or in a pool, with identical output either way."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from typing import Literal

from wa_lint.api import RuleMeta
from wa_lint.cache import Cache, lint_cached
from wa_lint.discover import Source
from wa_lint.filter.dedup import drop_repeated_findings
from wa_lint.link.index import LinkIndex, build_index
from wa_lint.pipeline import FileResult, StackStage

_worker_rules: list[RuleMeta] = []
_worker_stage: StackStage | None = None
_worker_links: LinkIndex | None = None
_worker_cache: Cache | None = None
_parent_links: LinkIndex | None = None
INHERITED = "inherited"
"""Passed for the link index when workers are forked: they inherit the parent's, with the stacks
it already loaded, instead of a pickled copy that loads them all again."""

Progress = Callable[[int, int], None]
"""Called with (files done, files in total) as results arrive."""


def _init_worker(rule_ids: list[str], stage: StackStage | None, links: LinkIndex | str | None,
                 cache: Cache | None = None) -> None:
    """Each worker loads the rule packs itself: rule functions travel badly between processes.
    The filter stage, the link index and the cache are plain data and are pickled; each worker
    loads the linked stacks it needs itself (once) and stores its own results in the cache."""
    from wa_lint.plugins import load_rules

    global _worker_rules, _worker_stage, _worker_links, _worker_cache
    wanted = set(rule_ids)
    _worker_rules = [m for m in load_rules() if m.id in wanted]
    _worker_stage = stage
    _worker_links = _parent_links if links == INHERITED else links if isinstance(links, LinkIndex) else None
    _worker_cache = cache


def _lint_in_worker(job: tuple[int, Source, str | None]) -> tuple[int, FileResult]:
    at, source, key = job
    return at, lint_cached(_worker_cache, key, source, _worker_rules, _worker_stage, _worker_links, look=False)


def _collect(done: list[FileResult | None], fresh: Iterable[tuple[int, FileResult]], total: int,
             progress: Progress | None) -> list[FileResult]:
    """Fill the gaps of ``done`` (the cache's hits) with ``fresh`` results (by position, in any
    order); then drop repeated findings in source order, as a run without the cache would."""
    count = sum(r is not None for r in done)
    if progress is not None and count:
        progress(count, total)
    for at, result in fresh:
        done[at] = result
        count += 1
        if progress is not None:
            progress(count, total)
    out = [r for r in done if r is not None]
    seen: set[tuple[str, str, int, str, str]] = set()
    for result in out:
        drop_repeated_findings(result, seen)
    return out


def lint_all(
    sources: list[Source],
    rules: list[RuleMeta],
    jobs: int = 1,
    stage: StackStage | None = None,
    progress: Progress | None = None,
    links: LinkIndex | Literal["auto"] | None = "auto",
    cache: Cache | None = None,
) -> list[FileResult]:
    """Results in the order of ``sources`` whatever ``jobs`` is. The stacks of the run are linked
    (``wa_lint.link``): ``links`` is the run's index, None to lint each stack on its own, or
    "auto" to build the index here (without deployment options; the CLI builds its own).
    With ``cache``, valid stored results are read here and only the others are linted (and stored)."""
    total = len(sources)
    if links == "auto":
        links = build_index(sources)[0]
    keys: list[str | None] = [cache.key(s, stage, links) if cache is not None else None for s in sources]
    done: list[FileResult | None] = [None] * total
    if cache is not None:
        done = [cache.lookup(s, k) if k is not None else None for s, k in zip(sources, keys, strict=True)]
    todo = [(at, s, k) for at, (s, k, r) in enumerate(zip(sources, keys, done, strict=True)) if r is None]
    if jobs <= 1 or len(todo) <= 1:
        fresh = ((at, lint_cached(cache, k, s, rules, stage, links, look=False)) for at, s, k in todo)
        return _collect(done, fresh, total, progress)
    global _parent_links
    forked = multiprocessing.get_start_method() == "fork"
    _parent_links = links if forked else None
    workers = min(jobs, len(todo))
    initargs = ([m.id for m in rules], stage, INHERITED if forked and links is not None else links, cache)
    todo.sort(key=lambda job: -_size(job[1]))  # largest first, small ones fill the gaps at the end
    try:
        with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=initargs) as pool:
            chunks = max(1, len(todo) // (workers * 32))
            return _collect(done, pool.map(_lint_in_worker, todo, chunksize=chunks), total, progress)
    finally:
        _parent_links = None


def _size(source: Source) -> int:
    try:
        return os.stat(source.path).st_size if source.kind == "template" else 1 << 20
    except OSError:
        return 0
