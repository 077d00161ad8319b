"""What linting one source produced: :class:`FileResult`, and the findings the filter stage took out
of it (:class:`Suppressed`) or the suppressions it met (:class:`InForce`).

Plain data near the bottom of the stack: the pipeline fills it, the filter stage (``wa_lint.filter``)
moves findings within it, the runner and the cache carry it between processes, the report reads it.
It imports only the finding and template models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wa_lint.finding import Finding
from wa_lint.model import Stack, line_path


@dataclass(slots=True)
class Suppressed:
    """A finding the filter stage took out of the report, and why.

    ``kind`` is ``inline`` (resource Metadata), ``config`` (a ``per-…-ignores`` entry) or
    ``baseline``; ``reason`` is the user's reason or the configuration entry that matched;
    ``scope`` the ``applies-to`` of a scoped suppression (empty when it covers the whole rule)."""

    finding: Finding
    kind: str
    reason: str
    scope: str = ""


@dataclass(slots=True)
class InForce:
    """One suppression met while linting, for ``wa-lint suppressions``: where it is written, what
    it suppresses, and how it was used. ``status`` is ``matched`` (it suppressed a finding),
    ``partial`` (it accepted part of a finding, which is still reported), ``stale`` (it matched
    nothing), ``refused`` (the rule is mandatory) or ``unchecked`` (the rule did not run)."""

    kind: str
    path: str
    line: int
    rule: str
    target: str
    scope: str
    reason: str
    status: str
    matched: int = 0


@dataclass(slots=True)
class FileResult:
    """What linting one source produced. Plain data, so it crosses process boundaries."""

    path: str
    kind: str | None = None
    stacks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # not fatal: what could not be read, the rest linted
    internal_error: str | None = None
    traceback: str | None = None
    findings: list[Finding] = field(default_factory=list)
    resources: int = 0
    skipped: bool = False
    skip_reason: str | None = None  # why a walked file was skipped (listed by --verbose)
    suppressed: list[Suppressed] = field(default_factory=list)  # taken out by the filter stage
    suppressions: list[InForce] = field(default_factory=list)  # every suppression met, and its use (review)
    graphs: list[dict[str, Any]] = field(default_factory=list)  # drawing summaries, when asked

    @property
    def error(self) -> str | None:
        messages = list(self.errors)
        if self.internal_error:
            messages.append(self.internal_error)
        return "; ".join(messages) if messages else None


def place(finding: Finding, stack: Stack) -> None:
    """Stamp the file and stack on a finding and its related resources. A line inside a file an
    ``AWS::Include`` inserted names that file (:class:`~wa_lint.model.Line`); lines become plain ints."""
    finding.path = finding.path or line_path(finding.line) or stack.path
    finding.line = int(finding.line)
    finding.stack = stack.name
    for rel in finding.related:
        rel.path = rel.path or line_path(rel.line) or stack.path
        rel.line = int(rel.line)
