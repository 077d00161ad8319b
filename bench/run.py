"""Side-by-side benchmark: wa-lint against cfn-lint (and, when installed, cfn-lint with the
serverless-rules plugin and checkov) on the shared corpus and on one small template, cold.

Run with ``make bench`` (or ``python bench/run.py``); writes ``bench/RESULTS.md``. Figures are
ratios measured in one run on one machine, so the machine's speed cancels out.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SMALL = ROOT / "bench" / "small.yaml"
BIN = Path(sys.executable).parent
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}

MEASURE = (
    "import resource, subprocess, sys, time;"
    "t = time.perf_counter();"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


@dataclass
class Timing:
    seconds: float
    peak_kib: int


def measure(cmd: list[str], repeat: int = 1) -> Timing:
    """Wall time (median of ``repeat``) and peak RSS of one command, each run in a fresh process."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
        seconds, peak = out.stdout.split()
        runs.append(Timing(float(seconds), int(peak)))
    return Timing(statistics.median(r.seconds for r in runs), max(r.peak_kib for r in runs))


def corpus_inputs() -> tuple[list[str], list[str]]:
    """(wa-lint arguments, the same templates as files for the other tools)."""
    wa_args: list[str] = []
    files: list[str] = []
    for path in sorted(CORPUS.rglob("*")):
        if path.is_dir() and (path / "manifest.json").is_file() and path.name == "cdk.out":
            wa_args.append(str(path))
            files.extend(str(p) for p in sorted(path.glob("*.template.json")))
        elif path.is_file() and path.suffix in TEMPLATE_SUFFIXES and "cdk.out" not in path.parts:
            if path.name in {"package.json", "package-lock.json", "tsconfig.json", "cdk.json"}:
                continue
            wa_args.append(str(path))
            files.append(str(path))
    return wa_args, files


def tools(files: list[str], wa_args: list[str]) -> dict[str, list[str]]:
    wa = str(BIN / "wa-lint")
    found = {
        "wa-lint": [wa, "report", "--jobs", "1", "--fail-on", "never", "--format", "json", *wa_args],
        "cfn-lint": [str(BIN / "cfn-lint"), *files],
    }
    try:
        import cfn_lint_serverless  # noqa: F401

        found["cfn-lint + serverless-rules"] = [str(BIN / "cfn-lint"), "-a", "cfn_lint_serverless.rules", *files]
    except ImportError:
        pass
    checkov = shutil.which("checkov", path=str(BIN)) or shutil.which("checkov")
    if checkov:
        found["checkov"] = [checkov, "--framework", "cloudformation", "--quiet", "--compact",
                            *[a for f in files for a in ("-f", f)]]
    return found


def ratio(other: float, ours: float) -> str:
    return f"{other / ours:.1f}×" if ours else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="cold-start repetitions (median)")
    parser.add_argument("--skip-corpus", action="store_true")
    args = parser.parse_args()

    wa_args, files = corpus_inputs()
    small_tools = tools([str(SMALL)], [str(SMALL)])
    rows_small = {name: measure(cmd, args.repeat) for name, cmd in small_tools.items()}
    rows_corpus: dict[str, Timing] = {}
    if not args.skip_corpus:
        for name, cmd in tools(files, wa_args).items():
            print(f"corpus: {name} …", file=sys.stderr)
            rows_corpus[name] = measure(cmd)

    ours_small, ours_corpus = rows_small["wa-lint"], rows_corpus.get("wa-lint")
    lines = [
        "# Benchmark results",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} by `bench/run.py` in one run on {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}. wa-lint runs with `--jobs 1`. "
        "Ratios are the other tool's time (or memory) divided by wa-lint's: "
        "above 1× means wa-lint is faster (or smaller).",
        "",
        f"## One small template, cold start (`bench/small.yaml`, median of {args.repeat})",
        "",
        "| tool | seconds | ratio to wa-lint | peak RSS MiB | memory ratio |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, t in rows_small.items():
        lines.append(f"| {name} | {t.seconds:.2f} | {ratio(t.seconds, ours_small.seconds)} | "
                     f"{t.peak_kib / 1024:.0f} | {ratio(t.peak_kib, ours_small.peak_kib)} |")
    if ours_corpus:
        lines += [
            "",
            f"## Shared corpus ({len(files)} template files; wa-lint reads the {sum('cdk.out' in a for a in wa_args)} "
            "`cdk.out` folders as assemblies)",
            "",
            "| tool | seconds | templates/s | ratio to wa-lint | peak RSS MiB | memory ratio |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for name, t in rows_corpus.items():
            lines.append(f"| {name} | {t.seconds:.1f} | {len(files) / t.seconds:.1f} | "
                         f"{ratio(t.seconds, ours_corpus.seconds)} | {t.peak_kib / 1024:.0f} | "
                         f"{ratio(t.peak_kib, ours_corpus.peak_kib)} |")
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
