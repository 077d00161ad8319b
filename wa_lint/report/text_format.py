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
from wa_lint.report.text_layout import Spans, plain, plain_resource_block, tidy, write_report

if TYPE_CHECKING:
    from wa_lint.finding import Finding
    from wa_lint.report.rich_text import RichPage

__all__ = ["MASK", "render_text"]

PLAIN_WIDTH = 100  # the report's width when it does not go to a terminal


def no_color_requested() -> bool:
    """``NO_COLOR`` set to anything non-empty turns colour off, whatever the terminal."""
    return bool(os.environ.get("NO_COLOR"))


def force_color_requested() -> bool:
    """``FORCE_COLOR`` set to anything non-empty (https://force-color.org) turns colour on when the
    report goes to standard output that is not a terminal (CI logs); ``NO_COLOR`` still wins."""
    return bool(os.environ.get("FORCE_COLOR"))


class _PlainPage:
    """The report without colour in ``width`` columns (:class:`wa_lint.report.text_layout.Page`),
    written as rich would print it: lines wrapped where rich wraps them, indented rows wrapped
    under their indent. What the plain layout cannot measure goes to a rich page on the same
    text, made (and rich imported) only then."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.out = io.StringIO()
        self._rich: RichPage | None = None

    def rich(self) -> RichPage:
        if self._rich is None:
            from wa_lint.report.rich_text import RichPage, console_for

            self._rich = RichPage(console_for(self.out, color=False, width=self.width))
        return self._rich

    def print(self, spans: Spans, indent: int = 0) -> None:
        text = plain(spans)
        if not plain_text.simple(text) or self.width - indent < 1:
            self.rich().print(spans, indent)
            return
        for row in plain_text.wrap(text, self.width - indent, fold=True):
            self.out.write(" " * indent + row + "\n")

    def block(self, group: list[Finding]) -> None:
        drawn = plain_resource_block(group, self.width)
        if drawn is None:
            self.rich().block(group)
        else:
            self.out.write(drawn + "\n")

    def blank(self) -> None:
        self.out.write("\n")

    def unwrapped(self, text: str) -> None:
        self.out.write(text + "\n")


def _render_plain(report: Report, width: int, quiet: bool) -> str:
    page = _PlainPage(width)
    write_report(page, report, quiet)
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
    return _render_plain(report, width or PLAIN_WIDTH, quiet)
