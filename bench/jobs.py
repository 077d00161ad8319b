"""``--jobs 2`` against ``--jobs 1`` (issue 18: at least 1.6× the templates per second), with CPU accounting.

Wall-clock time on a shared 2-core machine says more about the other jobs than about wa-lint, so each
run also reports the CPU seconds of the main process (its own ``getrusage(RUSAGE_SELF)``, taken as it
exits) and of its pool workers (``RUSAGE_CHILDREN``). With N idle cores a run takes at least
``max(main, (main + workers) / N)`` seconds: the main process is one thread, and the work cannot
spread better than evenly. ``wa_lint.runner`` keeps the main process linting until the pool is
done, so this bound is what an idle machine shows; it is printed as the projected ratio next to
the measured one. (Before that change the main process waited for the pool: ``main + workers / N``.)
Medians of ``--repeat`` runs (default 5), the two configurations interleaved so that a change of
load hits both; the load average is printed.

    python bench/jobs.py [DIR ...] [--repeat N] [--copies K] [--check]

``--copies K`` lints K copies of the SAM templates of the given trees (a synthetic set of bigger
runs: each copy is a different file, so the pool has K times the work for the same start-up).

Each repeat also runs two *independent halves*: two ``--jobs 1`` processes at once, each on one
half of the input (split by directory, balanced by template bytes), timed until both have exited.
They share nothing and wait for nothing, and each discovers and renders only its half; what keeps
them from 2× is what every process pays for itself (interpreter, imports, rules, first use) and
how evenly bytes split the work. Where ``--jobs 2`` comes close to them, its scheduling costs
little, and only a shorter start-up can raise the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
TARGET = 1.6

# Runs the CLI, writes the process's own and its waited-for children's CPU seconds to argv[1],
# then exits as the wa-lint script does.
_WRAPPER = """
import json, resource, sys
from wa_lint.cli import hard_exit, main
out, argv = sys.argv[1], sys.argv[2:]
try:
    rc = main(argv)
finally:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as f:
        json.dump({"main": me.ru_utime + me.ru_stime, "workers": kids.ru_utime + kids.ru_stime}, f)
hard_exit(rc)  # as the wa-lint script exits
"""


@dataclass
class Run:
    wall: float
    main: float  # CPU seconds of the main process
    workers: float  # CPU seconds of the pool workers

    @property
    def cpu(self) -> float:
        return self.main + self.workers


def lint(paths: list[Path], jobs: int, scratch: Path) -> Run:
    usage = scratch / "usage.json"
    argv = ["report", *map(str, paths), "--no-cache", "--quiet", "--format", "json", "-o", str(scratch / "out.json"),
            "--fail-on", "never", "--jobs", str(jobs)]
    env = {k: v for k, v in os.environ.items() if k not in ("WA_LINT_NO_CACHE", "WA_LINT_CACHE_DIR")}
    (scratch / "out.json").unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, str(usage), *argv], env=env, capture_output=True,
                          text=True, cwd=scratch)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 2) or not (scratch / "out.json").is_file():  # 2: broken templates on purpose
        sys.exit(f"wa-lint failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = json.loads(usage.read_text())
    return Run(wall, cpu["main"], cpu["workers"])


def halves(paths: list[Path], pieces: int = 32) -> tuple[list[Path], list[Path]]:
    """The input as two lists of directories (and loose files) of about equal template bytes: the
    largest directory is split into its entries until there are ``pieces`` of them (so an
    application's templates stay together where the tree allows)."""

    def size(entry: Path) -> int:
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file()]
        return sum(p.stat().st_size for p in files if p.suffix in TEMPLATE_SUFFIXES)

    groups = [(size(p), p) for p in paths]
    while len(groups) < pieces:
        groups.sort(key=lambda g: -g[0])
        at = next((n for n, (_, p) in enumerate(groups) if p.is_dir()), None)
        if at is None:
            break
        _, biggest = groups.pop(at)
        groups += [(size(child), child) for child in sorted(biggest.iterdir())]
    out: tuple[list[Path], list[Path]] = ([], [])
    load = [0, 0]
    for weight, entry in sorted((g for g in groups if g[0]), key=lambda g: -g[0]):
        lighter = 0 if load[0] <= load[1] else 1
        out[lighter].append(entry)
        load[lighter] += weight
    return out


