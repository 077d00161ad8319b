"""Step 4 of the filter stage: the baseline (main process, after ``--severity-min``).

Findings recorded in the baseline file (:mod:`wa_lint.baseline`, by fingerprint) move to each
result's ``suppressed`` list; entries that match nothing in files linted without error are fixed.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from wa_lint.baseline import BaselineOutcome, fingerprints, read_baseline, relative_to
from wa_lint.config import shown_path
from wa_lint.results import FileResult, Suppressed


def apply_baseline(results: list[FileResult], path: Path) -> BaselineOutcome:
    """Move findings present in the baseline at ``path`` from each result's findings to its
    ``suppressed`` list; entries of files linted without error that matched nothing are fixed.
    Entries for files not linted in this run (e.g. pre-commit passed a subset) are left alone."""
    known = read_baseline(path)
    shown = shown_path(path.as_posix())  # relative to the working directory when below it, as report paths are
    wanted = Counter(e.fingerprint for e in known)
    path_of = relative_to(path.parent)
    linted: set[str] = set()
    assemblies: list[str] = []  # a CDK result covers every template below its directory
    matched: Counter[str] = Counter()
    hidden = 0
    for result in results:
        if getattr(result, "skipped", False):
            continue
        if result.error is None:
            linted.update(path_of(p) for p in {f.path for f in result.findings} | {result.path})
            linted.update(path_of(s.finding.path) for s in result.suppressed)
            if result.kind == "cdk":
                assemblies.append(path_of(result.path).rstrip("/") + "/")
        kept = []
        for f, fp in zip(result.findings, fingerprints(result.findings, path_of)):
            if matched[fp] < wanted[fp]:
                matched[fp] += 1
                hidden += 1
                result.suppressed.append(Suppressed(f, "baseline", f"in baseline {shown}"))
            else:
                kept.append(f)
        result.findings = kept
    fixed = [e for e in known if matched[e.fingerprint] == 0
             and (e.path in linted or any(e.path.startswith(a) for a in assemblies))]
    return BaselineOutcome(shown, hidden, fixed)
