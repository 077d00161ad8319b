"""The text edit that suppresses a rule on a resource: ``Metadata.wa-lint.ignore`` with a reason.

The reason is a placeholder the author must replace (a suppression without one is WA001). The
edit is computed from the document's parsed marks and adds one thing where it is missing: the
resource's ``Metadata``, its ``wa-lint`` entry, or one more item of ``wa-lint.ignore``. It keeps
the style of what it adds to:

* a block mapping or list (YAML): new lines at the indentation of their siblings;
* a ``{…}`` or ``[…]`` written on one line (JSON, flow-style YAML): a first member or item on
  that line;
* a ``{…}`` or ``[…]`` spread over lines: a first member or item on its own line, indented as the
  next one is (JSON pretty-printed with the document's indentation step).

Anything else (a value the edit cannot place, an ``ignore`` that is not a list) gets no action
rather than an edit that might break the document.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from lsprotocol import types

from wa_lint.model import Mark, MarkedDict, mark_of

REASON = "TODO: why this finding does not apply here"
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def _key_written(text: str, key: str) -> int | None:
    """Where the value starts after ``key`` written at the start of ``text`` (bare, or in double
    or single quotes) and its colon; None when ``text`` does not start with that key."""
    for spelled in (f'"{key}"', f"'{key}'", key):
        if text.startswith(spelled):
            at = len(spelled)
            while at < len(text) and text[at].isspace():
                at += 1
            if at < len(text) and text[at] == ":":
                at += 1
                while at < len(text) and text[at] in " \t":
                    at += 1
                return at
    return None
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})
_CLOSER = {"{": "}", "[": "]"}


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
    doc = _Doc(text, json_style=path.suffix.lower() == ".json" or text.lstrip().startswith("{"))
    entry = {"id": rule, "reason": REASON}
    if "Metadata" not in body:
        return doc.add_member(body, key, "Metadata", {"wa-lint": {"ignore": [entry]}})
    metadata, metadata_key = body.get("Metadata"), mark_of(body, "Metadata")
    if not isinstance(metadata, MarkedDict) or metadata_key is None:
        return None
    if "wa-lint" not in metadata:
        return doc.add_member(metadata, metadata_key, "wa-lint", {"ignore": [entry]})
    ours = metadata.get("wa-lint")
    ignore_key = mark_of(ours, "ignore")
    if not isinstance(ours, MarkedDict) or not isinstance(ours.get("ignore"), list) or ignore_key is None:
        return None
    return doc.add_item(ignore_key, "ignore", entry)


class _Doc:
    """The document's lines, its line ending and how values are written in it (JSON or YAML)."""

    def __init__(self, text: str, *, json_style: bool) -> None:
        self.lines = text.splitlines()
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.json_style = json_style

    def add_member(self, target: MarkedDict, key_mark: Mark, key: str, value: Any) -> types.TextEdit | None:
        """``key: value`` as the first member of ``target``, whose own key is at ``key_mark``."""
        mark = target.mark
        if mark is None:
            return None
        row, col = mark.line - 1, mark.column - 1
        if row < len(self.lines) and self.lines[row][col:col + 1] == "{":
            return self._flow_insert(row, col, key, value, bool(target))
        key_row = key_mark.line - 1
        if self.json_style or row <= key_row or not _block_start(self.lines, key_row):
            return None  # a block mapping's first key (its mark) lies below the key that holds it
        step = max(col - (key_mark.column - 1), 1)
        return _insert(key_row + 1, self._block(_yaml_lines(key, value, col, step)))

    def add_item(self, key_mark: Mark, key: str, item: dict[str, str]) -> types.TextEdit | None:
        """``item`` as the first item of the list written after ``key``."""
        start = self._value_start(key_mark, key)
        if start is None:
            return None
        row, col = start
        opener = self.lines[row][col]
        if opener == "[":
            return self._flow_insert(row, col, None, item, not self.lines[row][col + 1:].lstrip().startswith("]"))
        if opener != "-" or self.json_style:
            return None
        key_indent = key_mark.column - 1
        step = max(col - key_indent, 1)
        return _insert(row, self._block(_yaml_item(item, col, step)))

    def _value_start(self, key_mark: Mark, key: str) -> tuple[int, int] | None:
        """Where the value of the key written at ``key_mark`` begins (on its line or a later one)."""
        row, col = key_mark.line - 1, key_mark.column - 1
        if row >= len(self.lines):
            return None
        end = _key_written(self.lines[row][col:], key)
        if end is None:
            return None
        rest = self.lines[row][col + end:]
        if rest.strip() and not rest.lstrip().startswith("#"):
            return row, col + end
        for n in range(row + 1, len(self.lines)):
            stripped = self.lines[n].lstrip()
            if stripped and not stripped.startswith("#"):
                return n, len(self.lines[n]) - len(stripped)
        return None

    def _flow_insert(self, row: int, col: int, key: str | None, value: Any, more: bool) -> types.TextEdit:
        """``key: value`` (or ``value`` in a list) first inside the ``{``/``[`` at ``row``/``col``;
        ``more``: the collection already has members, so a comma follows."""
        line = self.lines[row]
        rest = line[col + 1:]
        if not rest.strip() or rest.lstrip().startswith("#"):
            following = self._next_content(row + 1)
            if following is not None and not self.lines[following].lstrip().startswith(_CLOSER[line[col]]):
                pad = len(self.lines[following]) - len(self.lines[following].lstrip())
                step = max(pad - (len(line) - len(line.lstrip())), 1)
                written = self._pretty(key, value, step).split("\n")
                text = self.newline.join(" " * pad + part for part in written) + ("," if more else "")
                return _insert(following, text + self.newline)
        member = self._compact(key, value)
        if not more:
            text = member
        elif rest.startswith((" ", "\t")):
            text = f" {member},"
        else:
            text = f"{member}, "
        position = types.Position(row, col + 1)
        return types.TextEdit(range=types.Range(position, position), new_text=text)

    def _next_content(self, row: int) -> int | None:
        for n in range(row, len(self.lines)):
            stripped = self.lines[n].strip()
            if stripped and not (stripped.startswith("#") and not self.json_style):
                return n
        return None

    def _compact(self, key: str | None, value: Any) -> str:
        if self.json_style:
            written = json.dumps(value)
            return written if key is None else f"{json.dumps(key)}: {written}"
        written = _yaml_flow(value)
        return written if key is None else f"{_yaml_scalar(key)}: {written}"

    def _pretty(self, key: str | None, value: Any, step: int) -> str:
        """JSON as a formatter would lay it out (YAML flow stays on one line)."""
        if not self.json_style:
            return self._compact(key, value)
        written = json.dumps(value, indent=step)
        return written if key is None else f"{json.dumps(key)}: {written}"

    def _block(self, lines: list[str]) -> str:
        return "".join(line + self.newline for line in lines)


