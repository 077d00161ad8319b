"""Plain data shared by every stage: source marks, unknown values, resources and stacks.

Nothing here imports a heavy library: every run pays for this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple

Kind = Literal["cloudformation", "sam", "cdk"]


class Mark(NamedTuple):
    """Where something was written: 1-based line and column. In content an ``AWS::Include``
    brought in, ``line`` is a :class:`Line` naming the included file."""

    line: int
    column: int


class Line(int):
    """A line of a file other than the stack's own template (a file ``AWS::Include`` inserted).

    It is an ``int`` everywhere, so rules pass it on unchanged (``Finding.at(res, line=…)``); the
    pipeline reads ``path`` to report the finding in that file.
    """

    path: str

    def __new__(cls, line: int, path: str) -> Line:
        value = super().__new__(cls, line)
        value.path = path
        return value

    def __reduce__(self) -> tuple[Any, ...]:
        return (Line, (int(self), self.path))


def line_path(line: int) -> str | None:
    """The file ``line`` belongs to when it is not the stack's own template."""
    return line.path if isinstance(line, Line) else None


def printable_name(name: str) -> str:
    """A file name as outputs show it. Names that are not UTF-8 reach Python with their bytes as
    lone surrogates, which no output format can encode: those bytes are shown escaped (``\\xff``)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class DuplicateKey(NamedTuple):
    """A mapping key written twice. The loader keeps the last value, as SAM CLI's YAML reader does;
    ``keys`` leads from the document root to the mapping (``("Resources", "Fn", "Properties")``,
    list positions as ints), ``path`` the included file's display path (None: the template itself)."""

    key: str
    first_line: int
    line: int
    keys: tuple[str | int, ...]
    path: str | None = None


class Unknown:
    """A value the template does not determine: an import, a parameter without a default,
    an unknown YAML tag, an intrinsic that cannot be evaluated. Rules stay silent on it."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = "unknown") -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"<unknown: {self.reason}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Unknown, (self.reason,))


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping read from a template file that remembers where it and each of its keys were written.

    Loaders create it; everything else treats it as a plain dict. ``mark`` is the position of the
    mapping itself (its first key for block mappings), ``key_marks`` the position of each key.
    """

    __slots__ = ("key_marks", "mark")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mark: Mark | None = None
        self.key_marks: dict[str, Mark] = {}

    def key_mark(self, key: str) -> Mark | None:
        """Position of ``key``, or of the mapping when the key was not marked."""
        return self.key_marks.get(key, self.mark)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_marked, (dict(self), self.mark, self.key_marks))


def _rebuild_marked(items: dict[str, Any], mark: Mark | None, key_marks: dict[str, Mark]) -> MarkedDict:
    d = MarkedDict(items)
    d.mark = mark
    d.key_marks = key_marks
    return d


def mark_of(value: Any, key: str | None = None) -> Mark | None:
    """Position of ``value`` (or of ``key`` inside it) when the loader recorded one."""
    if isinstance(value, MarkedDict):
        return value.key_mark(key) if key is not None else value.mark
    return None


class InputError(Exception):
    """Bad input the user must fix: reported as one line naming the file and line, exit code 2."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True, eq=False)
class Resource:
    """One resource as CloudFormation will see it, with where the user wrote it.

    For resources the SAM translator generated, ``line``/``column`` are those of the SAM resource
    the user wrote (``source_resource``); for CDK output, ``construct_path`` names the construct.
    ``internal`` marks CDK framework singletons the user cannot change.
    Resources compare by identity: each is one node of one stack, and comparing property trees
    would make every membership test cost as much as the template.
    ``local_paths`` maps a property name (``CodeUri``, ``DefinitionUri``, ``Code``, …) to the local
    file or directory it points to, so rules can read handler code and definitions.
    ``foreign_stack``/``foreign_path`` mark a resource of another stack of the run, shown to this
    stack's rules because the stacks are linked (an export it imports, an SSM parameter it reads).
    """

    logical_id: str
    type: str
    properties: dict[str, Any]
    line: int = 0
    column: int = 0
    condition: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    depends_on: tuple[str, ...] = ()
    source_resource: str | None = None
    construct_path: str | None = None
    internal: bool = False
    local_paths: dict[str, Path] = field(default_factory=dict)
    attributes: dict[str, Any] = field(default_factory=dict)
    foreign_stack: str | None = None  # set on a resource another stack of the run brought in (wa_lint/link)
    foreign_path: str | None = None  # that stack's file, so findings can name where it is written

    def prop(self, *path: str, default: Any = None) -> Any:
        """The property at ``path`` (e.g. ``prop("TracingConfig", "Mode")``), or ``default``."""
        value: Any = self.properties
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value

    def prop_line(self, *path: str) -> int:
        """Line of the property at ``path`` when known, else the resource's line."""
        value: Any = self.properties
        line = self.line
        if self.source_resource is not None:
            return line  # generated by SAM: the user's line is the SAM resource
        for key in path:
            if not isinstance(value, dict) or key not in value:
                break
            m = mark_of(value, key)
            if m is not None:
                line = m.line
            value = value[key]
        return line

    def column_at(self, line: int) -> int:
        """Column of the first property (or metadata) key written on ``line`` (a finding placed on a
        property's line: ``Runtime:`` rather than the resource's name), 0 when no key of this
        resource is there (a line of another resource, or of a resource SAM generated)."""
        if line == self.line:
            return self.column
        best = 0
        stack: list[Any] = [self.properties, self.metadata]
        while stack:
            value = stack.pop()
            if isinstance(value, MarkedDict):
                for m in (value.mark, *value.key_marks.values()):  # a mapping ({ in JSON) or one of its keys
                    if m is not None and m.line == line and (not best or m.column < best):
                        best = m.column
                stack.extend(value.values())
            elif isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)
        return best


