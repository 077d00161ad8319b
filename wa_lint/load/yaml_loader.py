"""YAML templates as CloudFormation reads them: short-form tags expanded, YAML 1.2 scalars, marks.

The document is built straight from libyaml's event stream instead of PyYAML's composer and
constructor: the C composer recurses on the C stack (100,000 nested ``[`` crash the process),
and resolving scalars ourselves is faster than PyYAML's per-node Python resolver. The loop below
is iterative, so nesting depth, alias expansion and duplicate keys are all checked in one pass.
A duplicate key is an error, or, when the caller collects them, recorded and the last value kept
(SAM CLI reads templates with PyYAML, which keeps the last value, so such templates deploy).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from wa_lint.model import DuplicateKey, InputError, Mark, MarkedDict, Unknown


class PyParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's pure-Python event parser (non-recursive too), for installs without libyaml."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


try:  # libyaml's C parser produces the events at C speed
    from yaml._yaml import CParser

    Parser: type[Any] = CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    Parser = PyParser


MAX_DEPTH = 100
"""Deepest nesting accepted, counting long-form intrinsic levels. Real templates stay under 30;
``copy.deepcopy`` of marked data (used by the SAM translator) overflows Python's stack near 190."""
MAX_ALIASES = 10_000
MAX_ALIAS_NODES = 200_000
"""Nodes that alias expansion may add: a 'billion laughs' document exceeds it in a few events."""

_FN_NAMES = (
    "And", "Base64", "Cidr", "Contains", "EachMemberEquals", "EachMemberIn", "Equals",
    "FindInMap", "ForEach", "GetAZs", "GetAtt", "GetStackOutput", "If", "ImportValue", "Join",
    "Length", "Not", "Or", "RefAll", "Select", "Split", "Sub", "ToJsonString", "Transform",
    "ValueOf", "ValueOfAll",
)  # fmt: skip
INTRINSIC_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in _FN_NAMES},
}
"""Short-form tag -> long-form key, for every intrinsic CloudFormation accepts in short form."""

_YAML_TAG = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_OCT_HEX = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:(?:\.[0-9]+|[0-9]+\.[0-9]*)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)\Z")
_SPECIAL_NUMBERS: dict[str, int | float] = {
    ".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan"),
}  # fmt: skip
MAX_INT_DIGITS = 4300
"""Python's limit for converting integers to and from text: a longer literal is refused when read
(``int()`` raises), and a longer hexadecimal or octal one too, since it could never be printed."""
_MAX_INT_BITS = int(MAX_INT_DIGITS * 3.3219)  # decimal digits to bits, rounded down
_NULLS = frozenset(("~", "null", "Null", "NULL"))
_NUMBER_START = frozenset("-+.0123456789")
_new_mark = tuple.__new__
_new_dict = dict.__new__


def resolve_plain(value: str) -> Any:
    """Type of an untagged plain scalar under the YAML 1.2 core schema, as CloudFormation reads it.

    No YAML 1.1 traps: dates, ``yes``/``no``/``on``/``off`` and ``1:20`` stay strings. Decimal
    integers with a leading zero (``0755``, account ids like ``012345678901``) also stay strings so
    no digit is lost.
    """
    if not value:
        return None
    first = value[0]
    if first in _NUMBER_START:
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        if _OCT_HEX.match(value):
            return _printable_int(int(value, 0))
        return _SPECIAL_NUMBERS.get(value.lower(), value)
    if first in "tTfF":
        lowered = value.lower()
        if lowered == "true":
            return True
        if lowered == "false":
            return False
    elif value in _NULLS:
        return None
    return value


def _printable_int(value: int) -> int:
    """``value``, or ValueError when it has more decimal digits than Python will print."""
    if value.bit_length() > _MAX_INT_BITS:
        raise ValueError("integer too large")
    return value


def _mark(event: Any) -> Mark:
    start = event.start_mark
    return _new_mark(Mark, (start.line + 1, start.column + 1))


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_YAML_TAG) :] if tag.startswith(_YAML_TAG) else tag


class _Frame:
    """A mapping or sequence being filled, with what is needed to finish it."""

    __slots__ = ("anchor", "event", "is_map", "key", "key_mark", "start_count", "tag", "value")

    def __init__(self, value: Any, event: Any, start_count: int) -> None:
        self.value = value
        self.is_map = isinstance(value, dict)
        self.key: str | None = None
        self.key_mark: Mark | None = None
        self.tag: str | None = event.tag
        self.anchor: str | None = event.anchor
        self.event = event
        self.start_count = start_count


