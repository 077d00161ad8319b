"""Measuring and breaking text as rich does, for the text report laid out without rich's layout
(:mod:`wa_lint.report.text_layout`): the same characters rich draws for
:func:`wa_lint.report.rich_text.resource_block` (header, code frame, severity/rule/body grid), at
a fraction of the cost (rich lays out every message and fix through its generic table and text
machinery, most of a large report's time).

Only text whose every character is one cell wide is laid out here (no wide, combining or
zero-width characters to measure); :func:`~wa_lint.report.text_layout.block_lines` returns None
for any other block, and the caller lets rich draw it. Words wrap with rich's own
:func:`rich._wrap.divide_line`, so breaks fall where rich puts them; ``tests/test_formats.py``
compares both renderings.
"""

from __future__ import annotations

import itertools

from rich.cells import cell_len

try:  # rich's own word breaking, so lines break where rich breaks them; private, hence guarded
    from rich._wrap import divide_line
except ImportError:  # a rich without it: rich draws every block (simple() says no)
    divide_line = None  # type: ignore[assignment]

POINTER = "❱ "  # rich's mark on the frame's highlighted line
TAB_SIZE = 4  # rich Syntax's default: the code frames' lexer and this layout expand tabs alike


def wrap(text: str, width: int, *, fold: bool) -> list[str]:
    """``text`` wrapped as rich wraps a :class:`rich.text.Text` at ``width``: a word longer than the
    line is folded (``fold``, a top-level line) or cut with an ellipsis (a table cell). Trailing
    spaces may remain: the report strips them."""
    return [text[start:end] + ("…" if cut else "") for start, end, cut in wrap_offsets(text, width, fold=fold)]


def wrap_offsets(text: str, width: int, *, fold: bool) -> list[tuple[int, int, bool]]:
    """:func:`wrap` as offsets into ``text``: each line is ``text[start:end]``, followed by an
    ellipsis when ``cut`` (it stands where ``text[end]`` was, and takes that character's style)."""
    lines = []
    base = 0
    for paragraph in text.split("\n"):
        bounds = [0, *divide_line(paragraph, width, fold=fold), len(paragraph)]
        for start, end in itertools.pairwise(bounds):
            cut = False
            if end - start > width:
                piece = paragraph[start:end]
                spaces = len(piece) - len(piece.rstrip())  # rich drops trailing white space that overflows
                if spaces:
                    end -= min(spaces, end - start - width)
                if end - start > width:
                    end, cut = (start + width, False) if fold else (start + width - 1, True)
            lines.append((base + start, base + end, cut))
        base += len(paragraph) + 1
    return lines


def frame_rows(start: int, code: str, highlight: int, width: int, *,
               measured: bool) -> tuple[int, list[tuple[str, str]]]:
    """A code frame as rich's ``Syntax`` (line numbers, no wrapping) lays it out in ``width`` cells:
    how many cells the code gets, and each row's mark (the pointer on ``highlight``) and
    line-number column; the row's code (tabs expanded by :data:`TAB_SIZE`) follows, cut to that
    width. ``measured``: inside a ``Padding`` that first measures it (the frame under the header),
    so the code is cut at its longest line as written, tabs counted as nothing."""
    numbers = len(str(start + code.count("\n"))) + 2
    if measured:  # Padding(frame, left=2) in ``width``: the frame gets its measure, at most width - 2
        longest = max((cell_len(row) for row in code.splitlines()), default=0)
        width = min(min(numbers + longest + 1, width) + 2, width) - 2
    code_width = max(0, width - numbers - 1)
    rows = [(POINTER if number == highlight else "  ", f"{str(number).rjust(numbers - 2)} ")
            for number in range(start, start + code.count("\n") + 1)]
    return code_width, rows


#: Characters one cell wide on their own and in any company (no wide, combining, joining or
#: zero-width ones): printable ASCII, Latin-1 and Latin Extended letters and signs, the
#: punctuation messages use. Measured with rich itself, so a rich that counts otherwise narrows it.
_ONE_CELL = frozenset(
    char for char in (*map(chr, range(0x20, 0x7F)), *map(chr, range(0xA0, 0x300)), *"…–—‘’“”•→←≥≤")
    if char != "\xad" and cell_len(char) == 1
) | frozenset("\n\t")  # line breaks (fixes) and tabs (code frames) are handled where they occur


def available() -> bool:
    """Whether rich's word breaking is there to lay text out as rich does."""
    return divide_line is not None


def simple(*texts: str) -> bool:
    """Whether every character of every text is one cell wide (as :func:`wrap` assumes), and rich's
    word breaking is there to lay them out."""
    return available() and all(_ONE_CELL.issuperset(text) for text in texts)
