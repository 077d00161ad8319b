"""JSON templates with marks, at the speed of the C scanner.

``json.loads`` cannot report positions, so it builds :class:`MarkedDict` objects and a single
regex pass over the text finds every ``{`` and every key token in document order. Walking the
parsed data in the same order (dict insertion order is document order) pairs them up.
A duplicate key is an error, or, when the caller collects them, recorded with the last value kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from wa_lint.model import DuplicateKey, InputError, Mark, MarkedDict

from .yaml_loader import MAX_DEPTH, MAX_INT_DIGITS

# Every string token is matched whole (so braces inside strings never count); a key has group 1
# (its colon), an opening brace group 2, a value string neither.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*+"(\s*:)?|(\{)')
_DIGITS = re.compile(r"[0-9]+")
_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")
# A \uD800-\uDFFF escape that is not itself escaped: the lookbehind starts each match at the start
# of a run of backslashes, so long runs are scanned once (linear).
_SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u([dD][89a-fA-F][0-9a-fA-F]{2})")
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


_Found = list[tuple[MarkedDict, str, int, int]]


def _walk(value: Any, next_mark: Callable[[], Mark], display: str, depth: int, found: _Found | None) -> None:
    """Assign marks in document order; refuse absurd nesting, and duplicate keys unless ``found``
    collects them (the mapping, the key, its first and its last line)."""
    if depth > MAX_DEPTH:
        line = next_mark().line if isinstance(value, dict) else None
        raise InputError(display, line, f"nesting deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)):
                _walk(item, next_mark, display, depth + 1, found)
        return
    value.mark = next_mark()
    key_marks: dict[str, Mark] = {}
    value.key_marks = key_marks
    pairs = value.pairs if isinstance(value, _DuplicateKeys) else value.items()
    for key, item in pairs:
        mark = next_mark()
        if key in key_marks:
            first = key_marks[key].line
            if found is None:
                raise InputError(display, mark.line, f"duplicate key {key!r} (first defined on line {first})")
            found.append((value, key, first, mark.line))
        key_marks[key] = mark
        if isinstance(item, (dict, list)):
            _walk(item, next_mark, display, depth + 1, found)


def _trails(root: Any, targets: set[int]) -> dict[int, tuple[str | int, ...]]:
    """Keys from ``root`` down to each mapping in ``targets`` (by id); only run when a duplicate
    key was found, so the common path pays nothing for it."""
    trails: dict[int, tuple[str | int, ...]] = {}
    todo: list[tuple[Any, tuple[str | int, ...]]] = [(root, ())]
    while todo and len(trails) < len(targets):
        node, trail = todo.pop()
        if id(node) in targets:
            trails[id(node)] = trail
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        todo.extend((child, (*trail, key)) for key, child in items if isinstance(child, (dict, list)))
    return trails


def _long_number_line(text: str) -> int | None:
    for match in _DIGITS.finditer(text):
        if match.end() - match.start() > MAX_INT_DIGITS:
            return text.count("\n", 0, match.start()) + 1
    return None


def _refuse_lone_surrogates(data: Any, text: str, display: str) -> None:
    """A ``\\uD800`` escape without its pair decodes to text no output can encode: refuse it,
    naming the line (only run when the text has such escapes at all)."""
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        pass
    else:
        return
    line: int | None = None
    paired_until = -1
    for match in _SURROGATE_ESCAPE.finditer(text):
        if match.start() < paired_until:
            continue
        code = int(match.group(1), 16)
        after = text[match.end() : match.end() + 6]
        if code < 0xDC00 and after[:3].lower() == "\\ud" and after[3:4].lower() in ("c", "d", "e", "f"):
            paired_until = match.end() + 6
            continue
        line = text.count("\n", 0, match.start()) + 1
        break
    raise InputError(display, line, "text is not valid Unicode (lone surrogate escape)")


def load_json(text: str, display: str, duplicates: list[DuplicateKey] | None = None) -> Any:
    """Parse a JSON template; every problem is an :class:`InputError`. Duplicate keys are
    appended to ``duplicates`` (keeping the last value) when it is given, else refused."""
    try:
        data = json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        raise JSONSyntaxError(display, exc.lineno, message) from None
    except RecursionError:
        raise InputError(display, None, f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # Python's 4300-digit limit for integers
        raise InputError(display, _long_number_line(text), f"number with more than {MAX_INT_DIGITS} digits") from None
    if _SURROGATE_HINT.search(text):
        _refuse_lone_surrogates(data, text, display)
    if isinstance(data, (dict, list)):
        found: _Found | None = None if duplicates is None else []
        _walk(data, iter(_token_marks(text)).__next__, display, 1, found)
        if found:
            trails = _trails(data, {id(mapping) for mapping, *_ in found})
            duplicates.extend(DuplicateKey(key, first, line, trails.get(id(mapping), ()))  # type: ignore[union-attr]
                              for mapping, key, first, line in found)
    if data is None:
        raise InputError(display, None, "empty document (null)")
    return data