@dataclass(slots=True)
class Stack:
    """One CloudFormation stack: a template after expansion, ready for the graph builder.

    ``path`` is the display path of the file the user wrote (for SAM, the SAM template; for CDK,
    the stack's template inside ``cdk.out``). ``parent`` names the parent stack and the
    ``AWS::CloudFormation::Stack`` resource for nested stacks. ``duplicate_keys`` are the keys
    its files write twice (the loader kept the last value); ``warnings`` what could not be read
    (includes, nested templates) while the rest was linted.
    """

    name: str
    path: str
    kind: Kind
    resources: dict[str, Resource]
    parameters: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    mappings: dict[str, Any] = field(default_factory=dict)
    parent: tuple[str, str] | None = None
    base_dir: Path = field(default_factory=Path)
    source_text: str | None = None
    duplicate_keys: list[DuplicateKey] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # ``path:line: message``, not fatal
    #: CDK: construct path → the ``wa-lint`` node metadata (``construct.node.addMetadata``) the
    #: expander read from the assembly's manifest or metadata file, for inline suppressions.
    construct_metadata: dict[str, Any] = field(default_factory=dict)


def resources_from_template(template: dict[str, Any]) -> dict[str, Resource]:
    """Build :class:`Resource` objects from a template's ``Resources`` section, keeping marks.

    Entries that are not mappings with a string ``Type`` are skipped: discovery and the loader
    have already reported what is malformed, and the graph must never crash on it.
    """
    resources: dict[str, Resource] = {}
    section = template.get("Resources")
    if not isinstance(section, dict):
        return resources
    for logical_id, body in section.items():
        if not isinstance(body, dict) or not isinstance(body.get("Type"), str):
            continue
        props = body.get("Properties")
        mark = resource_mark(section, logical_id)
        depends = body.get("DependsOn")
        if isinstance(depends, str):
            depends_on: tuple[str, ...] = (depends,)
        elif isinstance(depends, list):
            depends_on = tuple(d for d in depends if isinstance(d, str))
        else:
            depends_on = ()
        metadata = body.get("Metadata")
        condition = body.get("Condition")
        cdk_path = metadata.get("aws:cdk:path") if isinstance(metadata, dict) else None
        resources[str(logical_id)] = Resource(
            logical_id=str(logical_id),
            type=body["Type"],
            properties=props if isinstance(props, dict) else {},
            line=mark.line,
            column=mark.column,
            condition=condition if isinstance(condition, str) else None,
            metadata=metadata if isinstance(metadata, dict) else {},
            depends_on=depends_on,
            construct_path=cdk_path if isinstance(cdk_path, str) else None,
            attributes={k: v for k, v in body.items() if k not in ("Type", "Properties", "Metadata")},
        )
    return resources


def resource_mark(resources: dict[str, Any], logical_id: str) -> Mark:
    """Where a resource was written: its logical id, or the body when only the body came from an
    included file (``Id: {Fn::Transform: {Name: AWS::Include, …}}``), so findings point there."""
    mark = mark_of(resources, logical_id) or Mark(0, 0)
    body = resources.get(logical_id)
    if isinstance(body, MarkedDict) and body.mark is not None and line_path(body.mark.line) != line_path(mark.line):
        return body.mark
    return mark


def section(template: dict[str, Any], name: str) -> dict[str, Any]:
    """A top-level template section as a dict; ``null`` or malformed sections are empty."""
    value = template.get(name)
    return value if isinstance(value, dict) else {}
