"""Where a resource's (or property's) block ends, for SARIF ``endLine``/``endColumn``.

A finding points at the line of a mapping key (``OrdersQueue:`` or ``"OrdersQueue": {``). Its
block is the value under that key: a flow value (``{…}``/``[…]``, JSON's only form) ends at its
matching bracket; a YAML block value ends before the next line indented no deeper than the key.
Only the text is read, never parsed again; when the shape is not recognised the region is the
key's line. ``endColumn`` is exclusive (one past the last character), as SARIF defines it.
"""

from __future__ import annotations

import re

from wa_lint.report.source import source_lines

MAX_SCAN = 50_000  # lines a bracket search may cross before giving up (the region stays one line)
#: an inline "value" that opens a block: a block scalar indicator, or a tag or anchor alone
_OPENS_BLOCK = re.compile(r"(?:[|>][-+0-9]*|(?:![^\s]*|&[^\s]+)(?:\s+(?:![^\s]*|&[^\s]+))*)\s*(?:#.*)?")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _skip_string(text: str, i: int) -> int:
    """Index after the quoted string starting at ``text[i]`` (``"`` with escapes, or YAML's ``'``)."""
    quote = text[i]
    i += 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            if quote == "'" and text[i + 1:i + 2] == "'":  # '' is an escaped quote in YAML
                i += 2
                continue
            return i + 1
        i += 1
    return i


def _value_start(text: str, start: int) -> int | None:
    """Index of the first character of the key's value on its own line (len(text) when none)."""
    i = start
    if i < len(text) and text[i] in "\"'":
        i = _skip_string(text, i)
    colon = text.find(":", i)
    if colon < 0:
        return None
    j = colon + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    return j


def _matching_bracket(lines: tuple[str, ...], line: int, col: int) -> tuple[int, int] | None:
    """(line, index) of the bracket closing the one at ``lines[line][col]`` (0-based)."""
    depth = 0
    end = min(len(lines), line + MAX_SCAN)
    for n in range(line, end):
        text = lines[n]
        i = col if n == line else 0
        while i < len(text):
            c = text[i]
            if c in "\"'" and (c == '"' or depth):  # ' quotes only inside YAML flow values
                i = _skip_string(text, i)
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return n, i
            i += 1
    return None


def _yaml_block_end(lines: tuple[str, ...], line: int) -> int:
    """0-based index of the last line of the YAML block value under the key at ``lines[line]``."""
    indent = _indent(lines[line])
    last = line
    for n in range(line + 1, len(lines)):
        text = lines[n]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        deeper = _indent(text) > indent
        same_level_sequence = _indent(text) == indent and (stripped == "-" or stripped.startswith("- "))
        if stripped in ("---", "...") or not (deeper or same_level_sequence):
            break
        last = n
    return last


def block_end(path: str, line: int, column: int) -> tuple[int, int] | None:
    """1-based ``(endLine, endColumn)`` of the block whose key is at ``line``:``column``; None when
    the file or line is not available."""
    lines = source_lines(path)
    if not line or line > len(lines):
        return None
    text = lines[line - 1]
    start = max(column - 1, _indent(text)) if column else _indent(text)
    value = _value_start(text, min(start, len(text)))
    if value is not None and value < len(text) and text[value] in "{[":
        closing = _matching_bracket(lines, line - 1, value)
        if closing is not None:
            return closing[0] + 1, closing[1] + 2
    elif value is not None and not path.endswith(".json") and (
            value >= len(text.split(" #")[0].rstrip()) or _OPENS_BLOCK.fullmatch(text[value:].rstrip())):
        last = _yaml_block_end(lines, line - 1)
        return last + 1, len(lines[last].rstrip()) + 1
    return line, len(text.rstrip()) + 1
