"""``wa_lint.sharing``: forked workers and this process share one job list; every job is done once,
a dead worker costs only the job it was on, and an unused crew goes away."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Iterator

import pytest

from wa_lint import sharing
from wa_lint.results import FileResult

pytestmark = pytest.mark.skipif(not sharing.available(), reason="the shared job list needs fork (Linux)")

PARENT = os.getpid()


def _done(job: int) -> FileResult:
    return FileResult(path=f"job{job}", resources=job, kind=str(os.getpid()))


def _lost(job: int, why: str) -> FileResult:
    return FileResult(path=f"job{job}", internal_error=why)


def _after(crew: sharing.Crew[int], taken: int) -> None:
    """Wait (bounded) until the workers have taken ``taken`` jobs from the large end."""
    deadline = time.monotonic() + 60
    while crew.cursor.from_front() < taken and time.monotonic() < deadline:
        time.sleep(0.001)


def test_every_job_is_done_once_workers_from_the_large_end_this_process_from_the_small() -> None:
    jobs = list(range(200, 0, -1))  # largest first
    started = multiprocessing.get_context("fork").Event()

    def theirs(job: int) -> FileResult:
        started.wait(60)  # this process takes part however fast the workers are
        return _done(job)

    crew = sharing.Crew(2, theirs)

    def mine(job: int) -> FileResult:
        started.set()
        _after(crew, 1)  # and the workers take part however busy the machine is
        return _done(job)

    try:
        got = list(crew.share(jobs, mine))
    finally:
        crew.dismiss()
    assert sorted(n for n, _ in got) == list(range(len(jobs)))
    assert all(result.path == f"job{jobs[n]}" for n, result in got)
    here = [jobs[n] for n, result in got if result.kind == str(PARENT)]
    there = [jobs[n] for n, result in got if result.kind != str(PARENT)]
    assert here
    assert there
    assert max(here) < min(there)


def test_first_runs_here_before_this_process_takes_jobs() -> None:
    jobs = list(range(50, 0, -1))
    order: list[str] = []

    def first() -> Iterator[tuple[int, FileResult]]:
        order.append("first")
        yield -1, FileResult(path="built here")

    def mine(job: int) -> FileResult:
        order.append("job")
        return _done(job)

    crew = sharing.Crew(1, _done)
    try:
        got = list(crew.share(jobs, mine, first))
    finally:
        crew.dismiss()
    assert order[0] == "first"
    assert (-1, FileResult(path="built here")) in got
    assert sorted(n for n, _ in got if n >= 0) == list(range(len(jobs)))


def _dies_on_13(job: int) -> FileResult:
    if job == 13 and os.getpid() != PARENT:
        os._exit(3)
    return _done(job)


def test_a_dead_worker_costs_only_the_job_it_was_on() -> None:
    jobs = list(range(40, 0, -1))
    crew = sharing.Crew(1, _dies_on_13)

    def mine(job: int) -> FileResult:
        _after(crew, jobs.index(13) + 1)  # the worker reaches job 13 before this process could
        return _done(job)

    try:
        got = dict(crew.share(jobs, mine, lost=_lost))
    finally:
        crew.dismiss()
    assert sorted(got) == list(range(len(jobs)))
    dead = got[jobs.index(13)]
    assert dead.internal_error is not None
    assert "exit code 3" in dead.internal_error
    assert all(r.internal_error is None for n, r in got.items() if jobs[n] != 13)
    assert all(r.path == f"job{jobs[n]}" for n, r in got.items())


def test_a_crew_given_no_jobs_goes_away() -> None:
    crew = sharing.Crew(2, _done)
    crew.dismiss()
    crew.dismiss()  # twice is fine


def test_an_empty_job_list() -> None:
    crew = sharing.Crew(1, _done)
    try:
        assert list(crew.share([], _done)) == []
    finally:
        crew.dismiss()


def _slow(job: int) -> FileResult:
    time.sleep(0.01)
    return _done(job)


def test_an_interrupted_share_stops_the_workers_after_their_current_job() -> None:
    jobs = list(range(10_000, 0, -1))  # 100 s of the worker's jobs
    crew = sharing.Crew(1, _slow)
    shared = crew.share(jobs, _done)
    next(shared)  # this process has done one job
    _after(crew, 1)  # and the worker is taking from the other end
    shared.close()  # as when the run is interrupted
    started = time.monotonic()
    crew.dismiss()
    # a generous bound: without the cursor emptied, the worker would go on until the 5 s join timeout
    assert time.monotonic() - started < 4


def _unpicklable_on_7(job: int) -> FileResult:
    result = _done(job)
    if job == 7:
        result.graphs.append({"not data": lambda: None})  # a result that cannot travel
    return result


def test_a_result_that_cannot_be_sent_is_linted_here() -> None:
    jobs = list(range(20, 0, -1))
    crew = sharing.Crew(1, _unpicklable_on_7)

    def mine(job: int) -> FileResult:
        _after(crew, jobs.index(7) + 2)  # the worker takes job 7, then job 6
        return _done(job)

    try:
        got = dict(crew.share(jobs, mine))
    finally:
        crew.dismiss()
    assert sorted(got) == list(range(len(jobs)))
    assert got[jobs.index(7)].kind == str(PARENT)  # done again here
    assert got[jobs.index(6)].kind != str(PARENT)  # the worker's sending went on after it
    assert all(r.internal_error is None for r in got.values())
