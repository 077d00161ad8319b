"""The report: every file's result plus a summary, rendered the same way in every format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from wa_lint.api import Finding, RuleMeta, Severity
from wa_lint.pipeline import FileResult

FORMATS = ("text", "json")


@dataclass(slots=True)
class Report:
    results: list[FileResult]
    rules: list[RuleMeta] = field(default_factory=list)
    usage_errors: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[FileResult]:
        return [r for r in self.results if not r.skipped]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def errors(self) -> list[str]:
        return self.usage_errors + [e for r in self.files for e in r.errors] + [
            r.internal_error for r in self.files if r.internal_error
        ]

    def summary(self) -> dict[str, Any]:
        findings = self.findings
        by_severity = Counter(f.severity.value if f.severity else "" for f in findings)
        return {
            "files": len(self.files),
            "resources": sum(r.resources for r in self.files),
            "findings": len(findings),
            "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
            "errors": sum(1 for r in self.files if r.error) + len(self.usage_errors),
        }

    def exit_code(self, fail_on: str) -> int:
        """2 for input or usage errors (they win), 1 for findings at or above ``fail_on``, else 0."""
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = Severity(fail_on).rank
        return 1 if any(f.severity and f.severity.rank >= threshold for f in self.findings) else 0


def render(report: Report, fmt: str, *, color: bool | None = None, width: int | None = None) -> str:
    """The report as text in ``fmt``; rich is imported only for the text format."""
    if fmt == "json":
        from wa_lint.report.json_format import render_json

        return render_json(report)
    from wa_lint.report.text_format import render_text

    return render_text(report, color=color, width=width)
