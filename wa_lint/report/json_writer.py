"""``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte, in about half the time.

With ``indent`` the standard library leaves its C encoder for the pure-Python one (a generator
per container, several calls per value): most of the JSON and SARIF reports' render time. Here
the C encoder writes every leaf (string, number, ``true``/``false``/``null``, empty container)
and Python only places them:

- a container of leaves only is one C call, whose item separator is the line break and
  indentation of its depth;
- otherwise its leaves are encoded in one call with a NUL between them (a raw NUL is never inside
  an encoded leaf) and split, and its other items are written recursively in their places;
- a long list of dicts with the same keys (the report's findings) is a table: each column
  encoded at once, the rows filled into one ``%`` template of the keys and indentation.

Subclasses of the JSON types and keys that are not strings take a slow path that mirrors the pure
encoder, so any value ``json.dumps`` accepts comes out the same, and what it refuses (a circular
reference, an unknown type, a bad key) raises the same error.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from itertools import chain
from json import encoder as _std
from typing import Any, TypeVar

_encode_str: Callable[[str], str] = _std.encode_basestring  # the C function when there is one
#: Exact types the C encoder writes as the pure one does, in one call per run.
_LEAVES = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = frozenset({list, tuple, dict})
_STR = frozenset({str})
_DICT = frozenset({dict})
_Encoder = Callable[[object, int], list[str]]
_T = TypeVar("_T")
#: From this many dicts with the same keys, a list is written as a table (see ``_Writer._table``).
_TABLE_ROWS = 8


def _unserializable(o: object) -> Any:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return float.__repr__(o)


def _scalar(o: object) -> str | None:
    """The pure encoder's text for a subclass of str, int or float, or None for anything else."""
    if isinstance(o, str):
        return _encode_str(o)
    if isinstance(o, int):  # bool and None are exact types, written by the C encoder
        return int.__repr__(o)
    if isinstance(o, float):
        return _float(o)
    return None


def _deep(values: list[Any] | tuple[Any, ...]) -> list[int]:
    """The positions in ``values`` of what the C encoder may not write: non-empty containers and
    values of other types (the callers check in C first whether there is any)."""
    return [i for i, v in enumerate(values) if type(v) not in _LEAVES and (type(v) not in _CONTAINERS or v)]


def _key(k: object) -> str:
    """A dict key as the pure encoder writes it (it has no ``skipkeys`` here)."""
    if isinstance(k, str):
        return _encode_str(k)
    if isinstance(k, float):
        return _encode_str(_float(k))
    if k is True:
        return '"true"'
    if k is False:
        return '"false"'
    if k is None:
        return '"null"'
    if isinstance(k, int):
        return _encode_str(int.__repr__(k))
    raise TypeError(f"keys must be str, int, float, bool or None, not {k.__class__.__name__}")


class _PerDepth(dict[int, _T]):
    """A value per depth, made when first asked for."""

    def __init__(self, make: Callable[[int], _T]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, depth: int) -> _T:
        value = self[depth] = self._make(depth)
        return value


