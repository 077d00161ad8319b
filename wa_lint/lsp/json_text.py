"""JSON text read a character at a time, outside its strings: what the editor needs to find a
block's end or a bracket left open in a document that may not parse at all."""

from __future__ import annotations

from collections.abc import Iterator


def outside_strings(lines: list[str], row: int = 0, column: int = 0) -> Iterator[tuple[int, int, str]]:
    """``(row, column, character)`` of every character from ``row``/``column`` on that is not inside
    a string; a string's opening quote is given, its content and closing quote are not. Strings
    end with their line (JSON strings cannot hold a line break), so one broken string does not
    swallow the rest of the document."""
    for n in range(row, len(lines)):
        text = lines[n]
        in_string = escaped = False
        for i in range(column if n == row else 0, len(text)):
            ch = text[i]
            if in_string:
                if escaped:
                    escaped = False
                elif ch == "\\":
                    escaped = True
                elif ch == '"':
                    in_string = False
                continue
            if ch == '"':
                in_string = True
            yield n, i, ch