def _insert(row: int, new_text: str) -> types.TextEdit:
    position = types.Position(row, 0)
    return types.TextEdit(range=types.Range(position, position), new_text=new_text)


def _yaml_scalar(value: str) -> str:
    """Plain when it reads back as the same string, else JSON-quoted (valid YAML)."""
    if _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value)


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_yaml_scalar(k)}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    return _yaml_scalar(str(value))


def _yaml_lines(key: str, value: Any, indent: int, step: int) -> list[str]:
    """``key: value`` as block YAML at ``indent``; list items are indented one ``step`` further."""
    pad = " " * indent
    if isinstance(value, dict):
        return [f"{pad}{_yaml_scalar(key)}:", *(line for k, v in value.items()
                                              for line in _yaml_lines(k, v, indent + step, step))]
    if isinstance(value, list):
        return [f"{pad}{_yaml_scalar(key)}:", *(line for item in value
                                              for line in _yaml_item(item, indent + step, step))]
    return [f"{pad}{_yaml_scalar(key)}: {_yaml_scalar(str(value))}"]


def _yaml_item(item: dict[str, str], indent: int, step: int) -> list[str]:
    """A mapping as a block list item whose ``-`` is at ``indent``."""
    lines = [line for k, v in item.items() for line in _yaml_lines(k, v, indent + 2, step)]
    return [" " * indent + "- " + lines[0].lstrip(), *lines[1:]] if lines else []


def _block_start(lines: list[str], row: int) -> bool:
    """The key on ``row`` opens a block (nothing but a comment after its colon)."""
    if row >= len(lines):
        return False
    after = lines[row].split(":", 1)[1] if ":" in lines[row] else "x"
    return not after.strip() or after.strip().startswith("#")
