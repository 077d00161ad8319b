"""The code evidence for one function: locate its handler, analyse it once per file, never raise.

Results are cached per file (path, size and modification time) and per inline text, so a
handler shared by several functions or read by several rules is parsed once per process.
"""

from __future__ import annotations

from functools import lru_cache

from wa_lint.code.facts import CodeFacts
from wa_lint.code.locate import MAX_BYTES, HandlerSource, handler_source
from wa_lint.fileio import depends_on, read_text
from wa_lint.model import InputError, Resource
from wa_lint.values import Resolver


@lru_cache(maxsize=512)
def _analyse_text(language: str, display: str, text: str) -> CodeFacts | None:
    if language == "python":
        from wa_lint.code.python import analyse_python

        return analyse_python(text, display)
    from wa_lint.code.node import analyse_node  # tree-sitter only when a Node.js file is read

    return analyse_node(text, display, language)


@lru_cache(maxsize=512)
def _analyse_file(language: str, display: str, path: str, _mtime: int, _size: int) -> CodeFacts | None:
    try:
        text = read_text(path, display, MAX_BYTES)  # bounded, regular files only
    except InputError:
        return None
    return _analyse_text(language, display, text)


def analyse_source(source: HandlerSource) -> CodeFacts | None:
    """Facts of a located handler, or None when it cannot be read or parsed."""
    try:
        if source.path is None:
            return _analyse_text(source.language, source.display, source.text or "")
        depends_on(source.path)  # memoised below: the cache must still see the file
        st = source.path.stat()
        return _analyse_file(source.language, source.display, str(source.path), st.st_mtime_ns, st.st_size)
    except Exception:  # noqa: BLE001  # unreadable code is no evidence, never a crash
        return None


def code_facts(fn: Resource, resolver: Resolver) -> CodeFacts | None:
    """What a function's handler does, or None when its code cannot be read."""
    try:
        source = handler_source(fn, resolver)
    except Exception:  # noqa: BLE001  # odd property shapes: no evidence
        return None
    return analyse_source(source) if source is not None else None
