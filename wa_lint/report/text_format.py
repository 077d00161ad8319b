"""The terminal report, composed from rich renderables: findings grouped by file and, within a
file, by resource (one header and one short code frame per resource, its findings under it),
then one summary line per pillar. Colour only when writing to a terminal,
and never when ``NO_COLOR`` is set (https://no-color.org)."""

from __future__ import annotations

import io
import os
import sys
from collections import Counter
from functools import cache
from typing import Any

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from rich.console import Console, Group
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from wa_lint.escape import block, finding_names, guard_lines, line, visible
from wa_lint.finding import Finding, Pillar, Related, Severity
from wa_lint.report import Report, plain_text
from wa_lint.report.grouping import by_resource
from wa_lint.report.source import MASK, frame, masked, safe_fix, safe_message

__all__ = ["MASK", "code_frame", "finding_block", "render_text", "resource_block"]

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
FRAME = 1  # lines of context either side of the finding's line


def no_color_requested() -> bool:
    """``NO_COLOR`` set to anything non-empty turns colour off, whatever the terminal."""
    return bool(os.environ.get("NO_COLOR"))


def force_color_requested() -> bool:
    """``FORCE_COLOR`` set to anything non-empty (https://force-color.org) turns colour on when the
    report goes to standard output that is not a terminal (CI logs); ``NO_COLOR`` still wins."""
    return bool(os.environ.get("FORCE_COLOR"))


def code_frame(path: str, line: int, secrets: list[str] | None = None) -> Syntax | None:
    """A few lines around ``line``; secret values named in ``secrets`` never appear."""
    code = _frame_code(path, line, secrets)
    if code is None:
        return None
    lexer = _lexer("json" if path.endswith(".json") else "yaml")
    return Syntax(code[1], lexer, line_numbers=True, start_line=code[0], highlight_lines={line},
                  theme="ansi_dark", word_wrap=False, background_color="default")


def _frame_code(path: str, line: int, secrets: list[str] | None = None) -> tuple[int, str] | None:
    """The first line number and the text of the frame around ``line`` (None when unavailable)."""
    rows = frame(path, line, secrets, FRAME)
    if not rows:
        return None
    return rows[0][0], "\n".join(visible(text, keep="\t") for _, text in rows)


@cache
def _lexer(name: str) -> Lexer:
    """One lexer per language for the whole run: looking it up by name (what ``Syntax`` does with a
    name) scans pygments' registry every time. Made with the options ``Syntax`` gives its own."""
    return get_lexer_by_name(name, stripnl=False, ensurenl=True, tabsize=plain_text.TAB_SIZE)


def _where(f: Finding) -> Text:
    """The resource's header: location, resource and where it came from (CDK path, SAM resource)."""
    text = Text(f"{line(f.path)}:{f.line}", style="bold")
    text.append(f"  {line(f.resource)}", style="magenta")
    if f.construct_path:
        text.append(f"  ({line(f.construct_path)})", style="dim")
    elif f.source_resource and f.source_resource != f.resource:
        text.append(f"  (SAM {line(f.source_resource)})", style="dim")
    return text


def fix_text(f: Finding) -> str:
    """The fix, masked, with the line breaks its rule wrote and no others."""
    return block(safe_fix(f), finding_names(f))


def _indented(renderable: Any, left: int = 2) -> Padding:
    return Padding(renderable, (0, 0, 0, left), expand=False)


def _message_text(f: Finding, group_line: int) -> Text:
    """The message, with its own line and condition when they differ from the header's."""
    message = Text(line(safe_message(f)))
    notes = [f"line {f.line}"] if f.line != group_line else []
    if f.condition:
        notes.append(f"condition {line(f.condition)}")
    if notes:
        message.append(f"  [{', '.join(notes)}]", style="dim")
    return message


def _related_text(rel: Related) -> Text:
    via = f" (linked through {line(rel.via)})" if rel.via else ""
    return Text(f"related: {line(rel.path)}:{rel.line}  {line(rel.resource)}{via}", style="dim")


