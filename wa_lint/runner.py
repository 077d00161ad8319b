"""Lint many sources, in this process or in a pool, with identical output either way."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

from wa_lint.cache import Cache, lint_cached
from wa_lint.discover import Source, peek
from wa_lint.filter.dedup import drop_repeated_findings
from wa_lint.finding import RuleMeta
from wa_lint.link.index import DeferredIndex, LinkIndex, build_index
from wa_lint.pipeline import FileResult, StackStage

_worker_rules: list[RuleMeta] = []
_worker_stage: StackStage | None = None
_worker_links: LinkIndex | None = None
_worker_cache: Cache | None = None
_parent_links: LinkIndex | None = None
INHERITED = "inherited"
"""Passed for the link index when workers are forked: they inherit the parent's, with the stacks
it already loaded, instead of a pickled copy that loads them all again."""

WARM_UP_LOOK = 64
SAM_TRANSFORM = b"AWS::Serverless-2016-10-31"
MODEL_SIGNS = (b"AWS::Serverless::GraphQLApi", b"AWS::Serverless::CapacityProvider", b"CapacityProviderConfig",
               b"AWS::Serverless::NetworkConnector", b"AWS::Serverless::MicrovmImage")
"""What a SAM template says when its translation needs the deferred schema models
(``wa_lint.expand.sam_translate.DEFERRED``)."""
Job = tuple[int, Source, str | None]
"""(position in the run, source, cache key)."""
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


def _lint_chunk(chunk: list[Job]) -> list[tuple[int, FileResult]]:
    return [(at, lint_cached(_worker_cache, key, source, _worker_rules, _worker_stage, _worker_links, look=False))
            for at, source, key in chunk]


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
    links: LinkIndex | DeferredIndex | Literal["auto"] | None = "auto",
    cache: Cache | None = None,
) -> list[FileResult]:
    """Results in the order of ``sources`` whatever ``jobs`` is. The stacks of the run are linked
    (``wa_lint.link``): ``links`` is the run's index, None to lint each stack on its own, "auto" to
    build the index here (without deployment options; the CLI builds its own), or a
    :class:`DeferredIndex` that a parallel run builds while the pool lints the other sources.
    With ``cache``, valid stored results are read here and only the others are linted (and stored)."""
    total = len(sources)
    if links == "auto":
        links = build_index(sources)[0]
    if isinstance(links, DeferredIndex) and (jobs <= 1 or not _can_share()):
        links = links.build()
    built = None if isinstance(links, DeferredIndex) else links
    later = links.candidates if isinstance(links, DeferredIndex) else set()  # their keys need the index
    keys: list[str | None] = [cache.key(s, stage, built) if cache is not None and s.display not in later else None
                              for s in sources]
    done: list[FileResult | None] = [None] * total
    if cache is not None:
        done = [cache.lookup(s, k) if k is not None else None for s, k in zip(sources, keys, strict=True)]
    todo = [(at, s, k) for at, (s, k, r) in enumerate(zip(sources, keys, done, strict=True)) if r is None]
    if isinstance(links, DeferredIndex):  # only where sharing is available; it builds the index
        return _collect(done, _shared(todo, rules, jobs, stage, links, cache), total, progress)
    if jobs <= 1 or len(todo) <= 1:
        fresh = ((at, lint_cached(cache, k, s, rules, stage, built, look=False)) for at, s, k in todo)
        return _collect(done, fresh, total, progress)
    if _can_share():
        return _collect(done, _shared(todo, rules, jobs, stage, links, cache), total, progress)
    return _collect(done, _parallel(todo, rules, jobs, stage, built, cache), total, progress)


def _shared(todo: list[Job], rules: list[RuleMeta], jobs: int, stage: StackStage | None,
            links: LinkIndex | DeferredIndex | None, cache: Cache | None) -> Iterator[tuple[int, FileResult]]:
    """``jobs`` processes lint ``todo`` through a :class:`wa_lint.sharing.Crew`: ``jobs - 1``
    forked workers from the large end, this process from the small end. Before the fork this
    process lints one small SAM template, so that the workers inherit its imports and first-use
    work. After it, this process first lints the sources the link index involves (building a
    deferred index first, while the workers already lint: it then has their stacks loaded) and
    the few that need the translator's schema models (:func:`_one_process_for_models`)."""
    involved = links.candidates if isinstance(links, DeferredIndex) else set(links.sources) if links else set()
    involved |= _one_process_for_models(todo, jobs)
    mine = [job for job in todo if job[1].display in involved]
    todo = sorted((job for job in todo if job[1].display not in involved), key=lambda job: -_size(job[1]))
    built = links if isinstance(links, LinkIndex) else None

    def lint(job: Job) -> FileResult:
        return lint_cached(cache, job[2], job[1], rules, stage, built, look=False)

    def first() -> Iterator[tuple[int, FileResult]]:
        nonlocal built
        if isinstance(links, DeferredIndex):
            built = links.build()
        for n, (at, source, key) in enumerate(mine):
            if cache is not None and key is None:  # a candidate of a deferred index: its key needed the index
                yield -1 - n, lint_cached(cache, cache.key(source, stage, built), source, rules, stage, built)
            else:
                yield -1 - n, lint((at, source, key))

    def lost(job: Job, why: str) -> FileResult:
        return FileResult(path=job[1].display, internal_error=f"{job[1].display}: internal error: {why}")

    if len(todo) > 1:
        warm = todo.pop(_warm_up(todo))
        yield warm[0], lint(warm)
    if len(todo) <= 1:
        for n, result in first():
            yield mine[-1 - n][0], result
        yield from ((job[0], lint(job)) for job in todo)
        return
    from wa_lint.sharing import Crew  # imported only by runs that fork (multiprocessing, threads)

    crew = Crew(max(1, jobs - 1), lint)  # the workers' lint sees no deferred index: they never lint its sources
    try:
        for n, result in crew.share(todo, lint, first, lost):
            yield (mine[-1 - n] if n < 0 else todo[n])[0], result
    finally:
        crew.dismiss()


