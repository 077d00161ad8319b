"""The terminal report: findings grouped by file and, within a file, by resource (one header and
one short code frame per resource, its findings under it), then one summary line per pillar.
Colour only when writing to a terminal, and never when ``NO_COLOR`` is set (https://no-color.org).

Without colour the report is printed here from the layout of :mod:`wa_lint.report.text_layout`
(the characters rich would draw), and rich is not even imported; colour, and the few lines the
layout cannot measure, go through rich (:mod:`wa_lint.report.rich_text`)."""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING

from wa_lint.report import Report, plain_text
from wa_lint.report.source import MASK
from wa_lint.report.text_layout import (
    Spans,
    by_file,
    file_heading,
    fixed_heading,
    fixed_row,
    pillar_spans,
    plain,
    plain_resource_block,
    suppressed_spans,
    tidy,
    totals,
)

if TYPE_CHECKING:
    from rich.console import Console

    from wa_lint.finding import Finding

__all__ = ["MASK", "render_text"]

PLAIN_WIDTH = 100  # the report's width when it does not go to a terminal


def no_color_requested() -> bool:
    """``NO_COLOR`` set to anything non-empty turns colour off, whatever the terminal."""
    return bool(os.environ.get("NO_COLOR"))


def force_color_requested() -> bool:
    """``FORCE_COLOR`` set to anything non-empty (https://force-color.org) turns colour on when the
    report goes to standard output that is not a terminal (CI logs); ``NO_COLOR`` still wins."""
    return bool(os.environ.get("FORCE_COLOR"))


class _PlainReport:
    """The report without colour in ``width`` columns, written to ``out`` as rich would print it:
    lines wrapped where rich wraps them, indented rows wrapped under their indent. What the plain
    layout cannot measure goes through a rich console, made (and rich imported) only then."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.out = io.StringIO()
        self._console: Console | None = None

    def rich(self) -> Console:
        """A console writing to the same page, imported and made on first use."""
        if self._console is None:
            from wa_lint.report.rich_text import console_for

            self._console = console_for(self.out, color=False, width=self.width)
        return self._console

    def print(self, spans: Spans, indent: int = 0) -> None:
        """One line of text (rich's ``print(Text)``, or ``print(Padding(Text, left=indent))``)."""
        text = plain(spans)
        if not plain_text.simple(text) or self.width - indent < 1:
            from rich.padding import Padding

            from wa_lint.report.rich_text import styled

            self.rich().print(Padding(styled(spans), (0, 0, 0, indent)) if indent else styled(spans))
            return
        for row in plain_text.wrap(text, self.width - indent, fold=True):
            self.out.write(" " * indent + row + "\n")

    def block(self, group: list[Finding]) -> None:
        plain = plain_resource_block(group, self.width)
        if plain is None:
            from wa_lint.report.rich_text import print_block

            print_block(self.rich(), group)
        else:
            self.out.write(plain + "\n")

    def blank(self) -> None:
        self.out.write("\n")


def _renderplain(report: Report, width: int, quiet: bool) -> str:
    page = _PlainReport(width)
    for path, groups in by_file(report):
        page.print(file_heading(path))
        for group in groups:
            page.block(group)
    if not quiet:
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
        page.out.write(totals(report) + "\n")  # never wrapped (rich's soft_wrap)
    return tidy(page.out.getvalue(), False)


def render_text(report: Report, *, color: bool | None = None, width: int | None = None, quiet: bool = False) -> str:
    """Findings by file, then (unless ``quiet``) suppressed findings when asked, fixed baseline
    entries and the summary."""
    is_tty = (sys.stdout.isatty() or force_color_requested()) if color is None else color
    use_color = is_tty and not no_color_requested()
    if use_color or (width is None and is_tty) or sys.platform == "win32" or not plain_text.available():
        # colour; a terminal whose width rich measures; Windows consoles; a rich without its word breaking
        from wa_lint.report.rich_text import render_rich

        return render_rich(report, color=use_color, width=width or (None if is_tty else PLAIN_WIDTH), quiet=quiet)
    return _renderplain(report, width or PLAIN_WIDTH, quiet)
