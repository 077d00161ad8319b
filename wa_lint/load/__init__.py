"""Read template files into plain data with source marks; every bad input is one InputError.

YAML and JSON each have their own fast path (see :mod:`.yaml_loader`, :mod:`.json_loader`).
Mappings come back as :class:`~wa_lint.model.MarkedDict`, short-form tags in their long form,
unknown tags as :class:`~wa_lint.model.Unknown`.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

from wa_lint.fileio import MAX_FILE_BYTES, decode_utf8, read_bytes, too_large
from wa_lint.model import DuplicateKey, InputError

from .json_loader import JSONSyntaxError, load_json
from .yaml_loader import load_yaml

__all__ = ["MAX_FILE_BYTES", "load_file", "load_text"]

_SNIFF_BYTES = 8192
_LOOKS_LIKE_JSON = re.compile(r"\s*\{")
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def load_text(
    text: str, path: str, *, json_hint: bool | None = None, duplicates: list[DuplicateKey] | None = None
) -> Any:
    """Parse a template's text; ``path`` is only used in messages.

    ``json_hint`` True reads strict JSON, False YAML; None (unknown) reads text that starts with
    ``{`` as JSON first, falling back to YAML (which reads JSON too, but slower and less strictly).
    A duplicate key is an :class:`InputError`, unless ``duplicates`` is given: then it is recorded
    there and the last value kept, as SAM CLI reads templates.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > MAX_FILE_BYTES:
        raise InputError(path, None, too_large(len(text), MAX_FILE_BYTES))
    if not text.strip():
        raise InputError(path, None, "empty file")
    if json_hint is None and _LOOKS_LIKE_JSON.match(text):
        try:
            return load_json(text, path, duplicates)
        except JSONSyntaxError as json_error:
            try:
                return _load_yaml(text, path, duplicates)
            except InputError:
                raise json_error from None
    if json_hint:
        return load_json(text, path, duplicates)
    return _load_yaml(text, path, duplicates)


def _load_yaml(text: str, path: str, duplicates: list[DuplicateKey] | None) -> Any:
    try:
        return load_yaml(text, path, duplicates)
    except UnicodeEncodeError as exc:  # a lone surrogate in text that did not come from a file
        line = text.count("\n", 0, exc.start) + 1
        raise InputError(path, line, "text is not valid Unicode (lone surrogate)") from None


def load_file(path: Path, display: str, duplicates: list[DuplicateKey] | None = None) -> tuple[Any, str]:
    """Load a template file; returns the data and the decoded text (without a BOM).

    ``.json`` files are strict JSON; anything else is YAML unless it starts with ``{``.
    ``duplicates`` as for :func:`load_text`.
    """
    text = _decode(_read(path, display), display)
    json_hint = True if path.suffix.lower() == ".json" else None
    return load_text(text, display, json_hint=json_hint, duplicates=duplicates), text


def _read(path: Path, display: str) -> bytes:
    """Bounded, regular files only (see :mod:`wa_lint.fileio`)."""
    return read_bytes(path, display, MAX_FILE_BYTES)


def _decode(data: bytes, display: str) -> str:
    """UTF-8 text of a file, refusing binary and other encodings with a useful line."""
    if data.startswith(_UTF16_BOMS):
        raise InputError(display, None, "file is UTF-16/UTF-32 encoded; save it as UTF-8")
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(display, None, "binary file, not a template")
    return decode_utf8(data, display)
