"""Side-by-side benchmark: wa-lint against cfn-lint, cfn-lint with the serverless-rules plugin
(cfn-lint-serverless) and checkov, in one run on one machine.

``make bench`` installs the other tools into their own virtual environment (``.venv-bench``, so
their pins cannot disturb wa-lint's) and runs this script, which writes ``bench/RESULTS.md``.
Every command runs in a fresh process; figures are compared as ratios, so the machine's speed
cancels out. wa-lint runs with ``--jobs 1`` (one process), as the targets require. The rule-cost
section comes from ``bench/rules_cost.py`` (issue 15); ``bench/profiling.md`` (hand-written: profiling,
the cache, ``--jobs`` and editor figures) is appended as it is.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
SMALL_CFN = ROOT / "bench" / "small.yaml"
SMALL_SAM = ROOT / "bench" / "small-sam.yaml"
TEMPLATE_SUFFIXES = {".yaml", ".yml", ".json", ".template"}
NOT_TEMPLATES = {"package.json", "package-lock.json", "tsconfig.json", "cdk.json", "cdk.context.json"}

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


def check_runs(cmd: list[str]) -> None:
    """A tool that crashes would look fast: refuse to time it."""
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if "Traceback" in proc.stderr:
        raise SystemExit(f"{cmd[0]} failed: {proc.stderr.strip().splitlines()[-1]}")


def measure(cmd: list[str], repeat: int = 1) -> Timing:
    """Wall time (median of ``repeat``) and peak RSS of one command, each run in a fresh process."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", MEASURE, *cmd], capture_output=True, text=True, check=True)
        seconds, peak = out.stdout.split()
        runs.append(Timing(float(seconds), int(peak)))
    return Timing(statistics.median(r.seconds for r in runs), max(r.peak_kib for r in runs))


def inputs(root: Path) -> tuple[list[str], list[str]]:
    """(wa-lint arguments, the same templates as files for the other tools) under ``root``;
    wa-lint reads a ``cdk.out`` folder as one assembly, the others its ``*.template.json`` files."""
    wa_args: list[str] = []
    files: list[str] = []
    for path in sorted(root.rglob("*")):
        if path.is_dir() and path.name == "cdk.out" and (path / "manifest.json").is_file():
            wa_args.append(str(path))
            files.extend(str(p) for p in sorted(path.glob("*.template.json")))
        elif (path.is_file() and path.suffix in TEMPLATE_SUFFIXES and "cdk.out" not in path.parts
              and path.name not in NOT_TEMPLATES):
            wa_args.append(str(path))
            files.append(str(path))
    return wa_args, files


def commands(wa_bin: Path, tools_bin: Path, files: list[str], wa_args: list[str]) -> dict[str, list[str]]:
    found = {
        # --no-cache: every run is a cold lint, as the other tools' runs are (the result cache would
        # answer the repeated runs of a median from disk)
        "wa-lint": [str(wa_bin / "wa-lint"), "report", "--jobs", "1", "--fail-on", "never", "--format", "json",
                    "--no-config", "--no-cache", *wa_args],
        "cfn-lint": [str(tools_bin / "cfn-lint"), *files],
    }
    if (tools_bin / "python").exists() and subprocess.run(
        [str(tools_bin / "python"), "-c", "import cfn_lint_serverless"], capture_output=True, check=False
    ).returncode == 0:
        # templates first: -a takes any number of rule modules
        found["cfn-lint + serverless-rules"] = [str(tools_bin / "cfn-lint"), *files, "-a", "cfn_lint_serverless.rules"]
    if (tools_bin / "checkov").exists():
        found["checkov"] = [str(tools_bin / "checkov"), "--framework", "cloudformation", "--quiet", "--compact",
                            "--skip-download", "-f", *files]
    return found


def ratio(other: float, ours: float) -> float:
    return other / ours if ours else float("nan")


def table(rows: dict[str, Timing], n_files: int | None) -> list[str]:
    ours = rows["wa-lint"]
    rate_col = " templates/s |" if n_files else ""
    head = f"| tool | seconds |{rate_col} time ratio to wa-lint | peak RSS MiB | memory ratio |"
    lines = [head, "|" + " --- |" * (head.count("|") - 1)]
    for name, t in rows.items():
        rate = f" {n_files / t.seconds:.1f} |" if n_files else ""
        lines.append(f"| {name} | {t.seconds:.2f} |{rate} {ratio(t.seconds, ours.seconds):.1f}× | "
                     f"{t.peak_kib / 1024:.0f} | {ratio(t.peak_kib, ours.peak_kib):.1f}× |")
    return lines


