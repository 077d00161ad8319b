"""IAM wildcard matching (``*`` any run, ``?`` one character) without regular expressions.

A template's action pattern turned into a regex (``.*`` per ``*``) backtracks exponentially:
``s3:*a*a*a…*c`` against a long action runs for hours. Here a pattern is split at ``*`` into
literal pieces, each found leftmost in turn (greedy leftmost is exact for ``*``-only globs), so a
match costs about the length of the text; pieces with ``?`` scan at most ``len(text)`` places each.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MAX_TEXT = 1024
"""Longest text matched: no IAM action or service name comes near it, and a longer one (from
hostile handler code) is refused rather than scanned."""


def _at(text: str, piece: str, pos: int) -> bool:
    """Whether ``piece`` (with ``?`` for any character) is written at ``text[pos:]``."""
    if pos + len(piece) > len(text):
        return False
    if "?" not in piece:
        return text.startswith(piece, pos)
    return all(p == "?" or p == c for p, c in zip(piece, text[pos : pos + len(piece)], strict=True))


def _find(text: str, piece: str, start: int) -> int:
    """Leftmost place at or after ``start`` where ``piece`` is written, or -1."""
    if "?" not in piece:
        return text.find(piece, start)
    for pos in range(start, len(text) - len(piece) + 1):
        if _at(text, piece, pos):
            return pos
    return -1


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled wildcard pattern; :meth:`match` is a full, case-sensitive match."""

    pieces: tuple[str, ...]  # the pattern split at "*"; one piece means no "*" at all
    fixed: int  # characters that are not "*": the shortest text that can match

    def match(self, text: str) -> bool:
        if len(text) < self.fixed or len(text) > MAX_TEXT:
            return False
        pieces = self.pieces
        if len(pieces) == 1:
            return len(text) == self.fixed and _at(text, pieces[0], 0)
        first, last = pieces[0], pieces[-1]
        if not _at(text, first, 0):
            return False
        pos = len(first)
        end = len(text) - len(last)
        if end < pos or not _at(text, last, end):
            return False
        for piece in pieces[1:-1]:
            if not piece:
                continue
            found = _find(text[:end], piece, pos)
            if found < 0:
                return False
            pos = found + len(piece)
        return True


@lru_cache(maxsize=4096)
def compile_glob(pattern: str) -> Glob:
    """``pattern`` as a :class:`Glob` (callers lower-case both sides for IAM's case-insensitivity)."""
    pieces = tuple(pattern.split("*"))
    return Glob(pieces, len(pattern) - len(pieces) + 1)


def glob_match(pattern: str, text: str) -> bool:
    """Whether ``text`` matches the wildcard ``pattern`` as a whole (case-sensitive)."""
    return compile_glob(pattern).match(text)
