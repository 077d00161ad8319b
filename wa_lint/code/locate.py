"""Finding a function's handler source: inline ``ZipFile``, a local SAM ``CodeUri`` directory,
or a CDK asset directory, read from ``Handler`` and ``Runtime``.

Only Python and Node.js runtimes are read; anything else (container images, Java, Go, a zip file,
a directory that is not there) is no evidence, never an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wa_lint.fileio import is_dir, is_file, refused
from wa_lint.model import Resource
from wa_lint.values import Placeholders, Resolver, intrinsic, render

#: How inline code (``Code.ZipFile``) is named where a file path would be.
INLINE = "inline ZipFile"
#: Bigger files are bundles (a whole SDK inlined): reading them would prove nothing.
MAX_BYTES = 256 * 1024
PLACEHOLDER = "__wa_lint_value__"
NODE_SUFFIXES = (".js", ".mjs", ".cjs", ".ts", ".mts", ".cts")


@dataclass(frozen=True, slots=True)
class HandlerSource:
    """One handler file to analyse. ``path`` is None for inline code."""

    language: str  # "python" | "javascript" | "typescript"
    display: str
    path: Path | None = None
    text: str | None = None


def runtime_language(runtime: Any) -> str | None:
    if not isinstance(runtime, str):
        return None
    if runtime.startswith("python"):
        return "python"
    if runtime.startswith("nodejs"):
        return "javascript"
    return None


#: Source code: every intrinsic piece of an ``Fn::Sub`` / ``Fn::Join`` is one identifier, unread.
CODE_TEXT = Placeholders(ref=lambda _n: PLACEHOLDER, getatt=lambda _n: PLACEHOLDER, unknown=lambda _n: PLACEHOLDER,
                         opaque=True)


def _inline_text(value: Any) -> str | None:
    """``ZipFile`` as source text; intrinsics inside become a placeholder identifier, which
    parses both inside a string literal and as an expression."""
    fn = intrinsic(value)
    if isinstance(value, str) or (fn is not None and fn[0] in ("Fn::Sub", "Fn::Join")):
        return render(value, None, CODE_TEXT)
    return None


def _display(path: Path) -> str:
    """The handler file as messages name it: relative to the working directory, also when it lies
    outside it (``../src/app.py``), so no machine path reaches a report."""
    try:
        return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def _module_file(root: Path, handler: str, language: str) -> Path | None:
    module, dot, _func = handler.rpartition(".")
    if not dot or not module:
        return None
    if language == "python":
        candidates = [root / (module.replace(".", "/") + ".py")]
    else:
        candidates = [root / (module + suffix) for suffix in NODE_SUFFIXES]
    for candidate in candidates:
        try:
            if not is_file(candidate):  # is_file: seen by the cache
                continue
            if candidate.stat().st_size <= MAX_BYTES:
                return candidate
            refused(candidate)  # too large to read: read again (by the cache too) once it shrinks
        except OSError:
            return None
    return None


def handler_source(fn: Resource, resolver: Resolver) -> HandlerSource | None:
    """The handler file (or inline text) of a function, or None when it cannot be read."""
    language = runtime_language(resolver.scalar(fn.prop("Runtime")))
    if language is None:
        return None
    inline = fn.prop("Code", "ZipFile")
    if inline is not None:  # always index.py / index.js, whatever Handler says
        text = _inline_text(inline)
        if text is None or len(text) > MAX_BYTES:
            return None
        return HandlerSource(language, INLINE, text=text)
    handler = resolver.scalar(fn.prop("Handler"))
    root = fn.local_paths.get("CodeUri") or fn.local_paths.get("Code")
    if root is None or not isinstance(handler, str):
        return None
    try:
        if not is_dir(root):
            return None
    except OSError:
        return None
    found = _module_file(root, handler, language)
    if found is None:
        return None
    if found.suffix in (".ts", ".mts", ".cts"):
        language = "typescript"
    return HandlerSource(language, _display(found), path=found)