def _can_share() -> bool:
    from wa_lint import sharing

    return sharing.available()


def _one_process_for_models(todo: list[Job], jobs: int) -> set[str]:
    """The SAM templates whose translation loads pydantic and the translator's schema models
    (:data:`MODEL_SIGNS`), when they are few enough for one process to lint them: each process
    that translates one pays ≈ 0.1 s the first time, so only this one should."""
    found = set()
    for _, source, _ in todo:
        head = peek(source.path) if source.kind == "template" else None
        if head is not None and SAM_TRANSFORM in head and any(sign in head for sign in MODEL_SIGNS):
            found.add(source.display)
    return found if len(found) <= len(todo) // (2 * jobs) else set()


def _parallel(todo: list[Job], rules: list[RuleMeta], jobs: int, stage: StackStage | None,
              links: LinkIndex | None, cache: Cache | None) -> Iterator[tuple[int, FileResult]]:
    """``jobs`` processes lint ``todo`` where the shared job list is not available (no safe
    fork): a pool of ``jobs - 1`` workers and this process, which would otherwise only wait. The
    pool takes the sources largest first in guided chunks; this process takes the pool's
    unstarted chunks from the small end until the pool has reached them. ``links`` is built:
    without the shared job list, :func:`lint_all` builds a deferred index before it lints."""
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _parent_links
    todo.sort(key=lambda job: -_size(job[1]))  # largest first, small ones fill the gaps at the end
    forked = multiprocessing.get_start_method() == "fork"
    if forked and len(todo) > 1:  # warm this process before the fork, for the workers to inherit
        at, source, key = todo.pop(_warm_up(todo))
        yield at, lint_cached(cache, key, source, rules, stage, links, look=False)
    _parent_links = links if forked else None
    shared: LinkIndex | str | None = INHERITED if forked and links is not None else links
    workers = max(1, min(jobs - 1, len(todo)))
    chunks = _chunks(todo, jobs)
    if forked:
        gc.freeze()  # the workers' collections leave the inherited objects (and their pages) alone
    try:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=([m.id for m in rules], stage, shared, cache)) as pool:
            futures = [pool.submit(_lint_chunk, chunk) for chunk in chunks]
            try:
                stolen = 0
                for future, chunk in zip(reversed(futures), reversed(chunks), strict=True):
                    if not future.cancel():
                        break
                    stolen += 1
                    for at, source, key in chunk:
                        yield at, lint_cached(cache, key, source, rules, stage, links, look=False)
                for future in futures[:len(futures) - stolen]:
                    yield from future.result()
            finally:  # an interrupted run does not wait for the chunks nobody started
                for future in futures:
                    future.cancel()
    finally:
        _parent_links = None
        if forked:
            gc.unfreeze()


def _warm_up(todo: list[Job]) -> int:
    """Which job to lint before forking: the smallest SAM template among the last ones (a fresh
    process pays ≈ 0.2 s on its first: imports, the translator's and the rules' first-use work),
    else the smallest job."""
    for n in range(len(todo) - 1, max(-1, len(todo) - 1 - WARM_UP_LOOK), -1):
        source = todo[n][1]
        head = peek(source.path) if source.kind == "template" else None
        if head is not None and SAM_TRANSFORM in head:
            return n
    return len(todo) - 1


def _chunks(jobs_todo: list[Job], jobs: int) -> list[list[Job]]:
    """Guided chunks: each an eighth of the remainder's share per process, so the chunks shrink
    to single sources at the end, where this process takes them and where the last one a worker
    started is what everybody waits for."""
    out: list[list[Job]] = []
    at = 0
    while at < len(jobs_todo):
        size = max(1, (len(jobs_todo) - at) // (jobs * 8))
        out.append(jobs_todo[at:at + size])
        at += size
    return out


def _size(source: Source) -> int:
    try:
        return os.stat(source.path).st_size if source.kind == "template" else 1 << 20
    except OSError:
        return 0
