"""Source lines for code frames and snippets, with secret values masked.

Every format that shows template text (text, SARIF snippets, JUnit, HTML) takes it from here,
so ``Finding.masked`` is honoured in one place.
"""

from __future__ import annotations

import os
from functools import lru_cache

from wa_lint.fileio import read_bytes
from wa_lint.filter.masking import MASK, masked
from wa_lint.finding import Finding
from wa_lint.model import InputError

__all__ = ["MASK", "MAX_LINE", "frame", "line_text", "masked", "safe_fix", "safe_message", "source_lines"]

MAX_LINE = 400  # longer lines (minified JSON) are not shown


def source_lines(path: str) -> tuple[str, ...]:
    """The lines of ``path`` as it is now: cached by absolute path, size and modification time,
    so another working directory or an edited file never shows stale lines."""
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return _read_lines(os.path.abspath(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _read_lines(path: str, size: int, mtime: int) -> tuple[str, ...]:  # noqa: ARG001  # size, mtime: cache key
    try:
        data = read_bytes(path, path)  # bounded, regular files only
    except InputError:
        return ()
    return tuple(data.decode("utf-8", errors="replace").splitlines())


def frame(path: str, line: int, secrets: list[str] | None = None, context: int = 1) -> list[tuple[int, str]]:
    """``(number, text)`` for ``line`` and ``context`` lines either side; empty when unavailable."""
    lines = source_lines(path)
    if not line or line > len(lines) or len(lines[line - 1]) > MAX_LINE:
        return []
    start, end = max(1, line - context), min(len(lines), line + context)
    return [(n, masked(lines[n - 1], secrets or ())) for n in range(start, end + 1)]


def line_text(path: str, line: int, secrets: list[str] | None = None) -> str | None:
    rows = frame(path, line, secrets, context=0)
    return rows[0][1] if rows else None


def safe_message(f: Finding) -> str:
    return masked(f.message, f.masked)


def safe_fix(f: Finding) -> str:
    return masked(f.fix, f.masked)
