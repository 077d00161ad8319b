"""De-duplication across files (main process, as results arrive, in source order): a nested
template linted as its own file and again through its parent yields the same findings twice.

It runs before ``--severity-min`` and the baseline, which therefore never see a repeat.
"""

from __future__ import annotations

from wa_lint.results import FileResult

Key = tuple[str, str, int, str, str]


def drop_repeated_findings(result: FileResult, seen: set[Key]) -> None:
    """Keep the first of each finding (rule, file, line, resource, message) across the run."""
    unique = []
    for f in result.findings:
        key = (f.rule, f.path, f.line, f.resource, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    result.findings = unique
