"""The terminal report, composed from rich renderables: findings grouped by file, each with a
short code frame, then one summary line per pillar. Colour only when writing to a terminal."""

from __future__ import annotations

import io
import sys
from collections import Counter
from functools import lru_cache

from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.text import Text

from wa_lint.api import Finding, Pillar, Severity
from wa_lint.report import Report

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
FRAME = 1  # lines of context either side of the finding's line


@lru_cache(maxsize=64)
def _lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            return tuple(fh.read().splitlines())
    except OSError:
        return ()


MASK = "********"


def code_frame(path: str, line: int, masked: list[str] | None = None) -> Syntax | None:
    """A few lines around ``line``; secret values named in ``masked`` never appear."""
    lines = _lines(path)
    if not line or line > len(lines) or len(lines[line - 1]) > 400:
        return None
    start, end = max(1, line - FRAME), min(len(lines), line + FRAME)
    lexer = "json" if path.endswith(".json") else "yaml"
    code = "\n".join(lines[start - 1 : end])
    for secret in masked or ():
        if secret:
            code = code.replace(secret, MASK)
    return Syntax(code, lexer, line_numbers=True, start_line=start, highlight_lines={line},
                  theme="ansi_dark", word_wrap=False, background_color="default")


def _where(f: Finding) -> Text:
    text = Text(f"{f.path}:{f.line}", style="bold")
    text.append(f"  {f.resource}", style="magenta")
    if f.construct_path:
        text.append(f"  ({f.construct_path})", style="dim")
    elif f.source_resource and f.source_resource != f.resource:
        text.append(f"  (SAM {f.source_resource})", style="dim")
    if f.condition:
        text.append(f"  [condition {f.condition}]", style="dim")
    return text


def finding_block(f: Finding) -> Group:
    severity = f.severity or Severity.WARNING
    head = Text()
    head.append(f"{severity.value.upper():<7}", style=STYLE[severity])
    head.append(f" {f.rule} ", style="bold")
    head.append(_where(f))
    parts: list = [head, Padding(Text(f.message), (0, 0, 0, 8))]
    parts.append(Padding(Text(f"fix: {f.fix}", style="green"), (0, 0, 0, 8)))
    frame = code_frame(f.path, f.line, f.masked)
    if frame is not None:
        parts.append(Padding(frame, (0, 0, 0, 8)))
    return Group(*parts)


def pillar_lines(report: Report) -> list[Text]:
    counts: dict[str, Counter[str]] = {}
    for f in report.findings:
        counts.setdefault(f.pillar, Counter())[f.severity.value if f.severity else ""] += 1
    lines = []
    for pillar in Pillar:
        c = counts.get(pillar.value, Counter())
        text = Text(f"  {pillar.label:<25}")
        if not c:
            text.append("ok", style="green")
        for sev in Severity:
            if c.get(sev.value):
                text.append(f"{c[sev.value]} {sev.value}{'s' if c[sev.value] > 1 else ''}  ", style=STYLE[sev])
        lines.append(text)
    return lines


def render_text(report: Report, *, color: bool | None = None, width: int | None = None) -> str:
    out = io.StringIO()
    is_tty = sys.stdout.isatty() if color is None else color
    console = Console(file=out, force_terminal=is_tty, no_color=not is_tty, width=width or (None if is_tty else 100),
                      highlight=False, soft_wrap=False)
    by_file: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_file.setdefault(f.path, []).append(f)
    for path, findings in by_file.items():
        console.print(Text(path, style="bold underline"))
        for f in findings:
            console.print(finding_block(f))
        console.print()
    summary = report.summary()
    console.print(Text("Summary by pillar", style="bold"))
    for line in pillar_lines(report):
        console.print(line)
    sev = summary["by_severity"]
    console.print(
        f"{summary['findings']} finding(s) ({sev['error']} error, {sev['warning']} warning, {sev['info']} info) "
        f"in {summary['files']} file(s), {summary['resources']} resources; {summary['errors']} file error(s)"
    )
    return out.getvalue()
