"""The text edit that suppresses a rule on a resource: ``Metadata.wa-lint.ignore`` with a reason.

The reason is a placeholder the author must replace (a suppression without one is WA001). The
edit is computed from the document's parsed marks, and offered only where it is unambiguous:

* YAML: a resource without ``Metadata``, a ``Metadata`` without ``wa-lint``, or a block-style
  ``wa-lint.ignore`` list (one more entry);
* JSON: a resource without ``Metadata``, or a ``Metadata`` object without ``wa-lint``.

Anything else (flow-style YAML, a JSON ``wa-lint`` entry already there) gets no action rather than an
edit that might break the document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lsprotocol import types

from wa_lint.model import MarkedDict, mark_of

REASON = "TODO: why this finding does not apply here"


def suppression_edit(text: str, path: Path, resource: str, rule: str) -> types.TextEdit | None:
    """The edit adding ``rule`` to ``resource``'s suppressions, or None when none is safe."""
    from wa_lint.load import load_text

    try:
        data = load_text(text, path.as_posix(), json_hint=True if path.suffix.lower() == ".json" else None,
                         duplicates=[])
    except Exception:  # noqa: BLE001  # the server never dies: a document that does not load gets no edit
        return None
    resources = data.get("Resources") if isinstance(data, dict) else None
    body = resources.get(resource) if isinstance(resources, dict) else None
    key = mark_of(resources, resource)
    if not isinstance(body, MarkedDict) or key is None or body.mark is None:
        return None
    lines = text.splitlines()
    if text.lstrip().startswith("{"):
        return _json_edit(lines, body, rule)
    return _yaml_edit(lines, key.line - 1, key.column - 1, body, rule)


def _insert(row: int, new_text: str) -> types.TextEdit:
    position = types.Position(row, 0)
    return types.TextEdit(range=types.Range(position, position), new_text=new_text)


def _entry(indent: str, rule: str) -> str:
    return f"{indent}- id: {rule}\n{indent}  reason: {json.dumps(REASON)}\n"


def _yaml_edit(lines: list[str], row: int, indent: int, body: MarkedDict, rule: str) -> types.TextEdit | None:
    if not _block_start(lines, row):
        return None  # `Fn: {Type: …}`: flow style
    child = _child_indent(lines, row, indent)
    step = child - indent
    metadata = body.get("Metadata")
    if "Metadata" not in body:
        pad = " " * child
        text = (f"{pad}Metadata:\n{pad}{' ' * step}wa-lint:\n{pad}{' ' * 2 * step}ignore:\n"
                + _entry(pad + " " * 3 * step, rule))
        return _insert(row + 1, text)
    meta_mark = mark_of(body, "Metadata")
    if not isinstance(metadata, MarkedDict) or meta_mark is None or not _block_start(lines, meta_mark.line - 1):
        return None
    meta_row = meta_mark.line - 1
    if "wa-lint" not in metadata:
        pad = " " * _child_indent(lines, meta_row, meta_mark.column - 1)
        return _insert(meta_row + 1, f"{pad}wa-lint:\n{pad}{' ' * step}ignore:\n" + _entry(pad + " " * 2 * step, rule))
    ours, ours_mark = metadata.get("wa-lint"), mark_of(metadata, "wa-lint")
    ignore_mark = mark_of(ours, "ignore")
    if not isinstance(ours, MarkedDict) or ours_mark is None or ignore_mark is None:
        return None
    ignore = ours.get("ignore")
    ignore_row = ignore_mark.line - 1
    if not isinstance(ignore, list) or not _block_start(lines, ignore_row):
        return None
    item = _first_item_indent(lines, ignore_row)
    if item is None:
        return None
    return _insert(ignore_row + 1, _entry(" " * item, rule))


def _block_start(lines: list[str], row: int) -> bool:
    """The key on ``row`` opens a block (nothing but a comment after its colon)."""
    if row >= len(lines):
        return False
    after = lines[row].split(":", 1)[1] if ":" in lines[row] else "x"
    return not after.strip() or after.strip().startswith("#")


def _child_indent(lines: list[str], row: int, indent: int) -> int:
    for text in lines[row + 1:]:
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            width = len(text) - len(text.lstrip(" "))
            return width if width > indent else indent + 2
    return indent + 2


def _first_item_indent(lines: list[str], row: int) -> int | None:
    for text in lines[row + 1:]:
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            return len(text) - len(text.lstrip(" ")) if stripped.startswith("- ") else None
    return None


def _json_edit(lines: list[str], body: MarkedDict, rule: str) -> types.TextEdit | None:
    """``"Metadata": {"wa-lint": …},`` as the first member of the resource's object, or
    ``"wa-lint": …`` as the first member of its ``Metadata`` when that has no ``wa-lint`` yet."""
    entry: dict[str, Any] = {"ignore": [{"id": rule, "reason": REASON}]}
    if "Metadata" not in body:
        return _json_member(lines, body, "Metadata", {"wa-lint": entry})
    metadata = body.get("Metadata")
    if isinstance(metadata, MarkedDict) and "wa-lint" not in metadata:
        return _json_member(lines, metadata, "wa-lint", entry)
    return None


def _json_member(lines: list[str], target: MarkedDict, key: str, value: Any) -> types.TextEdit | None:
    mark = target.mark
    if mark is None:
        return None
    row, col = mark.line - 1, mark.column - 1
    if row >= len(lines) or lines[row][col:col + 1] != "{":
        return None
    member = f" {json.dumps(key)}: {json.dumps(value)}" + ("," if target else " ")
    position = types.Position(row, col + 1)
    return types.TextEdit(range=types.Range(position, position), new_text=member)
