"""The text report's resource block without colour, laid out directly: the same characters rich
draws for :func:`wa_lint.report.text_format.resource_block` (header, code frame, severity/rule/body
grid), at a fraction of the cost (rich lays out every message and fix through its generic
table and text machinery, most of a large report's time).

Only blocks whose every character is one cell wide are laid out here (no wide, combining or
zero-width characters to measure); :func:`~wa_lint.report.text_format.plain_resource_block`
returns None for any other block, and the caller lets rich draw it. Words wrap with rich's own
:func:`rich._wrap.divide_line`, so breaks fall where rich puts them; ``tests/test_formats.py``
compares both renderings block by block.
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
    lines = []
    for paragraph in text.split("\n"):
        bounds = [0, *divide_line(paragraph, width, fold=fold), len(paragraph)]
        for start, end in itertools.pairwise(bounds):
            piece = paragraph[start:end]
            if len(piece) > width:
                spaces = len(piece) - len(piece.rstrip())  # rich drops trailing white space that overflows
                if spaces:
                    piece = piece[:len(piece) - min(spaces, len(piece) - width)]
                if len(piece) > width:
                    piece = piece[:width] if fold else piece[:width - 1] + "…"
            lines.append(piece)
    return lines


def frame_lines(start: int, code: str, highlight: int, width: int, *, measured: bool) -> list[str]:
    """A code frame as rich's ``Syntax`` (line numbers, no wrapping) draws it in ``width`` cells;
    ``measured``: inside a ``Padding`` that first measures it (the frame under the header), so the
    code is cut at its longest line as written, tabs counted as nothing."""
    numbers = len(str(start + code.count("\n"))) + 2
    if measured:  # Padding(frame, left=2) in ``width``: the frame gets its measure, at most width - 2
        longest = max((cell_len(row) for row in code.splitlines()), default=0)
        width = min(min(numbers + longest + 1, width) + 2, width) - 2
    code_width = max(0, width - numbers - 1)
    expanded = code.expandtabs(TAB_SIZE)
    rows = expanded.split("\n")
    out = []
    for number, row in enumerate(rows, start):
        mark = POINTER if number == highlight else "  "
        out.append(f"{mark}{str(number).rjust(numbers - 2)} {row[:code_width]}")
    return out


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
