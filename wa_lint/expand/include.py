"""Local ``AWS::Include`` files inserted where the template asks, before any other transform.

``sam build`` and ``aws cloudformation package`` upload a local ``Location`` and CloudFormation
inserts the file when it creates the change set, before ``AWS::LanguageExtensions`` and SAM run;
so the translator and the rules must see the included content. Both forms are expanded:

* ``Fn::Transform: {Name: AWS::Include, Parameters: {Location: …}}`` as a value anywhere
  (``DefinitionBody``, a state machine ``Definition``, a whole resource, a section) — alone it is
  replaced by the file's content; beside other keys the file's mapping is merged in (keys the
  template writes itself win);
* ``Transform: {Name: AWS::Include, …}`` at the top level (alone or in the ``Transform`` list):
  the file's sections are merged into the template's.

``Location`` is relative to the file that names it. Included content keeps its own marks, with
lines as :class:`~wa_lint.model.Line` naming the included file, so findings point there. An S3 or
HTTP location, an intrinsic, a file outside the linted directory, or a missing one is left as
written with a one-line warning; the rest of the template is still linted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wa_lint.fileio import inside, is_file
from wa_lint.load import load_file
from wa_lint.model import DuplicateKey, InputError, Line, Mark, MarkedDict, mark_of

__all__ = ["INCLUDE", "MAX_INCLUDES", "Included", "expand_includes", "mentions_include"]

INCLUDE = "AWS::Include"
TRANSFORM_FN = "Fn::Transform"
MAX_INCLUDES = 200
"""Files one template may include in all (counting repeats): a bound for hostile input."""
MAX_INCLUDE_DEPTH = 8
_REMOTE = ("s3://", "https://", "http://")

Keys = tuple[str | int, ...]


@dataclass(slots=True)
class Included:
    """What expanding one template's includes met: warnings (as ``path:line: message`` lines),
    errors (bad included files) and duplicate keys in included files."""

    root: Path
    warnings: list[str] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    count: int = 0


def mentions_include(text: str) -> bool:
    """Cheap test on the file's text: only templates that name the transform are walked."""
    return INCLUDE in text


def expand_includes(data: Any, path: Path, display: str, found: Included) -> Any:
    """``data`` (loaded from ``path``, shown as ``display``) with its local includes inserted.

    The loaded data is modified in place where that is possible; use the returned value."""
    return _Includer(found).template(data, path, display, (path.resolve(),))


