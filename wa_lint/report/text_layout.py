"""The terminal report's layout, without rich's layout engine: each line described once, as styled
spans (:data:`Spans`), and each resource block laid out as rich lays it out, line by line, as
styled runs (:func:`block_lines`). :mod:`wa_lint.report.text_format` prints them without colour,
:mod:`wa_lint.report.rich_text` with rich's codes for their styles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from wa_lint.escape import block, finding_names, guard_lines, line, visible
from wa_lint.finding import Finding, Pillar, Related, Severity
from wa_lint.report import Report, plain_text
from wa_lint.report.grouping import by_resource
from wa_lint.report.source import frame, masked, safe_fix, safe_message

if TYPE_CHECKING:
    from wa_lint.baseline import BaselineEntry

STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
FRAME = 1  # lines of context either side of the finding's line
INDENT = 2  # the grid's left padding under the header
SEVERITY_WIDTH = 7  # "WARNING"
MIN_BODY = 20

Spans = list[tuple[str, str | None]]
"""One line of the report: its pieces of text with their rich styles (None: unstyled). The first
piece's style is the whole line's (rich's ``Text(text, style)``), the others' are added to it."""


def frame_code(path: str, line_no: int, secrets: list[str] | None = None) -> tuple[int, str] | None:
    """The first line number and the text of the frame around ``line_no`` (None when unavailable)."""
    rows = frame(path, line_no, secrets, FRAME)
    if not rows:
        return None
    return rows[0][0], "\n".join(visible(text, keep="\t") for _, text in rows)


def by_file(report: Report) -> list[tuple[str, list[list[Finding]]]]:
    """The findings' resource groups, by file, in report order."""
    files: dict[str, list[list[Finding]]] = {}
    for group in by_resource(report.findings):
        files.setdefault(group[0].path, []).append(group)
    return list(files.items())


def file_heading(path: str) -> Spans:
    return [(line(path), "bold underline")]


def header_spans(f: Finding) -> Spans:
    """The resource's header: location, resource and where it came from (CDK path, SAM resource)."""
    spans: Spans = [(f"{line(f.path)}:{f.line}", "bold"), (f"  {line(f.resource)}", "magenta")]
    if f.construct_path:
        spans.append((f"  ({line(f.construct_path)})", "dim"))
    elif f.source_resource and f.source_resource != f.resource:
        spans.append((f"  (SAM {line(f.source_resource)})", "dim"))
    return spans


def rule_text(f: Finding) -> str:
    return line(f.rule)


def fix_text(f: Finding) -> str:
    """The fix, masked, with the line breaks its rule wrote and no others."""
    return block(safe_fix(f), finding_names(f))


def fix_spans(f: Finding) -> Spans:
    return [(f"fix: {fix_text(f)}", "green")]


def message_spans(f: Finding, group_line: int) -> Spans:
    """The message, with its own line and condition when they differ from the header's."""
    spans: Spans = [(line(safe_message(f)), None)]
    notes = [f"line {f.line}"] if f.line != group_line else []
    if f.condition:
        notes.append(f"condition {line(f.condition)}")
    if notes:
        spans.append((f"  [{', '.join(notes)}]", "dim"))
    return spans


def related_spans(rel: Related) -> Spans:
    via = f" (linked through {line(rel.via)})" if rel.via else ""
    return [(f"related: {line(rel.path)}:{rel.line}  {line(rel.resource)}{via}", "dim")]


def pillar_spans(report: Report) -> list[Spans]:
    counts = report.by_pillar()
    lines = []
    for pillar in Pillar:
        c = counts.get(pillar, Counter())
        spans: Spans = [(f"  {pillar.label:<25}", None)]
        if not c:
            spans.append(("ok", "green"))
        for sev in Severity:
            if c.get(sev.value):
                spans.append((f"{c[sev.value]} {sev.value}{'s' if c[sev.value] > 1 else ''}  ", STYLE[sev]))
        lines.append(spans)
    return lines


def suppressed_spans(report: Report) -> list[Spans]:
    """The heading of the suppressed findings, then one line each."""
    lines: list[Spans] = [[("Suppressed", "bold")]]
    for s in report.suppressed:
        f = s.finding
        lines.append([(f"{line(f.rule)} ", "bold"), (f"{line(f.path)}:{f.line} {line(f.resource)}", "dim"),
                      (f"  [{s.kind}] {line(masked(s.reason, f.masked)) or 'no reason given'}", None)])
    return lines


def fixed_heading(report: Report) -> Spans:
    return [(f"Fixed since the baseline ({len(report.fixed)}); rerun with --write-baseline to drop them",
             "bold green")]


def fixed_row(entry: BaselineEntry) -> Spans:
    return [(f"{line(entry.rule)} {line(entry.path)} {line(entry.resource)}: {line(entry.message)}", "green")]


def totals(report: Report) -> str:
    summary = report.summary()
    sev = summary["by_severity"]
    resources = f"{summary['resources']} resource{'' if summary['resources'] == 1 else 's'}"
    text = (f"{summary['findings']} finding(s) ({sev['error']} error, {sev['warning']} warning, {sev['info']} info) "
            f"in {summary['files']} file(s), {resources}; {summary['errors']} file error(s)")
    extra = []
    if summary["suppressed"]:
        extra.append(f"{summary['suppressed']} suppressed")
    if report.baseline is not None:
        extra.append(f"{summary['baselined']} in baseline, {summary['fixed']} fixed since the baseline")
    return text + ("; " + ", ".join(extra) if extra else "")


def plain(spans: Spans) -> str:
    return "".join(text for text, _ in spans)


Run = tuple[str, Any]
"""A piece of a laid-out line and its style: a rich style name, a tuple of them (the first is the
line's base style), a rich ``Style``, or None."""
Line = list[Run]
Highlighter = Callable[[str, str], list[Line]]
"""(path, code) -> each row of the code, tabs expanded, as styled runs."""


def unstyled_rows(_path: str, code: str) -> list[Line]:
    return [[(row, None)] for row in code.expandtabs(plain_text.TAB_SIZE).split("\n")]


def wrapped(spans: Spans, width: int, *, fold: bool) -> list[Line]:
    """The line ``spans`` make, wrapped as rich wraps it, each piece with its style: the first
    span's style under every piece, the span's own on top (rich's base style and spans)."""
    text = plain(spans)
    base = spans[0][1]
    marks = []
    at = 0
    for n, (part, style) in enumerate(spans):
        marks.append((at, at + len(part), (base, style) if n and style else base))
        at += len(part)
    lines = []
    for start, end, cut in plain_text.wrap_offsets(text, width, fold=fold):
        runs: Line = [(text[max(s, start):min(e, end)], key) for s, e, key in marks if s < end and e > start]
        if cut:  # the ellipsis stands where text[end] was, in its style
            runs.append(("…", next((key for s, e, key in marks if s <= end < e), base)))
        lines.append(runs)
    return lines


def _frame(start: int, code: str, highlight: int, width: int, rows: list[Line], *, measured: bool) -> list[Line]:
    """A code frame's lines (:func:`wa_lint.report.plain_text.frame_rows`): the pointer in red, the
    other line numbers dim (as rich's ``Syntax`` on a default background), the code cut to fit."""
    code_width, layout = plain_text.frame_rows(start, code, highlight, width, measured=measured)
    out = []
    for (mark, number), row in zip(layout, rows, strict=False):
        pointed = mark != "  "
        out.append([(mark, "red" if pointed else None), (number, None if pointed else "dim"), *_cut(row, code_width)])
    return out


def _cut(runs: Line, width: int) -> Line:
    out = []
    for text, style in runs:
        if width <= 0:
            break
        out.append((text[:width], style))
        width -= len(text)
    return out


def block_lines(findings: list[Finding], width: int, highlight: Highlighter = unstyled_rows) -> list[Line] | None:
    """A resource's block as rich prints it in ``width`` columns (trailing spaces aside), laid out
    here, each line as styled runs (``highlight`` styles the code frames); None when rich must draw
    it (a narrow console, a character that is not one cell wide)."""
    first = findings[0]
    rule_width = max(len(rule_text(f)) for f in findings)
    body_width = width - INDENT - SEVERITY_WIDTH - rule_width - 2
    if body_width < MIN_BODY:
        return None
    header = header_spans(first)
    code = frame_code(first.path, first.line, sorted({s for f in findings for s in f.masked}))
    texts = [plain(header), code[1] if code else ""]
    rows = []
    for f in findings:
        parts = [message_spans(f, first.line), fix_spans(f)]
        frames = {}
        for rel in f.related:
            if rel.path and rel.path != f.path:
                parts.append(related_spans(rel))
                other = frame_code(rel.path, rel.line, f.masked)
                if other is not None:
                    frames[len(parts)] = (rel.path, rel.line, other)
                    texts.append(other[1])
        texts.extend(plain(p) for p in parts)
        rows.append((f, parts, frames))
    if not plain_text.simple(rule_text(first), *texts, *(rule_text(f) for f in findings)):
        return None
    out = wrapped(header, width, fold=True)
    if code is not None:
        rows_of_code = highlight(first.path, code[1])
        out.extend([("  ", None), *row] for row in _frame(*code, first.line, width, rows_of_code, measured=True))
    left = " " * (INDENT + SEVERITY_WIDTH + 1 + rule_width + 1)
    for f, parts, frames in rows:
        body: list[Line] = []
        for n, spans in enumerate(parts, 1):
            body.extend(wrapped(spans, body_width, fold=False))
            if n in frames:
                path, number, (start, text) = frames[n]
                body.extend(_frame(start, text, number, body_width, highlight(path, text), measured=False))
        severity = f.severity or Severity.WARNING
        rule = rule_text(f)
        out.append([(" " * INDENT, None), (f"{severity.value.upper():<{SEVERITY_WIDTH}}", STYLE[severity]), (" ", None),
                    (rule, "bold"), (" " * (rule_width - len(rule) + 1), None), *body[0]])
        out.extend([(left, None), *row] for row in body[1:])
    return out


def plain_resource_block(findings: list[Finding], width: int) -> str | None:
    """:func:`block_lines` without colour, as text; None when rich must draw the block."""
    lines = block_lines(findings, width)
    if lines is None:
        return None
    return "\n".join("".join(text for text, _ in runs) for runs in lines) + "\n"


class Page(Protocol):
    """Where the report is written, plain or through rich: a line of spans (wrapped as rich wraps
    a ``Text``, under ``indent``), a resource's block with the blank line after it, a blank line,
    a line never wrapped (rich's ``soft_wrap``)."""

    def print(self, spans: Spans, indent: int = 0) -> None: ...

    def block(self, group: list[Finding]) -> None: ...

    def blank(self) -> None: ...

    def unwrapped(self, text: str) -> None: ...


def write_report(page: Page, report: Report, quiet: bool) -> None:
    """Findings by file, then (unless ``quiet``) suppressed findings when asked, fixed baseline
    entries, the summary by pillar and the totals."""
    for path, groups in by_file(report):
        page.print(file_heading(path))
        for group in groups:
            page.block(group)
    if quiet:
        return
    if report.show_suppressed and report.suppressed:
        heading, *rows = suppressed_spans(report)
        page.print(heading)
        for row in rows:
            page.print(row, indent=2)  # a long reason wraps under the row, not at column 0
        page.blank()
    if report.fixed:
        page.print(fixed_heading(report))
        for entry in report.fixed:
            page.print(fixed_row(entry), indent=2)
        page.blank()
    page.print([("Summary by pillar", "bold")])
    for spans in pillar_spans(report):
        page.print(spans)
    page.unwrapped(totals(report))


def tidy(text: str, color: bool) -> str:
    """Plain output has no trailing spaces (rich pads wrapped lines to the console width); no line,
    however rich wrapped it, starts a CI workflow command."""
    if not color:
        text = "\n".join(row.rstrip() for row in text.split("\n"))
    return guard_lines(text)