def finding_body(f: Finding, group_line: int) -> Group:
    """What one finding says under its resource's header: the message (with its own line and
    condition when they differ from the header's), the fix, and a frame for a related resource
    written in another file (a linked stack's)."""
    parts: list[Any] = [_message_text(f, group_line), Text(f"fix: {fix_text(f)}", style="green")]
    for rel in f.related:  # a resource of another stack (linked): where it is written, a second frame
        if rel.path and rel.path != f.path:
            parts.append(_related_text(rel))
            other = code_frame(rel.path, rel.line, f.masked)
            if other is not None:
                parts.append(other)
    return Group(*parts)


def resource_block(findings: list[Finding], width: int | None = None) -> Group:
    """The findings on one resource: one header, one code frame, then each finding's severity and
    rule beside its message and fix (a hanging indent, so wrapped lines stay in their column).

    With the console's ``width``, the columns get fixed widths: rich then lays the grid out without
    measuring every message, fix and frame first (that measuring was most of a large report's time)."""
    first = findings[0]
    parts: list[Any] = [_where(first)]
    frame = code_frame(first.path, first.line, sorted({s for f in findings for s in f.masked}))
    if frame is not None:
        parts.append(_indented(frame))
    rows = Table.grid(padding=(0, 1))
    rule_width = max(len(line(f.rule)) for f in findings)
    body_width = width - _INDENT - _SEVERITY_WIDTH - rule_width - 2 if width else None
    if body_width is not None and body_width >= _MIN_BODY:
        rows.add_column(no_wrap=True, width=_SEVERITY_WIDTH)
        rows.add_column(no_wrap=True, width=rule_width)
        rows.add_column(width=body_width)
    else:
        rows.add_column(no_wrap=True)
        rows.add_column(no_wrap=True)
        rows.add_column()
    for f in findings:
        severity = f.severity or Severity.WARNING
        rows.add_row(Text(f"{severity.value.upper():<7}", style=STYLE[severity]),
                     Text(line(f.rule), style="bold"), finding_body(f, first.line))
    parts.append(_indented(rows))
    return Group(*parts)


def plain_resource_block(findings: list[Finding], width: int) -> str | None:
    """:func:`resource_block` as it prints without colour in ``width`` columns (trailing spaces
    aside), laid out by :mod:`wa_lint.report.plain_text`; None when rich must draw it (a narrow
    console, a character that is not one cell wide)."""
    first = findings[0]
    rule_width = max(len(line(f.rule)) for f in findings)
    body_width = width - _INDENT - _SEVERITY_WIDTH - rule_width - 2
    if body_width < _MIN_BODY:
        return None
    header = _where(first).plain
    code = _frame_code(first.path, first.line, sorted({s for f in findings for s in f.masked}))
    texts = [header, code[1] if code else ""]
    rows = []
    for f in findings:
        parts = [_message_text(f, first.line).plain, f"fix: {fix_text(f)}"]
        frames = []
        for rel in f.related:
            if rel.path and rel.path != f.path:
                parts.append(_related_text(rel).plain)
                other = _frame_code(rel.path, rel.line, f.masked)
                frames.append((len(parts), rel.line, other))
                if other is not None:
                    texts.append(other[1])
        texts.extend(parts)
        rows.append((f, parts, frames))
    if not plain_text.simple(line(first.rule), *texts, *(line(f.rule) for f in findings)):
        return None
    out = plain_text.wrap(header, width, fold=True)
    if code is not None:
        out.extend("  " + row for row in plain_text.frame_lines(code[0], code[1], first.line, width, measured=True))
    left = " " * (_INDENT + _SEVERITY_WIDTH + 1 + rule_width + 1)
    for f, parts, frames in rows:
        body: list[str] = []
        after = {at: (number, other) for at, number, other in frames if other is not None}
        for n, part in enumerate(parts, 1):
            body.extend(plain_text.wrap(part, body_width, fold=False))
            if n in after:
                number, (start, text) = after[n]
                body.extend(plain_text.frame_lines(start, text, number, body_width, measured=False))
        severity = (f.severity or Severity.WARNING).value.upper()
        out.append(f"{' ' * _INDENT}{severity:<{_SEVERITY_WIDTH}} {line(f.rule):<{rule_width}} {body[0]}")
        out.extend(left + row for row in body[1:])
    return "\n".join(out) + "\n"


_INDENT = 2  # the grid's left padding under the header
_SEVERITY_WIDTH = 7  # "WARNING"
_MIN_BODY = 20


