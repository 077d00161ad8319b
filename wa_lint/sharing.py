"""``--jobs N`` where processes fork: N − 1 forked workers and this process share one job list.

A :class:`Crew` is forked, then :meth:`Crew.share` hands it the job list, sorted largest first.
Workers take one job at a time from the large end, this process from the small end, under one
lock, so every process finishes within one small job of the others (a pool hands out chunks and
queues work ahead: its last queued chunks ran while this process waited). Forked workers inherit
what this process holds (rules, filter stage, cache, the modules it imported and their first-use
work), so only the job list is pickled on the way in; each worker's results come back through its
own pipe, sent by a thread so that linting never waits for this process to read.

A worker that dies (killed, or a crash in a C extension) costs only the job it was on: that job
gets the ``lost`` result, and the jobs whose results it had not sent yet are linted here.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import queue
import sys
import threading
from collections.abc import Callable, Generator, Iterator
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, ForkProcess
from typing import Any, Generic, TypeVar

from wa_lint.results import FileResult

T = TypeVar("T")
Result = tuple[int, FileResult]
"""(index in the job list, its result)."""


def available() -> bool:
    """Fork is there and safe: Linux (macOS has it, but its system libraries are not fork-safe)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class Cursor:
    """The two ends of the shared job list: ``[front, back)`` is what nobody has taken yet."""

    def __init__(self, ctx: ForkContext) -> None:
        self._lock = ctx.Lock()
        self._ends = ctx.RawArray("i", [0, 0])

    def reset(self, total: int) -> None:
        with self._lock:
            self._ends[0], self._ends[1] = 0, total

    def take(self, large: bool) -> int | None:
        """The next job's index from the large end (``large``) or the small end; None when all are taken."""
        with self._lock:
            front, back = int(self._ends[0]), int(self._ends[1])
            if front >= back:
                return None
            if large:
                self._ends[0] = front + 1
                return front
            self._ends[1] = back - 1
            return back - 1

    def from_front(self) -> int:
        """How many jobs were taken from the large end (by the workers): indices below it."""
        with self._lock:
            return int(self._ends[0])


class Crew(Generic[T]):
    """``workers`` processes forked now, each waiting for a job list to lint with ``lint``
    (inherited, never pickled). One :meth:`share` per crew; :meth:`dismiss` ends it."""

    def __init__(self, workers: int, lint: Callable[[T], FileResult]) -> None:
        ctx = multiprocessing.get_context("fork")
        self.cursor = Cursor(ctx)
        self._current = ctx.RawArray("i", [-1] * workers)
        self._members: list[tuple[ForkProcess, Connection]] = []
        self._lint = lint
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the workers' collections leave the inherited objects (and their pages) alone
        try:
            for slot in range(workers):
                here, there = ctx.Pipe()
                process = ctx.Process(target=_standby, args=(slot, self.cursor, self._current, there, lint),
                                      daemon=True)
                process.start()
                there.close()
                self._members.append((process, here))
        finally:
            gc.unfreeze()  # the children keep their frozen copy

    def share(self, jobs: list[T], lint: Callable[[T], FileResult], first: Callable[[], Iterator[Result]] | None = None,
              lost: Callable[[T, str], FileResult] | None = None) -> Generator[Result, None, None]:
        """Results over ``jobs`` (sorted largest first) in the order they are done: the workers
        with the crew's ``lint``, this process with ``lint`` (which may see what ``first`` built).
        ``first`` runs here once the workers have their jobs, before this process takes any;
        ``lost(job, why)`` is the result of a job whose worker died on it."""
        self.cursor.reset(len(jobs))
        members = [(process, here) for process, here in self._members if not here.closed]
        # sent by a thread: a long list fills the pipe before the worker reads it
        handing = threading.Thread(target=_hand_out, args=(jobs, [here for _, here in members]), daemon=True)
        handing.start()
        got: set[int] = set()
        if first is not None:
            yield from _drained(first(), members, got)
        while (n := self.cursor.take(large=False)) is not None:
            yield from _drained(iter([(n, lint(jobs[n]))]), members, got)
        yield from _gathered(members, got)
        handing.join()
        for slot, (process, _) in enumerate(self._members):
            process.join()
            blamed = self._current[slot]
            if 0 <= blamed < len(jobs) and blamed not in got:
                got.add(blamed)
                why = f"the worker process linting it ended with exit code {process.exitcode}"
                yield blamed, (lost(jobs[blamed], why) if lost is not None else lint(jobs[blamed]))
        for n in range(self.cursor.from_front()):  # done by a worker that died before sending them
            if n not in got:
                yield n, lint(jobs[n])

    def dismiss(self) -> None:
        """End the workers (those given no jobs stop waiting, the others after the job they are on);
        safe to call more than once."""
        self.cursor.reset(0)  # an interrupted share: nothing more to take
        for process, here in self._members:
            if process.is_alive() and not here.closed:
                with contextlib.suppress(OSError):
                    here.send(None)
            here.close()
        for process, _ in self._members:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()
        self._members = []


def _hand_out(jobs: list[Any], pipes: list[Connection]) -> None:
    for here in pipes:
        with contextlib.suppress(OSError):  # died before its jobs came: the others and this process do its share
            here.send(jobs)


def _standby(slot: int, cursor: Cursor, current: Any, conn: Connection, lint: Callable[[T], FileResult]) -> None:
    """A worker: wait for the job list (None: nothing to do), then take jobs from the large end
    until none is left; ``current[slot]`` names the job it is on, for the parent to blame if it
    dies."""
    try:
        jobs = conn.recv()
    except EOFError:
        return
    if jobs is None:
        return
    outbox: queue.SimpleQueue[Result | None] = queue.SimpleQueue()
    sender = threading.Thread(target=_send_all, args=(outbox, conn), daemon=True)
    sender.start()
    while (n := cursor.take(large=True)) is not None:
        current[slot] = n
        outbox.put((n, lint(jobs[n])))
    current[slot] = -1
    outbox.put(None)
    sender.join()


def _send_all(outbox: queue.SimpleQueue[Result | None], conn: Connection) -> None:
    """Send each result as it comes. One that cannot be pickled is not sent (the parent lints that
    job again itself); a closed pipe (the parent has gone) ends the sending."""
    while (item := outbox.get()) is not None:
        try:
            conn.send(item)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            continue
        except OSError:
            break
    conn.close()


def _drained(mine: Iterator[Result], members: list[tuple[ForkProcess, Connection]], got: set[int]) -> Iterator[Result]:
    """This process's own results, each followed by whatever the workers have sent meanwhile."""
    for item in mine:
        yield item
        for _, here in members:
            yield from _ready(here, got)


def _ready(here: Connection, got: set[int]) -> Iterator[Result]:
    try:
        while not here.closed and here.poll():
            n, result = here.recv()
            got.add(n)
            yield n, result
    except (EOFError, OSError):
        here.close()


def _gathered(members: list[tuple[ForkProcess, Connection]], got: set[int]) -> Iterator[Result]:
    """Every result still to come, until each worker has closed its pipe (done or dead)."""
    open_pipes = [here for _, here in members if not here.closed]
    while open_pipes:
        for here in wait(open_pipes):
            assert isinstance(here, Connection)
            try:
                n, result = here.recv()
            except (EOFError, OSError):
                here.close()
                open_pipes.remove(here)
                continue
            got.add(n)
            yield n, result