def independent_halves(parts: tuple[list[Path], list[Path]], scratch: Path) -> float:
    """Seconds until two independent ``--jobs 1`` processes, one per half, have both exited."""
    env = {k: v for k, v in os.environ.items() if k not in ("WA_LINT_NO_CACHE", "WA_LINT_CACHE_DIR")}
    start = time.perf_counter()
    running = [subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(scratch / f"usage{n}.json"), "report", *map(str, part), "--no-cache",
         "--quiet", "--format", "json", "-o", str(scratch / f"half{n}.json"), "--fail-on", "never", "--jobs", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=scratch) for n, part in enumerate(parts)]
    codes = [p.wait() for p in running]
    wall = time.perf_counter() - start
    if any(code not in (0, 2) for code in codes):
        sys.exit(f"wa-lint failed on a half ({codes})")
    return wall


def count_templates(paths: list[Path]) -> int:
    return sum(1 for root in paths for p in ([root] if root.is_file() else root.rglob("*"))
               if p.suffix in TEMPLATE_SUFFIXES and p.is_file())


def sam_copies(trees: list[Path], copies: int, into: Path) -> Path:
    """``copies`` copies of every SAM template (``Transform: AWS::Serverless``) under ``trees``."""
    found = [p for root in trees for p in sorted(root.rglob("*")) if p.suffix in TEMPLATE_SUFFIXES and p.is_file()
             and b"AWS::Serverless-2016-10-31" in p.read_bytes()[:1 << 20]]
    for k in range(copies):
        for n, path in enumerate(found):
            target = into / f"copy{k}" / f"{n:04d}" / path.name
            target.parent.mkdir(parents=True)
            shutil.copyfile(path, target)
    return into


def median(runs: list[Run], field: str) -> float:
    return float(statistics.median(getattr(r, field) for r in runs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=0, help="lint this many copies of the SAM templates instead")
    parser.add_argument("--check", action="store_true", help="exit 1 when the projected ratio misses the target")
    args = parser.parse_args()
    paths = [p.resolve() for p in (args.paths or [CORPUS / "serverless-patterns"])]
    with tempfile.TemporaryDirectory(prefix="wa-lint-bench-jobs-") as tmp:
        scratch = Path(tmp)
        if args.copies:
            paths = [sam_copies(paths, args.copies, scratch / "set")]
        count = count_templates(paths)
        loads = [os.getloadavg()[0]]
        lint(paths, 1, scratch)  # warm the page cache and the bytecode
        runs: dict[int, list[Run]] = {1: [], 2: []}
        parts = halves(paths)
        bounds: list[float] = []
        for _ in range(args.repeat):
            for jobs in (1, 2):
                runs[jobs].append(lint(paths, jobs, scratch))
            bounds.append(independent_halves(parts, scratch))
            loads.append(os.getloadavg()[0])
    print(f"templates: {count}; medians of {args.repeat}; {os.cpu_count()} CPUs; "
          f"load average {min(loads):.1f}–{max(loads):.1f}")
    print("| --jobs | wall s | templates/s | CPU s (main + workers) | projected wall s, idle cores |")
    print("| --- | --- | --- | --- | --- |")
    projected = {}
    for jobs, rs in runs.items():
        wall, main_cpu, workers = median(rs, "wall"), median(rs, "main"), median(rs, "workers")
        projected[jobs] = max(main_cpu, (main_cpu + workers) / jobs)
        print(f"| {jobs} | {wall:.2f} | {count / wall:.1f} | {main_cpu + workers:.2f} ({main_cpu:.2f} + {workers:.2f}) "
              f"| {projected[jobs]:.2f} |")
    measured = median(runs[1], "wall") / median(runs[2], "wall")
    ratio = projected[1] / projected[2]
    print(f"ratio --jobs 2 / --jobs 1: measured {measured:.2f}×, projected {ratio:.2f}× (target {TARGET}×)")
    bound = float(statistics.median(bounds))
    print(f"independent halves: two --jobs 1 processes at once, one per half ({len(parts[0])} and "
          f"{len(parts[1])} directories or files) {bound:.2f} s, "
          f"{median(runs[1], 'wall') / bound:.2f}× the --jobs 1 run")
    return 1 if args.check and ratio < TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
