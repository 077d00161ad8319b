"""What each rule costs over the corpus, in one process (issue 15: the second-round rules cost less
than 15 % of the run time).

Runs ``wa-lint report`` in this process over the corpus with every rule on (``--severity-min info``
also selects the rules that are off by default), one process, no cache, each rule's check timed
as it runs (the generator drained inside the timer). The run time is that of the whole command
in this process (discovery, link index, load and expansion, graphs, rules, filter, rendering);
the interpreter's start-up is left out, which makes the rules' share larger, not smaller.
Each figure is the median of ``--repeat`` runs (default 3).

    python bench/rules_cost.py [DIR ...] [--repeat N] [--markdown] [--check]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SECOND_ROUND = ("WA110", "WA111", "WA112", "WA207", "WA214", "WA303", "WA405", "WA406", "WA505", "WA506", "WA508")
TARGET = 0.15


def _timed(meta: Any, spent: dict[str, float]) -> Any:
    check: Callable[[Any], Iterable[Any]] = meta.check

    def run(graph: Any) -> list[Any]:
        start = time.perf_counter()
        try:
            return list(check(graph))
        finally:
            spent[meta.id] += time.perf_counter() - start

    return dataclasses.replace(meta, check=run)


def one_run(paths: list[Path]) -> tuple[float, dict[str, float]]:
    """Seconds of one in-process run over ``paths``, and seconds per rule."""
    import wa_lint.plugins
    from wa_lint.cli import main

    spent: dict[str, float] = defaultdict(float)
    load_rules = wa_lint.plugins.load_rules
    wa_lint.plugins.load_rules = lambda: [_timed(m, spent) for m in load_rules()]
    try:
        with tempfile.TemporaryDirectory(prefix="wa-lint-rules-cost-") as tmp:
            start = time.perf_counter()
            main(["report", *map(str, paths), "--no-cache", "--jobs", "1", "--quiet", "--severity-min", "info",
                  "--fail-on", "never", "--format", "json", "-o", os.path.join(tmp, "out.json")])
            total = time.perf_counter() - start
    finally:
        wa_lint.plugins.load_rules = load_rules
    return total, dict(spent)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--markdown", action="store_true", help="a section for bench/RESULTS.md")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    paths = args.paths or [CORPUS]
    if not all(p.exists() for p in paths):
        sys.exit(f"not found: {' '.join(str(p) for p in paths if not p.exists())}")
    sys.stderr = open(os.devnull, "w")  # the corpus's warnings  # noqa: SIM115
    runs = [one_run(paths) for _ in range(args.repeat)]
    sys.stderr = sys.__stderr__
    total = statistics.median(t for t, _ in runs)
    rules = sorted({r for _, spent in runs for r in spent})
    per_rule = {r: statistics.median(spent.get(r, 0.0) for _, spent in runs) for r in rules}
    all_rules = statistics.median(sum(spent.values()) for _, spent in runs)
    second = statistics.median(sum(spent.get(r, 0.0) for r in SECOND_ROUND) for _, spent in runs)
    share = second / total
    lines = [
        f"In-process run over {', '.join(p.name for p in paths)} with every rule on, `--jobs 1`, no cache; "
        f"median of {args.repeat} (load average {os.getloadavg()[0]:.1f}). Each rule's check is timed as it runs (its "
        "generator drained inside the timer); a rule that is the first to ask for a shared analysis of the graph is "
        "charged for it. The run is the whole `wa-lint report` call in the process (discovery, link index, load and "
        "expansion, graphs, rules, filter, rendering), without the interpreter's start-up.",
        "",
        "| | seconds | share of the run |",
        "| --- | --- | --- |",
        f"| whole run (`wa-lint report`, in process) | {total:.2f} | 100 % |",
        f"| all {len(rules)} rules' checks | {all_rules:.2f} | {all_rules / total:.1%} |",
        f"| the 11 second-round rules ({', '.join(SECOND_ROUND)}) | {second:.3f} | {share:.1%} |",
        "",
        "| second-round rule | ms | share of the run |",
        "| --- | --- | --- |",
        *(f"| {r} | {per_rule.get(r, 0.0) * 1000:.1f} | {per_rule.get(r, 0.0) / total:.2%} |" for r in SECOND_ROUND),
        "",
        f"Target: the second-round rules cost less than {TARGET:.0%} of the run time: "
        + ("met" if share < TARGET else "**not met**") + f" ({share:.1%}).",
    ]
    if not args.markdown:
        costly = sorted(per_rule.items(), key=lambda kv: -kv[1])[:10]
        lines += ["", "Costliest rules: " + ", ".join(f"{r} {s * 1000:.0f} ms" for r, s in costly)]
    print("\n".join(lines))
    return 1 if args.check and share >= TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
