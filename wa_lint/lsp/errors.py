"""Where an input error belongs in the editor, and what it says there.

The CLI's error lines read ``/abs/file.yaml:11: invalid YAML: …``. In the editor the file is known,
so its own path goes (another file's path is kept, shortened when it lies beside the document).

Parsers report where they *noticed* a problem. For a construct left open — a flow ``[``/``{``,
a quote, a YAML key without its colon — that is the next line, or the end of the file, while the
mistake is where the construct began. So:

* YAML: when the message names where such a construct began (``(while parsing a flow sequence on
  line 10)``) and the parser stopped outside it (at the end of the file, or on a line indented no
  deeper than the start that reads as a block ``key:`` or ``- `` item: the next key), the diagnostic
  goes on the start line. A problem inside the construct (a missing comma on one of its lines) stays
  where it was noticed.
* JSON: a missing ``,`` noticed at the first token of a line belongs at the end of the line before,
  as does a trailing ``,`` noticed at the ``}`` or ``]`` that starts the next line, when adding (or
  removing) that comma lets the parser past the line it stopped on. An error at the
  end of the file is an unclosed bracket, shown where it opens (the first bracket closed at another
  indentation than its opening line's in indented JSON, else the innermost bracket left open).

When the line moves, related information points at the line where the parser stopped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from wa_lint.lsp.json_text import outside_strings

_LINE = re.compile(r"^(?P<line>\d+): ")
_OPENED = re.compile(r"\(while (?:parsing a flow (?:sequence|mapping)|scanning a quoted scalar|scanning a simple key)"
                     r" on line (?P<line>\d+)\)$")
_COLUMN = re.compile(r" \(column (?P<column>\d+)\)$")
_PAIRS = {"}": "{", "]": "["}
_BLOCK_LINE = re.compile(r"""\s*(?:-(?:\s|$)|[^\s"'{}\[\],#&*!|>%@`-][^#]*?:(?:\s|$))""")  # `key:` or `- `


class Placement(NamedTuple):
    """The message to show, the 0-based line for it and, when it moved, the line the parser stopped at."""

    message: str
    row: int
    noticed: int | None = None


def place(text: str, path: str, lines: list[str]) -> Placement:
    """Where ``text`` (a CLI error or warning line about ``path``) goes in ``lines``, and its message."""
    message, line = _strip_path(text, path)
    if line is None:
        return Placement(message, 0)
    row = line - 1
    if message.startswith("invalid YAML"):
        return _yaml(message, row, lines)
    if message.startswith("invalid JSON"):
        return _json(message, row, lines)
    return Placement(message, _content_row(lines, row))


def _strip_path(text: str, path: str) -> tuple[str, int | None]:
    """The message without this file's ``path:line:`` prefix, and the line; another file's path is
    kept, relative to this file's directory when it lies below it."""
    if text.startswith(path + ":"):
        rest = text[len(path) + 1:]
        match = _LINE.match(rest)
        if match:
            return rest[match.end():], int(match["line"])
        return rest.lstrip(), None
    directory = Path(path).parent.as_posix().rstrip("/") + "/"
    if text.startswith(directory) and directory != "/":
        return text[len(directory):], None
    return text, None


def _content_row(lines: list[str], row: int) -> int:
    """``row`` within the text; past the end or on a blank line, the last line with content before it."""
    if not lines:
        return 0
    row = min(max(row, 0), len(lines) - 1)
    while row > 0 and not lines[row].strip():
        row -= 1
    return row


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _yaml(message: str, row: int, lines: list[str]) -> Placement:
    opened = _OPENED.search(message)
    at = _content_row(lines, row)
    if opened is None:
        return Placement(message, at)
    start = int(opened["line"]) - 1
    if not 0 <= start < len(lines) or start >= row:
        return Placement(message, at)
    left_open = (row >= len(lines) or not lines[row].strip() or "end of stream" in message
                 or (_indent(lines[row]) <= _indent(lines[start]) and _BLOCK_LINE.match(lines[row]) is not None))
    if not left_open:
        return Placement(message, at)
    return Placement(message, start, at if at != start else None)


def _json(message: str, row: int, lines: list[str]) -> Placement:
    column = _COLUMN.search(message)
    col = int(column["column"]) - 1 if column else 0
    at = _content_row(lines, row)
    if _at_end(lines, row, col):
        opener = _unclosed(lines)
        if opener is not None and opener != at:
            return Placement(_COLUMN.sub("", message), opener, at)
        return Placement(message, at)
    if row >= len(lines) or row == 0 or lines[row][:col].strip():
        return Placement(message, at)  # not the first token of its line: the parser's line is the one
    before = _content_row(lines, row - 1)
    if before == row:
        return Placement(message, at)
    fixed = list(lines)
    if message.startswith("invalid JSON: Expecting ',' delimiter"):
        fixed[before] = fixed[before].rstrip() + ","
    elif lines[row][col:col + 1] in ("}", "]") and lines[before].rstrip().endswith(","):
        fixed[before] = fixed[before].rstrip()[:-1]
    else:
        return Placement(message, at)
    if not _parses_past(fixed, row):
        return Placement(message, at)  # the comma is not what is wrong: the token itself is
    return Placement(_COLUMN.sub("", message), before, row)


def _parses_past(lines: list[str], row: int) -> bool:
    """The JSON in ``lines`` parses, or fails only after line ``row``: the repair before it worked."""
    try:
        json.loads("\n".join(lines))
    except json.JSONDecodeError as exc:
        return exc.lineno - 1 > row
    except (ValueError, RecursionError):
        return False
    return True


def _at_end(lines: list[str], row: int, col: int) -> bool:
    """Nothing but white space from (``row``, ``col``) on: the parser ran out of text."""
    if row >= len(lines):
        return True
    return not lines[row][col:].strip() and not any(text.strip() for text in lines[row + 1:])


def _unclosed(lines: list[str]) -> int | None:
    """The line of the JSON bracket that was most likely left open (see the module's docstring)."""
    stack: list[tuple[str, int]] = []
    for row, col, ch in outside_strings(lines):
        if ch in "{[":
            stack.append((ch, row))
        elif ch in "}]":
            if not stack or stack[-1][0] != _PAIRS[ch]:
                return None  # mismatched: the parser's own line is as good a guess as any
            _, opened = stack.pop()
            if col == _indent(lines[row]) and opened != row and _indent(lines[opened]) != col:
                return opened
    return stack[-1][1] if stack else None
