"""The result cache and ``--jobs``, as ratios measured in one run (the machine's speed cancels out).

Over a copy of the corpus's serverless-patterns (≈ 280 templates) in a temporary directory:

- cold run (empty cache) vs. second run over the unchanged tree (target: at most 25 %);
- one template changed: the re-run lints only what depends on it (counted from ``--debug``'s
  ``cache hit`` lines) and its time;
- ``--no-cache --jobs 1`` vs. ``--no-cache --jobs 2``: templates per second (target: ≥ 1.6×).

Each figure is the best of ``--repeat`` runs (default 3), against the noise of a shared machine.

    python bench/cache.py [--corpus DIR] [--repeat N] [--check]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "serverless-patterns"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def wa_lint(tree: Path, *options: str) -> tuple[float, str]:
    """Seconds for one ``wa-lint report`` over ``tree`` (JSON to a file), and its stderr."""
    env = {k: v for k, v in os.environ.items() if k not in ("WA_LINT_NO_CACHE", "WA_LINT_CACHE_DIR")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wa_lint.cli", "report", ".", "-q", "--format", "json",
                           "-o", str(tree.parent / "out.json"), *options],
                          cwd=tree, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 2):  # 2: the corpus has broken templates on purpose
        sys.exit(f"wa-lint failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, done.stderr


def best(repeat: int, run: Callable[[], float]) -> float:
    return min(run() for _ in range(repeat))


def hits(stderr: str) -> int:
    return sum(line.startswith("wa-lint: debug: cache hit:") for line in stderr.splitlines())


def templates(tree: Path) -> list[Path]:
    return sorted(p for p in tree.rglob("*") if p.suffix in TEMPLATE_SUFFIXES and p.is_file()
                  and ".wa-lint-cache" not in p.parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"corpus not found: {args.corpus}")
    with tempfile.TemporaryDirectory(prefix="wa-lint-bench-cache-") as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(args.corpus, tree)
        count = len(templates(tree))
        cache = tree / ".wa-lint-cache"

        def cold() -> float:
            shutil.rmtree(cache, ignore_errors=True)
            return wa_lint(tree)[0]

        first = best(args.repeat, cold)
        wa_lint(tree)  # fill the cache once more after the last cold run
        second = best(args.repeat, lambda: wa_lint(tree)[0])
        target = next(p for p in templates(tree) if p.name.startswith("template"))
        original = target.read_text(encoding="utf-8")

        def one_changed() -> float:
            target.write_text(original + f"\n# edited {time.time_ns()}\n", encoding="utf-8")
            return wa_lint(tree)[0]

        changed = best(args.repeat, one_changed)
        sources = hits(wa_lint(tree, "--debug")[1])  # unchanged: every source is a hit
        target.write_text(original + "\n# edited once more\n", encoding="utf-8")
        kept = hits(wa_lint(tree, "--debug")[1])
        one = best(args.repeat, lambda: wa_lint(tree, "--no-cache", "--jobs", "1")[0])
        two = best(args.repeat, lambda: wa_lint(tree, "--no-cache", "--jobs", "2")[0])
    print(f"templates: {count} (best of {args.repeat}; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f})")
    print("| run | seconds | ratio to the cold run |")
    print("| --- | --- | --- |")
    print(f"| cold (empty cache) | {first:.2f} | 1.00 |")
    print(f"| unchanged tree | {second:.2f} | {second / first:.2f} |")
    print(f"| one template changed | {changed:.2f} | {changed / first:.2f} |")
    print(f"one template changed: {sources - kept} of {sources} sources linted again, {kept} read from the cache")
    print("| --jobs | seconds | templates/s | ratio |")
    print("| --- | --- | --- | --- |")
    print(f"| 1 | {one:.2f} | {count / one:.1f} | 1.00 |")
    print(f"| 2 | {two:.2f} | {count / two:.1f} | {one / two:.2f} |")
    missed = second / first > 0.25 or one / two < 1.6
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
