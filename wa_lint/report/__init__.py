"""The report: every file's result plus a summary, rendered the same way in every format.

Each format lives in its own module and is imported only when asked for; all of them read the
same :class:`Report`. Secret values a finding lists in ``masked`` never reach any output.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wa_lint.finding import Finding, Pillar, RuleMeta, Severity
from wa_lint.results import FileResult

if TYPE_CHECKING:
    from wa_lint.baseline import BaselineEntry, BaselineOutcome
    from wa_lint.results import Suppressed

FORMATS = ("text", "json", "sarif", "junit", "github", "markdown", "html")
#: formats that draw the resource graph (the pipeline keeps a summary of each graph for them)
GRAPH_FORMATS = frozenset({"markdown", "html"})


@dataclass(slots=True)
class Report:
    results: list[FileResult]
    rules: list[RuleMeta] = field(default_factory=list)
    usage_errors: list[str] = field(default_factory=list)
    baseline: BaselineOutcome | None = None
    show_suppressed: bool = False
    _fingerprints: dict[int, str] | None = field(default=None, repr=False)

    @property
    def files(self) -> list[FileResult]:
        return [r for r in self.results if not r.skipped]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    @property
    def suppressed(self) -> list[Suppressed]:
        """Findings the filter stage or the baseline took out, with kind and reason."""
        return [s for r in self.files for s in r.suppressed]

    @property
    def fixed(self) -> list[BaselineEntry]:
        return list(self.baseline.fixed) if self.baseline else []

    @property
    def graphs(self) -> list[dict[str, Any]]:
        return [g for r in self.files for g in r.graphs]

    @property
    def errors(self) -> list[str]:
        return self.usage_errors + [e for r in self.files for e in r.errors] + [
            r.internal_error for r in self.files if r.internal_error
        ]

    def rule(self, rule_id: str) -> RuleMeta | None:
        for meta in self.rules:
            if meta.id == rule_id:
                return meta
        return None

    def fingerprint(self, finding: Finding) -> str:
        """A stable id for ``finding`` (see :mod:`wa_lint.baseline`), unique within the report."""
        if self._fingerprints is None:
            from wa_lint.baseline import fingerprints

            every = self.findings + [s.finding for s in self.suppressed]
            self._fingerprints = {id(f): fp for f, fp in zip(every, fingerprints(every))}
        return self._fingerprints.get(id(finding), "")

    def summary(self) -> dict[str, Any]:
        findings = self.findings
        by_severity = Counter(f.severity.value if f.severity else "" for f in findings)
        kinds = Counter(s.kind for s in self.suppressed)
        return {
            "files": len(self.files),
            "resources": sum(r.resources for r in self.files),
            "findings": len(findings),
            "by_severity": {s.value: by_severity.get(s.value, 0) for s in Severity},
            "by_rule": dict(sorted(Counter(f.rule for f in findings).items())),
            "errors": sum(1 for r in self.files if r.error) + len(self.usage_errors),
            "suppressed": kinds["inline"] + kinds["config"],
            "baselined": kinds["baseline"],
            "fixed": len(self.fixed),
        }

    def by_pillar(self) -> dict[Pillar, Counter[str]]:
        """Finding counts by severity for every pillar (all pillars present, in order)."""
        counts: dict[Pillar, Counter[str]] = {p: Counter() for p in Pillar}
        for f in self.findings:
            try:
                pillar = Pillar(f.pillar)
            except ValueError:
                continue
            counts[pillar][f.severity.value if f.severity else "warning"] += 1
        return counts

    def exit_code(self, fail_on: str) -> int:
        """2 for input or usage errors (they win), 1 for findings at or above ``fail_on``, else 0."""
        if self.errors:
            return 2
        if fail_on == "never":
            return 0
        threshold = Severity(fail_on).rank
        return 1 if any(f.severity and f.severity.rank >= threshold for f in self.findings) else 0


def help_uri(meta: RuleMeta | None) -> str | None:
    """The rule's documentation page: built-in rules (the suppression checks among them) have
    one here; rules of third-party packs are documented by their pack (``wa-lint explain``)."""
    if meta is None:
        return None
    if meta.pack == "wa_lint.rules" or meta.pack.startswith("wa_lint.rules."):
        from wa_lint.docs import DOCS_URL

        return DOCS_URL.format(id=meta.id)
    return None


def render(report: Report, fmt: str, *, color: bool | None = None, width: int | None = None,
           quiet: bool = False) -> str:
    """The report as text in ``fmt``; each format's module (and rich) is imported only when used."""
    if fmt == "json":
        from wa_lint.report.json_format import render_json

        return render_json(report)
    if fmt == "sarif":
        from wa_lint.report.sarif import render_sarif

        return render_sarif(report)
    if fmt == "junit":
        from wa_lint.report.junit import render_junit

        return render_junit(report)
    if fmt == "github":
        from wa_lint.report.github import render_github

        return render_github(report)
    if fmt == "markdown":
        from wa_lint.report.markdown import render_markdown

        return render_markdown(report)
    if fmt == "html":
        from wa_lint.report.html import render_html

        return render_html(report)
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    from wa_lint.report.text_format import render_text

    return render_text(report, color=color, width=width, quiet=quiet)