class _Builder:
    """Turns one document's events into dicts, lists and scalars."""

    def __init__(self, display: str, duplicates: list[DuplicateKey] | None = None) -> None:
        self.display = display
        self.duplicates = duplicates  # None: a duplicate key is an InputError
        self.frames: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, str | None]] = {}  # value, node count, raw scalar
        self.count = 0  # nodes built so far, counting alias expansions
        self.alias_uses = 0
        self.alias_nodes = 0
        self.open_intrinsics = 0  # open collections with a short-form tag: each adds a dict level

    def error(self, event: Any, message: str) -> InputError:
        return InputError(self.display, event.start_mark.line + 1, message)

    def document(self, get_event: Callable[[], Any]) -> Any:
        """Build the value of the document whose start event was just read."""
        stack: list[_Frame] = []
        self.frames = stack
        while True:
            event = get_event()
            cls = event.__class__
            top = stack[-1] if stack else None
            if cls is ScalarEvent or cls is AliasEvent:
                if top is not None and top.is_map and top.key is None:
                    top.key = self.key(event)
                    top.key_mark = _mark(event)
                    continue
                value = self.scalar(event) if cls is ScalarEvent else self.alias(event)
            elif cls is MappingStartEvent or cls is SequenceStartEvent:
                stack.append(self.start(event, top, len(stack)))
                continue
            else:  # the end of the innermost mapping or sequence
                value = self.finish(stack.pop())
                if not stack:
                    return value
                top = stack[-1]
            if top is None:
                return value
            self.add(top, value)

    def start(self, event: Any, top: _Frame | None, depth: int) -> _Frame:
        if top is not None and top.is_map and top.key is None:
            raise self.error(event, "a mapping key must be a string, not a collection")
        if event.tag in INTRINSIC_TAGS:
            self.open_intrinsics += 1
        if depth + 1 + self.open_intrinsics > MAX_DEPTH:
            raise self.error(event, f"nesting deeper than {MAX_DEPTH} levels")
        if event.__class__ is MappingStartEvent:
            value: Any = _new_dict(MarkedDict)  # without the Python-level __init__: it is hot
            value.mark = _mark(event)
            value.key_marks = {}
        else:
            value = []
        self.count += 1
        return _Frame(value, event, self.count - 1)

    def add(self, top: _Frame, value: Any) -> None:
        """Put ``value`` into the collection being filled; a duplicate key is refused or recorded."""
        if not top.is_map:
            top.value.append(value)
            return
        key, mapping, mark = top.key, top.value, top.key_mark
        assert key is not None
        assert mark is not None
        if key in mapping:
            first = mapping.key_marks[key].line
            if self.duplicates is None:
                message = f"duplicate key {key!r} (first defined on line {first})"
                raise InputError(self.display, mark.line, message)
            self.duplicates.append(DuplicateKey(key, first, mark.line, self.trail()))
        mapping[key] = value
        mapping.key_marks[key] = mark
        top.key = None

    def trail(self) -> tuple[str | int, ...]:
        """Keys (and list positions) from the document root down to the mapping being filled."""
        return tuple(f.key if f.is_map and f.key is not None else len(f.value) for f in self.frames[:-1])

    def key(self, event: Any) -> str:
        """A mapping key is the scalar's text: ``200:`` is the key "200", as CloudFormation has it."""
        if event.__class__ is AliasEvent:
            anchor = str(event.anchor)
            anchored = self.anchors.get(anchor)
            if anchored is None or anchored[2] is None:
                raise self.error(event, f"alias *{anchor} cannot be a mapping key")
            return anchored[2]
        tag = event.tag
        if tag is not None and tag != "!" and tag != _YAML_TAG + "str":
            raise self.error(event, f"tag {_tag_name(tag)} is not allowed on a mapping key")
        self.count += 1
        text: str = event.value
        if event.anchor is not None:
            self.anchors[event.anchor] = (text, 1, text)
        return text

    def scalar(self, event: Any) -> Any:
        self.count += 1
        tag, text = event.tag, event.value
        if tag is None:
            try:
                value = resolve_plain(text) if event.implicit[0] else text
            except ValueError:  # an integer beyond MAX_INT_DIGITS digits
                raise self.error(event, f"number with more than {MAX_INT_DIGITS} digits") from None
        elif tag == "!":
            value = text
        elif tag in INTRINSIC_TAGS:
            value = self.intrinsic(tag, text, event)
        elif tag.startswith(_YAML_TAG):
            value = self.explicit(tag, text, event)
        else:
            value = Unknown(f"unknown tag {tag}")
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1, text)
        return value

    def intrinsic(self, tag: str, value: Any, event: Any) -> MarkedDict:
        """``!GetAtt A.B.C`` -> ``{"Fn::GetAtt": ["A", "B.C"]}``; other tags just wrap the value."""
        name = INTRINSIC_TAGS[tag]
        if name == "Fn::GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        mark = _mark(event)
        result = MarkedDict({name: value})
        result.mark = mark
        result.key_marks[name] = mark
        return result

    def explicit(self, tag: str, text: str, event: Any) -> Any:
        """Scalars with a ``!!`` tag; tags CloudFormation has no type for keep the text."""
        kind = tag[len(_YAML_TAG) :]
        try:
            if kind == "int":
                return int(text, 10) if _INT.match(text) else _printable_int(int(text, 0))
            if kind == "float":
                return _SPECIAL_NUMBERS.get(text.lower()) or float(text)
        except ValueError:
            shown = text if len(text) <= 40 else text[:37] + "..."
            raise self.error(event, f"invalid !!{kind} value {shown!r}") from None
        if kind == "bool":
            if text.lower() not in ("true", "false"):
                raise self.error(event, f"invalid !!bool value {text!r}")
            return text.lower() == "true"
        if kind == "null":
            return None
        return text

    def alias(self, event: Any) -> Any:
        """The anchored value itself (shared, as PyYAML does), within the expansion budget."""
        anchored = self.anchors.get(event.anchor)
        if anchored is None:  # anchors are recorded when complete, so this also stops recursion
            raise self.error(event, f"alias *{event.anchor} refers to an undefined or enclosing anchor")
        value, size, _ = anchored
        self.alias_uses += 1
        self.alias_nodes += size
        self.count += size
        if self.alias_uses > MAX_ALIASES or self.alias_nodes > MAX_ALIAS_NODES:
            raise self.error(event, "aliases expand too much (a 'billion laughs' document?)")
        return value

    def finish(self, frame: _Frame) -> Any:
        """Apply the collection's tag, then record its anchor."""
        value, tag = frame.value, frame.tag
        if tag is not None and tag != "!" and not tag.startswith(_YAML_TAG):
            if tag in INTRINSIC_TAGS:
                self.open_intrinsics -= 1
                value = self.intrinsic(tag, value, frame.event)
            else:
                value = Unknown(f"unknown tag {tag}")
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (value, self.count - frame.start_count, None)
        return value