def rules_cost() -> tuple[list[str], tuple[str, bool, str] | None]:
    """``bench/rules_cost.py``'s section (in its own process) and its target row."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "rules_cost.py"), "--markdown"],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        return [f"`bench/rules_cost.py` failed: {out.stderr.strip().splitlines()[-1:]}"], None
    lines = out.stdout.strip().splitlines()
    share = next(line for line in lines if line.startswith("| the 11 second-round rules")).split("|")[3].strip()
    value = float(share.rstrip("%")) / 100
    return lines, ("the second-round rules cost less than 15 % of the run time (whole corpus)", value < 0.15, share)


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="cold-start repetitions (median)")
    parser.add_argument("--tools-bin", type=Path, default=ROOT / ".venv-bench" / "bin",
                        help="bin directory holding cfn-lint, cfn-lint-serverless and checkov")
    parser.add_argument("--skip-corpus", action="store_true", help="cold starts only")
    args = parser.parse_args()
    wa_bin = Path(sys.executable).parent
    # An installed wheel has its bytecode compiled by pip; this editable checkout gets the same.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "wa_lint"), str(ROOT / "rules")],
                   check=True)
    tools_bin = args.tools_bin if (args.tools_bin / "cfn-lint").exists() else wa_bin

    for cmd in commands(wa_bin, tools_bin, [str(SMALL_SAM)], [str(SMALL_SAM)]).values():
        check_runs(cmd)
    cold_cfn = {n: measure(c, args.repeat) for n, c in commands(wa_bin, tools_bin, [str(SMALL_CFN)],
                                                                  [str(SMALL_CFN)]).items()}
    cold_sam = {n: measure(c, args.repeat) for n, c in commands(wa_bin, tools_bin, [str(SMALL_SAM)],
                                                                  [str(SMALL_SAM)]).items()}
    sections: list[tuple[str, dict[str, Timing], int]] = []
    if not args.skip_corpus:
        for title, root in (("serverless-patterns part of the corpus (SAM-heavy)", CORPUS / "serverless-patterns"),
                            ("whole shared corpus", CORPUS)):
            wa_args, files = inputs(root)
            rows = {}
            for name, cmd in commands(wa_bin, tools_bin, files, wa_args).items():
                print(f"{title}: {name} …", file=sys.stderr)
                rows[name] = measure(cmd)
            sections.append((f"{title}: {len(files)} template files", rows, len(files)))

    lines = [
        "# Benchmark results",
        "",
        f"One run of `bench/run.py` on {time.strftime('%Y-%m-%d')}: {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}. wa-lint runs in one process (`--jobs 1`). Ratios are the other "
        "tool's figure divided by wa-lint's: above 1× means wa-lint is faster (or smaller).",
        "",
        f"## Cold start: one small CloudFormation template (`bench/small.yaml`, median of {args.repeat})",
        "",
        *table(cold_cfn, None),
        "",
        f"## Cold start: one small SAM template (`bench/small-sam.yaml`, median of {args.repeat})",
        "",
        *table(cold_sam, None),
    ]
    for title, rows, n in sections:
        lines += ["", f"## {title}", "", *table(rows, n)]
    rule_cost, rule_target = rules_cost() if not args.skip_corpus else ([], None)
    if rule_cost:
        lines += ["", "## Rule cost over the whole corpus (`bench/rules_cost.py`, issue 15)", "", *rule_cost]

    targets = [("one small CloudFormation template cold in at most a third of cfn-lint's time",
                ratio(cold_cfn["cfn-lint"].seconds, cold_cfn["wa-lint"].seconds) >= 3,
                f"{ratio(cold_cfn['cfn-lint'].seconds, cold_cfn['wa-lint'].seconds):.1f}×"),
               ("a SAM template cold in at most 1 s", cold_sam["wa-lint"].seconds <= 1.0,
                f"{cold_sam['wa-lint'].seconds:.2f} s")]
    if sections:
        sp = sections[0][1]
        for other, factor in (("cfn-lint + serverless-rules", 8), ("checkov", 4)):
            if other in sp:
                r = ratio(sp[other].seconds, sp["wa-lint"].seconds)
                targets.append((f"serverless-patterns: at least {factor}× the templates/s of {other}", r >= factor,
                                f"{r:.1f}×"))
        for name, rows, _n in [(t, r, n) for t, r, n in sections]:
            lower = all(rows["wa-lint"].peak_kib < t.peak_kib for k, t in rows.items() if k != "wa-lint")
            targets.append((f"peak memory below every other tool ({name.split(':')[0]})", lower, ""))
    if rule_target is not None:
        targets.append(rule_target)
    lines += ["", "## Targets", "", "| target | measured | |", "| --- | --- | --- |"]
    lines += [f"| {text} | {value} | {verdict(ok)} |" for text, ok, value in targets]
    notes = ROOT / "bench" / "profiling.md"
    if notes.exists():  # hand-written: what profiling found and what changed
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    text = "\n".join(lines) + "\n"
    (ROOT / "bench" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