def finding_block(f: Finding) -> Group:
    """A single finding as it is shown alone (its resource's block with one finding)."""
    return resource_block([f])


def pillar_lines(report: Report) -> list[Text]:
    counts = report.by_pillar()
    lines = []
    for pillar in Pillar:
        c = counts.get(pillar, Counter())
        text = Text(f"  {pillar.label:<25}")
        if not c:
            text.append("ok", style="green")
        for sev in Severity:
            if c.get(sev.value):
                text.append(f"{c[sev.value]} {sev.value}{'s' if c[sev.value] > 1 else ''}  ", style=STYLE[sev])
        lines.append(text)
    return lines


def _suppressed_lines(report: Report) -> list[Text]:
    lines = [Text("Suppressed", style="bold")]
    for s in report.suppressed:
        f = s.finding
        text = Text(f"{line(f.rule)} ", style="bold")
        text.append(f"{line(f.path)}:{f.line} {line(f.resource)}", style="dim")
        text.append(f"  [{s.kind}] {line(masked(s.reason, f.masked)) or 'no reason given'}")
        lines.append(text)
    return lines


def _totals(report: Report) -> str:
    summary = report.summary()
    sev = summary["by_severity"]
    resources = f"{summary['resources']} resource{'' if summary['resources'] == 1 else 's'}"
    line = (f"{summary['findings']} finding(s) ({sev['error']} error, {sev['warning']} warning, {sev['info']} info) "
            f"in {summary['files']} file(s), {resources}; {summary['errors']} file error(s)")
    extra = []
    if summary["suppressed"]:
        extra.append(f"{summary['suppressed']} suppressed")
    if report.baseline is not None:
        extra.append(f"{summary['baselined']} in baseline, {summary['fixed']} fixed since the baseline")
    return line + ("; " + ", ".join(extra) if extra else "")


def render_text(report: Report, *, color: bool | None = None, width: int | None = None, quiet: bool = False) -> str:
    """Findings by file, then (unless ``quiet``) suppressed findings when asked, fixed baseline
    entries and the summary."""
    out = io.StringIO()
    is_tty = (sys.stdout.isatty() or force_color_requested()) if color is None else color
    use_color = is_tty and not no_color_requested()
    console = Console(file=out, force_terminal=use_color, no_color=not use_color,
                      width=width or (None if is_tty else 100), highlight=False, soft_wrap=False)
    by_file: dict[str, list[list[Finding]]] = {}
    for group in by_resource(report.findings):
        by_file.setdefault(group[0].path, []).append(group)
    fast = not use_color and not console.legacy_windows  # plain blocks laid out directly, the same characters
    for path, groups in by_file.items():
        console.print(Text(line(path), style="bold underline"))
        for group in groups:
            plain = plain_resource_block(group, console.width) if fast else None
            if plain is None:
                console.print(resource_block(group, console.width))
                console.print()
            else:
                out.write(plain + "\n")
    if quiet:
        return _tidy(out.getvalue(), use_color)
    if report.show_suppressed and report.suppressed:
        heading, *rows = _suppressed_lines(report)
        console.print(heading)
        for row in rows:
            console.print(Padding(row, (0, 0, 0, 2)))  # a long reason wraps under the row, not at column 0
        console.print()
    if report.fixed:
        console.print(Text(f"Fixed since the baseline ({len(report.fixed)}); "
                           "rerun with --write-baseline to drop them", style="bold green"))
        for e in report.fixed:
            console.print(Padding(Text(f"{line(e.rule)} {line(e.path)} {line(e.resource)}: {line(e.message)}",
                                       style="green"), (0, 0, 0, 2)))
        console.print()
    console.print(Text("Summary by pillar", style="bold"))
    for row in pillar_lines(report):
        console.print(row)
    console.print(_totals(report), soft_wrap=True)
    return _tidy(out.getvalue(), use_color)


def _tidy(text: str, color: bool) -> str:
    """Plain output has no trailing spaces (rich pads wrapped lines to the console width); no line,
    however rich wrapped it, starts a CI workflow command."""
    if not color:
        text = "\n".join(row.rstrip() for row in text.split("\n"))
    return guard_lines(text)