def _syntax_error(display: str, text: str, exc: yaml.YAMLError, libyaml: bool) -> InputError:
    """One line for any PyYAML error: the problem, with its context when there is one."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            where = f" on line {exc.context_mark.line + 1}" if exc.context_mark else ""
            message = f"{exc.problem} ({exc.context}{where})"
        line = mark.line + 1 if mark else None
        if "nesting depth" in message:  # newer libyaml stops deep input before we count it
            return InputError(display, line, f"nesting deeper than {MAX_DEPTH} levels")
        return InputError(display, line, f"invalid YAML: {' '.join(message.split())}")
    if isinstance(exc, yaml.reader.ReaderError):
        if libyaml:  # libyaml counts UTF-8 bytes, PyYAML's reader characters
            line = text.encode("utf-8", "surrogatepass").count(b"\n", 0, exc.position) + 1
        else:
            line = text.count("\n", 0, exc.position) + 1
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return InputError(display, line, f"invalid YAML: {exc.reason} (U+{char:04X})")
    return InputError(display, None, f"invalid YAML: {' '.join(str(exc).split())}")


def load_yaml(text: str, display: str, duplicates: list[DuplicateKey] | None = None) -> Any:
    """Load a single-document YAML template; every problem is an :class:`InputError`. Duplicate
    keys are appended to ``duplicates`` (keeping the last value) when it is given, else refused."""
    parser: Any = None
    try:
        parser = Parser(text)
        value = _read_document(parser, display, duplicates)
    except yaml.YAMLError as exc:
        raise _syntax_error(display, text, exc, libyaml=Parser is not PyParser) from None
    finally:
        if parser is not None and hasattr(parser, "dispose"):
            parser.dispose()
    if value is None:
        raise InputError(display, None, "empty document (null)")
    return value


def _read_document(parser: Any, display: str, duplicates: list[DuplicateKey] | None) -> Any:
    get_event = parser.get_event
    get_event()  # stream start
    if isinstance(get_event(), StreamEndEvent):  # no document: nothing but comments
        raise InputError(display, None, "empty file")
    value = _Builder(display, duplicates).document(get_event)
    get_event()  # document end
    extra = get_event()
    if isinstance(extra, DocumentStartEvent):
        raise InputError(display, _mark(extra).line, "more than one YAML document (CloudFormation reads one)")
    return value
