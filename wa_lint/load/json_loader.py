"""JSON templates with marks, at the speed of the C scanner.

``json.loads`` cannot report positions, so it builds :class:`MarkedDict` objects and a single
regex pass over the text finds every ``{`` and every key token in document order. Walking the
parsed data in the same order (dict insertion order is document order) pairs them up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from wa_lint.model import InputError, Mark, MarkedDict

from .yaml_loader import MAX_DEPTH

# Every string token is matched whole (so braces inside strings never count); a key has group 1
# (its colon), an opening brace group 2, a value string neither.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*+"(\s*:)?|(\{)')
_new_mark = tuple.__new__
_new_dict = dict.__new__
_fill_dict = dict.update


class JSONSyntaxError(InputError):
    """Text that is not JSON at all, so the caller may try YAML instead."""


class _DuplicateKeys(MarkedDict):
    """An object with a repeated key: keeps every pair so the walk can find both lines."""

    __slots__ = ("pairs",)
    pairs: list[tuple[str, Any]]


def _object(pairs: list[tuple[str, Any]]) -> MarkedDict:
    """Object hook: skips ``MarkedDict.__init__`` (``_walk`` sets the marks) for speed."""
    result = _new_dict(MarkedDict)
    _fill_dict(result, pairs)
    if len(result) != len(pairs):
        result = _new_dict(_DuplicateKeys)
        _fill_dict(result, pairs)
        result.pairs = pairs
    return result


def _token_marks(text: str) -> list[Mark]:
    """Marks of every ``{`` and key token, in document order (linear even on one long line)."""
    marks: list[Mark] = []
    append, count, rfind = marks.append, text.count, text.rfind
    line, line_start, counted = 1, 0, 0
    for match in _TOKENS.finditer(text):
        if match.lastindex is None:
            continue
        start = match.start()
        newlines = count("\n", counted, start)
        if newlines:
            line += newlines
            line_start = rfind("\n", counted, start) + 1
        counted = start
        append(_new_mark(Mark, (line, start - line_start + 1)))
    return marks


def _walk(value: Any, next_mark: Callable[[], Mark], display: str, depth: int) -> None:
    """Assign marks in document order; refuse duplicate keys and absurd nesting."""
    if depth > MAX_DEPTH:
        line = next_mark().line if isinstance(value, dict) else None
        raise InputError(display, line, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                _walk(item, next_mark, display, depth + 1)
        return
    value.mark = next_mark()
    key_marks: dict[str, Mark] = {}
    value.key_marks = key_marks
    pairs = value.pairs if isinstance(value, _DuplicateKeys) else value.items()
    for key, item in pairs:
        mark = next_mark()
        if key in key_marks:
            first = key_marks[key].line
            raise InputError(display, mark.line, f"duplicate key {key!r} (first defined on line {first})")
        key_marks[key] = mark
        if isinstance(item, (dict, list)):
            _walk(item, next_mark, display, depth + 1)


def load_json(text: str, display: str) -> Any:
    """Parse a JSON template; every problem is an :class:`InputError`."""
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        raise JSONSyntaxError(display, exc.lineno, message) from None
    except RecursionError:
        raise InputError(display, None, f"nesting deeper than {MAX_DEPTH} levels") from None
    if isinstance(data, (dict, list)):
        _walk(data, iter(_token_marks(text)).__next__, display, 1)
    if data is None:
        raise InputError(display, None, "empty document (null)")
    return data