class _Includer:
    def __init__(self, found: Included) -> None:
        self.found = found

    def template(self, data: Any, path: Path, display: str, chain: tuple[Path, ...]) -> Any:
        data = self.walk(data, path, display, chain, ())
        if isinstance(data, dict) and "Transform" in data:
            self.top_level(data, path, display, chain)
        return data

    def walk(self, value: Any, path: Path, display: str, chain: tuple[Path, ...], keys: Keys) -> Any:
        """Snippet-level includes, innermost first, as CloudFormation processes them."""
        if isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    value[index] = self.walk(item, path, display, chain, (*keys, index))
            return value
        if not isinstance(value, dict):
            return value
        for key, item in list(value.items()):
            if key != TRANSFORM_FN and isinstance(item, (dict, list)):
                value[key] = self.walk(item, path, display, chain, (*keys, key))
        spec = value.get(TRANSFORM_FN)
        if not isinstance(spec, dict) or not _is_include(spec):
            return value
        line = _line(value, TRANSFORM_FN)
        snippet = self.snippet(spec, path, display, line, chain, keys)
        if snippet is None:
            return value
        if len(value) == 1:
            return snippet
        if not isinstance(snippet, dict):
            self.warn(display, line, "AWS::Include: the included file is not a mapping, so it cannot be merged "
                      f"with the keys beside {TRANSFORM_FN}; not included")
            return value
        del value[TRANSFORM_FN]
        _merge(value, snippet)
        return value

    def top_level(self, data: dict[str, Any], path: Path, display: str, chain: tuple[Path, ...]) -> None:
        """``Transform: {Name: AWS::Include, …}`` (or such an entry of the list): merge the file."""
        transform = data["Transform"]
        items = transform if isinstance(transform, list) else [transform]
        if not any(_is_include(item) for item in items):
            return
        line = _line(data, "Transform")
        kept: list[Any] = []
        for item in items:
            snippet = self.snippet(item, path, display, line, chain, ()) if _is_include(item) else None
            if snippet is None:
                kept.append(item)
            elif isinstance(snippet, dict):
                _merge(data, snippet, sections=True)
            else:
                self.warn(display, line, "AWS::Include in Transform: the included file is not a mapping of "
                          "template sections; not included")
                kept.append(item)
        if not kept:
            del data["Transform"]
        elif isinstance(transform, list):
            data["Transform"] = kept
        else:
            data["Transform"] = kept[0]

    def snippet(
        self, spec: dict[str, Any], path: Path, display: str, line: int | None, chain: tuple[Path, ...], keys: Keys
    ) -> Any:
        """The included file's content (marked as its own), or None after a warning or an error."""
        params = spec.get("Parameters")
        location = params.get("Location") if isinstance(params, dict) else None
        if not isinstance(location, str) or not location.strip():
            written = _sub_text(location)
            if written is not None and written.startswith(_REMOTE):
                self.warn(display, line, f"AWS::Include of {_quoted(written)}: a remote file; its content is not "
                          "linted")
            else:
                self.warn(display, line, "AWS::Include: the Location is not a literal path; the included content "
                          "is not linted")
            return None
        shown_location = _quoted(location)
        if location.startswith(_REMOTE):
            self.warn(display, line, f"AWS::Include of {shown_location}: a remote file; its content is not linted")
            return None
        target = Path(os.path.normpath(path.parent.absolute() / location))
        shown = Path(os.path.normpath(os.path.join(os.path.dirname(display), location))).as_posix()
        if not inside(target, self.found.root):
            self.warn(display, line, f"AWS::Include of {shown_location}: outside the linted directory; not included")
            return None
        if not is_file(target):  # recorded: the cache re-lints once the file exists
            why = "is not a file" if target.exists() else "does not exist"
            self.warn(display, line, f"AWS::Include of {shown_location}: {_quoted(shown)} {why}; not included")
            return None
        resolved = target.resolve()
        if resolved in chain or len(chain) > MAX_INCLUDE_DEPTH:
            self.warn(display, line, f"AWS::Include of {shown_location}: circular or too deep includes; not included")
            return None
        self.found.count += 1
        if self.found.count > MAX_INCLUDES:
            if self.found.count == MAX_INCLUDES + 1:
                self.found.errors.append(InputError(display, line, f"more than {MAX_INCLUDES} AWS::Include "
                                                                   "files; the rest are not included"))
            return None
        duplicates: list[DuplicateKey] = []
        try:
            data, _ = load_file(target, shown, duplicates)
        except InputError as exc:
            self.found.errors.append(exc)
            return None
        self.found.duplicates.extend(d._replace(keys=(*keys, *d.keys), path=shown) for d in duplicates)
        _relabel(data, shown)
        return self.walk(data, target, shown, (*chain, resolved), keys)

    def warn(self, display: str, line: int | None, message: str) -> None:
        self.found.warnings.append(str(InputError(display, line, message)))


def _is_include(spec: Any) -> bool:
    return isinstance(spec, dict) and spec.get("Name") == INCLUDE


def _sub_text(location: Any) -> str | None:
    """The text of a ``Fn::Sub`` location (``s3://${Bucket}/api.yaml``), else None."""
    sub = location.get("Fn::Sub") if isinstance(location, dict) and len(location) == 1 else None
    if isinstance(sub, list) and sub:
        sub = sub[0]
    return sub if isinstance(sub, str) else None


def _line(mapping: Any, key: str) -> int | None:
    mark = mark_of(mapping, key)
    return int(mark.line) if mark is not None else None


def _quoted(text: str, limit: int = 200) -> str:
    """Template text in a message: quoted with control characters escaped, and bounded."""
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _merge(target: dict[str, Any], snippet: dict[str, Any], sections: bool = False) -> None:
    """Add the snippet's keys the target does not have; with ``sections``, entries of a section
    both have (``Resources``) are merged one level down the same way."""
    for key, value in snippet.items():
        mine = target.get(key)
        if key not in target:
            target[key] = value
            _copy_mark(target, snippet, key)
        elif sections and isinstance(mine, dict) and isinstance(value, dict):
            _merge(mine, value)


def _copy_mark(target: dict[str, Any], snippet: dict[str, Any], key: str) -> None:
    mark = mark_of(snippet, key)
    if isinstance(target, MarkedDict) and mark is not None:
        target.key_marks[key] = mark


def _relabel(value: Any, shown: str) -> None:
    """Every mark in included content names the included file (iteratively: depth is bounded by
    the loader, but shared anchors may be met more than once)."""
    todo = [value]
    while todo:
        node = todo.pop()
        if isinstance(node, MarkedDict):
            if node.mark is not None and not isinstance(node.mark.line, Line):
                node.mark = Mark(Line(node.mark.line, shown), node.mark.column)
            node.key_marks = {
                k: m if isinstance(m.line, Line) else Mark(Line(m.line, shown), m.column)
                for k, m in node.key_marks.items()
            }
            todo.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            todo.extend(v for v in node if isinstance(v, (dict, list)))