class _Writer:
    """One ``dumps``: the C encoders, the templates, and the containers being written (to refuse
    a circular reference, as ``check_circular`` does)."""

    def __init__(self, indent: int, make: Callable[..., _Encoder]) -> None:
        pad = " " * indent
        #: a line break and the indentation of each depth
        self._newline = _PerDepth(lambda depth: "\n" + pad * depth)
        #: leaves separated as the items of a container at each depth - 1
        self._encoder = _PerDepth(lambda depth: make(None, _unserializable, _encode_str, None, ": ",
                                                     "," + self._newline[depth], False, False, True))
        #: leaves with a raw NUL between them (never inside a leaf's text: it is written ``\u0000``)
        self._tokens = make(None, _unserializable, _encode_str, None, ": ", "\x00", False, False, True)
        self._templates: dict[tuple[tuple[str, ...], int], str] = {}
        self._open: set[int] = set()

    def value(self, o: Any, depth: int) -> str:
        """``o`` written at ``depth`` (its first line is not indented: the caller placed it)."""
        t = type(o)
        if t is dict:
            if not o:
                return "{}"
            if not _STR.issuperset(map(type, o)):
                return self._subclassed(o, depth)  # a key that is not a string
            if _LEAVES.issuperset(map(type, o.values())):
                return self._flat(o, depth)
            return self._dict(o, depth)
        if t is list or t is tuple:
            return self._list(o, depth) if o else "[]"
        if t in _LEAVES:
            return "".join(self._encoder[depth](o, 0))
        text = _scalar(o)
        if text is not None:
            return text
        if isinstance(o, (list, tuple, dict)):
            return self._subclassed(o, depth) if o else ("{}" if isinstance(o, dict) else "[]")
        return self.value(_unserializable(o), depth)

    def _flat(self, o: dict[str, Any] | list[Any] | tuple[Any, ...], depth: int) -> str:
        """A non-empty container of leaves only: one C call with this depth's separator."""
        text = "".join(self._encoder[depth + 1](o, 0))
        return f"{text[0]}{self._newline[depth + 1]}{text[1:-1]}{self._newline[depth]}{text[-1]}"

    def _dict(self, o: dict[str, Any], depth: int) -> str:
        """A dict with string keys and a container among its values."""
        return self._template(tuple(o), depth) % tuple(self._items(o, list(o.values()), depth))

    def _list(self, o: list[Any] | tuple[Any, ...], depth: int) -> str:
        """A non-empty list: its leaves in one C call, the other items one by one, or a table."""
        if _LEAVES.issuperset(map(type, o)):
            return self._flat(o, depth)
        if len(o) >= _TABLE_ROWS and _DICT.issuperset(map(type, o)):
            shapes = set(map(tuple, o))
            if len(shapes) == 1:
                keys = shapes.pop()
                if keys and _STR.issuperset(map(type, keys)):
                    return self._table(o, keys, depth)
        inner = self._newline[depth + 1]
        return f"[{inner}{(',' + inner).join(self._items(o, o, depth))}{self._newline[depth]}]"

    def _items(self, container: Any, values: list[Any] | tuple[Any, ...], depth: int) -> list[str]:
        """The encoded ``values`` of ``container`` (a dict's values or a list): the leaves in one C
        call, the nested containers one by one, while ``container`` is marked open (circular check)."""
        deep = _deep(values)
        tokens = self._leaves(values, deep)
        marker = self._enter(container)
        for i in deep:
            tokens[i] = self.value(values[i], depth + 1)
        self._open.discard(marker)
        return tokens

    def _table(self, rows: Sequence[dict[str, Any]], keys: tuple[str, ...], depth: int) -> str:
        """A list of dicts with the same string keys: their leaves encoded a column at a time, the
        other values one by one, all put in one template of the keys and indentation."""
        n = len(keys)
        values = list(chain.from_iterable(map(dict.values, rows)))
        columns: list[list[str]] = []
        deep: list[int] = []
        for column in range(n):
            cells = values[column::n]
            kinds = set(map(type, cells))
            if kinds == _STR:
                columns.append(list(map(_encode_str, cells)))
                continue
            below = [] if kinds <= _LEAVES else _deep(cells)
            columns.append(self._leaves(cells, below))
            deep.extend(column + n * row for row in below)
        tokens = list(chain.from_iterable(zip(*columns)))
        deep.sort()
        marker = self._enter(rows)
        row = -1
        for i in deep:
            if i // n != row:
                if row >= 0:
                    self._open.discard(id(rows[row]))
                row = i // n
                self._enter(rows[row])
            tokens[i] = self.value(values[i], depth + 2)
        if row >= 0:
            self._open.discard(id(rows[row]))
        self._open.discard(marker)
        inner = self._newline[depth + 1]
        template = ("," + inner).join([self._template(keys, depth + 1)] * len(rows))
        return f"[{inner}{template}{self._newline[depth]}]" % tuple(tokens)

    def _template(self, keys: tuple[str, ...], depth: int) -> str:
        """A dict with ``keys`` at ``depth``, its values ``%s``."""
        template = self._templates.get((keys, depth))
        if template is None:
            inner = self._newline[depth + 1]
            body = ("," + inner).join(_encode_str(k).replace("%", "%%") + ": %s" for k in keys)
            template = self._templates[keys, depth] = f"{{{inner}{body}{self._newline[depth]}}}"
        return template

    def _leaves(self, values: list[Any] | tuple[Any, ...], deep: list[int]) -> list[str]:
        """The text of each of ``values``; those at ``deep`` are left to the caller."""
        if not deep:
            return "".join(self._tokens(values, 0))[1:-1].split("\x00")
        if len(deep) == len(values):
            return [""] * len(values)
        values = list(values)
        for i in deep:
            values[i] = None
        return "".join(self._tokens(values, 0))[1:-1].split("\x00")

    def _subclassed(self, o: dict[Any, Any] | list[Any] | tuple[Any, ...], depth: int) -> str:
        """A subclass of dict, list or tuple, or a dict with a key that is not a string: item by
        item, as the pure encoder does (``items()`` and iteration as the subclass defines them)."""
        marker = self._enter(o)
        inner = self._newline[depth + 1]
        if isinstance(o, dict):
            parts = [_key(k) + ": " + self.value(v, depth + 1) for k, v in o.items()]
            text = "{" + inner + ("," + inner).join(parts) + self._newline[depth] + "}"
        else:
            parts = [self.value(v, depth + 1) for v in o]
            text = "[" + inner + ("," + inner).join(parts) + self._newline[depth] + "]"
        self._open.discard(marker)
        return text

    def _enter(self, o: object) -> int:
        marker = id(o)
        if marker in self._open:
            raise ValueError("Circular reference detected")
        self._open.add(marker)
        return marker


def dumps(o: object, indent: int = 2) -> str:
    """``json.dumps(o, indent=indent, ensure_ascii=False)``: the same text (or the same
    exception), faster. Falls back to it where the C encoder is missing."""
    make = getattr(_std, "c_make_encoder", None)
    if make is None:
        return json.dumps(o, indent=indent, ensure_ascii=False)
    return _Writer(indent, make).value(o, 0)
