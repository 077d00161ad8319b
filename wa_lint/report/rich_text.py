"""The terminal report with rich: in colour, each block laid out by
:mod:`wa_lint.report.text_format` and written in the codes rich writes for its styles (code frames
highlighted by rich's ``Syntax``); rich's own layout for what the plain layout leaves to it (wide
characters, a console too narrow for its grid, Windows consoles). Imported only for those: rich's
console, table and syntax modules and pygments cost a plain run a fifth of its time to import."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from rich.console import COLOR_SYSTEMS, Console, Group
from rich.padding import Padding
from rich.style import Style
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from wa_lint.finding import Finding, Severity
from wa_lint.report import Report, plain_text
from wa_lint.report.text_layout import (
    INDENT,
    MIN_BODY,
    SEVERITY_WIDTH,
    STYLE,
    Line,
    Spans,
    block_lines,
    fix_spans,
    frame_code,
    header_spans,
    message_spans,
    plain_resource_block,
    related_spans,
    rule_text,
    tidy,
    write_report,
)


def styled(spans: Spans) -> Text:
    """``spans`` as one rich Text: the first span's style is the whole text's (as ``Text(s, style)``
    then ``append`` make it: a header's resource is bold and magenta), the others' their own."""
    (first, style), *rest = spans
    text = Text(first, style=style or "")
    for part, part_style in rest:
        text.append(part, style=part_style)
    return text


def code_frame(path: str, line: int, secrets: list[str] | None = None) -> Syntax | None:
    """A few lines around ``line``; secret values named in ``secrets`` never appear."""
    code = frame_code(path, line, secrets)
    if code is None:
        return None
    return _syntax(path, code[1], line_numbers=True, start_line=code[0], highlight_lines={line})


def _syntax(path: str, code: str, **frame: Any) -> Syntax:
    """Every code frame's ``Syntax``: the file's language, one theme, tabs as the layout expands them."""
    return Syntax(code, _lexer("json" if path.endswith(".json") else "yaml"), theme="ansi_dark", word_wrap=False,
                  background_color="default", tab_size=plain_text.TAB_SIZE, **frame)


@cache
def _lexer(name: str) -> Lexer:
    """One lexer per language for the whole run: looking it up by name (what ``Syntax`` does with a
    name) scans pygments' registry every time. Made with the options ``Syntax`` gives its own."""
    return get_lexer_by_name(name, stripnl=False, ensurenl=True, tabsize=plain_text.TAB_SIZE)


def _indented(renderable: Any, left: int = 2) -> Padding:
    return Padding(renderable, (0, 0, 0, left), expand=False)


def finding_body(f: Finding, group_line: int) -> Group:
    """What one finding says under its resource's header: the message (with its own line and
    condition when they differ from the header's), the fix, and a frame for a related resource
    written in another file (a linked stack's)."""
    parts: list[Any] = [styled(message_spans(f, group_line)), styled(fix_spans(f))]
    for rel in f.related:  # a resource of another stack (linked): where it is written, a second frame
        if rel.path and rel.path != f.path:
            parts.append(styled(related_spans(rel)))
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
    parts: list[Any] = [styled(header_spans(first))]
    frame = code_frame(first.path, first.line, sorted({s for f in findings for s in f.masked}))
    if frame is not None:
        parts.append(_indented(frame))
    rows = Table.grid(padding=(0, 1))
    rule_width = max(len(rule_text(f)) for f in findings)
    body_width = width - INDENT - SEVERITY_WIDTH - rule_width - 2 if width else None
    if body_width is not None and body_width >= MIN_BODY:
        rows.add_column(no_wrap=True, width=SEVERITY_WIDTH)
        rows.add_column(no_wrap=True, width=rule_width)
        rows.add_column(width=body_width)
    else:
        rows.add_column(no_wrap=True)
        rows.add_column(no_wrap=True)
        rows.add_column()
    for f in findings:
        severity = f.severity or Severity.WARNING
        rows.add_row(Text(f"{severity.value.upper():<7}", style=STYLE[severity]),
                     Text(rule_text(f), style="bold"), finding_body(f, first.line))
    parts.append(_indented(rows))
    return Group(*parts)


def console_for(out: io.StringIO, *, color: bool, width: int | None) -> Console:
    return Console(file=out, force_terminal=color, no_color=not color, width=width, highlight=False,
                   soft_wrap=False)


class RichPage:
    """The report through a rich console (:class:`wa_lint.report.text_layout.Page`). Blocks the
    layout can draw are laid out directly (``fast``): without colour as text, in colour through a
    :class:`_Painter`; the others, and every line, are drawn by rich."""

    def __init__(self, console: Console, *, fast: bool = False, color: bool = False) -> None:
        self.console = console
        self.fast = fast and not console.legacy_windows and plain_text.available()
        self.painter = _Painter(console) if self.fast and color else None

    def print(self, spans: Spans, indent: int = 0) -> None:
        self.console.print(Padding(styled(spans), (0, 0, 0, indent)) if indent else styled(spans))

    def block(self, group: list[Finding]) -> None:
        width = self.console.width
        if self.painter is not None:
            lines = block_lines(group, width, self.painter.highlight)
            drawn = None if lines is None else "\n".join(self.painter.line(runs) for runs in lines) + "\n"
        else:
            drawn = plain_resource_block(group, width) if self.fast else None
        if drawn is None:
            self.console.print(resource_block(group, width))
            self.console.print()
        else:
            self.console.file.write(drawn + "\n")

    def blank(self) -> None:
        self.console.print()

    def unwrapped(self, text: str) -> None:
        self.console.print(text, soft_wrap=True, markup=False, emoji=False)


def render_rich(report: Report, *, color: bool, width: int | None, quiet: bool = False,
                plain_blocks: bool = True) -> str:
    """The text report through a rich console: coloured when ``color``; ``width`` None measures the
    terminal. Blocks the layout can draw are laid out directly (``plain_blocks``; the same
    characters, the same colours) and only the others go through rich's layout."""
    out = io.StringIO()
    page = RichPage(console_for(out, color=color, width=width), fast=plain_blocks, color=color)
    write_report(page, report, quiet)
    return tidy(out.getvalue(), color)


class _Painter:
    """Laid-out lines (:func:`wa_lint.report.text_format.block_lines`) in the codes rich writes for
    their styles on ``console``'s colour system, and code frames highlighted as rich's ``Syntax``
    highlights them: a block drawn without rich's layout, a tenth of its cost."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._system = COLOR_SYSTEMS.get(console.color_system or "")
        self._styles: dict[Any, Style | None] = {}

    def style(self, key: Any) -> Style | None:
        """A run's style: a style name, a (base, own) pair of them, a ``Style`` or None."""
        got = self._styles.get(key, False)
        if got is False:
            if key is None or isinstance(key, Style):
                got = key
            elif isinstance(key, str):
                got = Style.parse(key)
            else:
                got = Style.chain(*(self.style(part) or Style.null() for part in key))
            self._styles[key] = got
        return got  # type: ignore[return-value]

    def line(self, runs: Line) -> str:
        out = []
        for text, key in runs:
            style = self.style(key)
            out.append(style.render(text, color_system=self._system) if style and text else text)
        return "".join(out)

    def highlight(self, path: str, code: str) -> list[Line]:
        """Each row of ``code`` as rich's ``Syntax`` renders it (tabs expanded, theme styles)."""
        text = _syntax(path, code).highlight(code.expandtabs(plain_text.TAB_SIZE) + "\n")
        return [[(segment.text, segment.style) for segment in row.render(self._console, end="")]
                for row in text.split("\n", allow_blank=False)]
