"""Reading Step Functions definitions (ASL) out of a template, intrinsics and all.

A definition arrives as an object (``Definition``), as a JSON string (``DefinitionString``) that is
often an ``Fn::Sub`` or a long CDK ``Fn::Join`` of JSON fragments with ``GetAtt`` inside, with
``${Name}`` placeholders filled by ``DefinitionSubstitutions``, or as a local file. Every value the
template cannot determine is replaced by a placeholder token so that the JSON parses; the returned
:class:`Definition` remembers which token stands for which intrinsic, and :meth:`Definition.value`
turns a string from the definition back into a template value (``GetAtt``, a ``Join`` of pieces)
that the graph's target lookups understand. Rules (WA109 Retry/Catch, WA402) reuse this reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wa_lint.model import Resource, mark_of
from wa_lint.values import SUB_VARIABLE, Resolver, intrinsic, sub_parts

if TYPE_CHECKING:
    from wa_lint.graph.model import Graph

TOKEN = "__WAL{}__"
TOKEN_RE = re.compile(r"__WAL(\d+)__")
LAMBDA_INVOKE = re.compile(r":states:::lambda:invoke(\.waitForTaskToken)?$")
SDK_LAMBDA_INVOKE = re.compile(r":states:::aws-sdk:lambda:invoke$")
FUNCTION_ARN = re.compile(r":lambda:[^:]*:[^:]*:function:")


class Definition(dict):  # type: ignore[type-arg]
    """A parsed ASL definition whose unknown parts are tokens; ``placeholders`` maps token index
    to the template value it replaced."""

    def __init__(self, data: dict[str, Any], placeholders: list[Any]) -> None:
        super().__init__(data)
        self.placeholders = placeholders

    def value(self, text: Any) -> Any:
        """``text`` as a template value: the intrinsic a lone token stands for, a ``Fn::Join`` of
        literal pieces and intrinsics when tokens are mixed with text, else ``text`` unchanged."""
        if not isinstance(text, str) or "__WAL" not in text:
            return text
        pieces: list[Any] = []
        pos = 0
        for m in TOKEN_RE.finditer(text):
            index = int(m.group(1))
            if index >= len(self.placeholders):
                continue
            if m.start() > pos:
                pieces.append(text[pos : m.start()])
            pieces.append(self.placeholders[index])
            pos = m.end()
        if pos < len(text):
            pieces.append(text[pos:])
        if len(pieces) == 1:
            return pieces[0]
        return {"Fn::Join": ["", pieces]}


class _Text:
    """Builds JSON text from literal fragments and intrinsics, knowing whether it is inside a
    JSON string so an intrinsic becomes a bare token there and a quoted token elsewhere."""

    def __init__(self, placeholders: list[Any], resolver: Resolver | None) -> None:
        self.parts: list[str] = []
        self.in_string = False
        self.escaped = False
        self.placeholders = placeholders
        self.resolver = resolver

    def literal(self, text: str) -> None:
        for ch in text:
            if self.escaped:
                self.escaped = False
            elif ch == "\\":
                self.escaped = self.in_string
            elif ch == '"':
                self.in_string = not self.in_string
        self.parts.append(text)

    def text_with(self, text: str, subs: dict[str, Any]) -> None:
        """A literal fragment in which ``${Name}`` of ``DefinitionSubstitutions`` are values."""
        pos = 0
        for m in SUB_VARIABLE.finditer(text):
            name = m.group(1).strip()
            if name in subs:
                self.literal(text[pos : m.start()])
                self.value(subs[name])
                pos = m.end()
        self.literal(text[pos:])

    def value(self, value: Any) -> None:
        known = self.resolver.scalar(value) if self.resolver is not None else value
        if isinstance(known, (str, int, float)) and not isinstance(known, bool):
            text = str(known)
            if self.in_string:
                self.parts.append(json.dumps(text)[1:-1])
            else:
                self.parts.append(text if _is_number(text) else json.dumps(text))
            return
        token = _token(self.placeholders, value)
        self.parts.append(token if self.in_string else f'"{token}"')

    def text(self) -> str:
        return "".join(self.parts)


def _token(placeholders: list[Any], value: Any) -> str:
    placeholders.append(value)
    return TOKEN.format(len(placeholders) - 1)


def _sub_variable(name: str, variables: dict[str, Any]) -> Any:
    """The template value a ``${name}`` of an ``Fn::Sub`` stands for."""
    if name in variables:
        return variables[name]
    ref, _, attr = name.partition(".")
    return {"Fn::GetAtt": [ref, attr]} if attr else {"Ref": ref}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _string_text(
    value: Any, placeholders: list[Any], resolver: Resolver | None, subs: dict[str, Any]
) -> str | None:
    """JSON text of a ``DefinitionString`` value (string, ``Fn::Sub`` or ``Fn::Join``), with
    ``DefinitionSubstitutions`` applied as CloudFormation does: on the text, before parsing."""
    out = _Text(placeholders, resolver)
    if isinstance(value, str):
        out.text_with(value, subs)
        return out.text()
    fn = intrinsic(value)
    if fn is None:
        return None
    name, arg = fn
    if name == "Fn::Sub":
        parts = sub_parts(arg)
        if parts is None:
            return None
        template, variables = parts
        pos = 0
        for m in SUB_VARIABLE.finditer(template):
            var = m.group(1).strip()
            if var in subs and var not in variables:
                continue  # left for DefinitionSubstitutions
            out.text_with(template[pos : m.start()].replace("${!", "${"), subs)
            out.value(_sub_variable(var, variables))
            pos = m.end()
        out.text_with(template[pos:].replace("${!", "${"), subs)
        return out.text()
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        sep, items = arg
        if not isinstance(sep, str) or not isinstance(items, list):
            return None
        for i, item in enumerate(items):
            if i:
                out.literal(sep)
            if isinstance(item, str):
                out.text_with(item, subs)
            else:
                out.value(item)
        return out.text()
    return None


def _tokenize(value: Any, placeholders: list[Any]) -> Any:
    """A ``Definition`` object with every intrinsic replaced by a token."""
    if isinstance(value, dict):
        if intrinsic(value) is not None:
            return _token(placeholders, value)
        return {k: _tokenize(v, placeholders) for k, v in value.items()}
    if isinstance(value, list):
        return [_tokenize(v, placeholders) for v in value]
    return value


def _substitute(value: Any, subs: dict[str, Any], placeholders: list[Any], resolver: Resolver | None) -> Any:
    """Apply ``DefinitionSubstitutions`` to every string of the parsed definition."""
    if isinstance(value, dict):
        return {k: _substitute(v, subs, placeholders, resolver) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, subs, placeholders, resolver) for v in value]
    if not isinstance(value, str) or "${" not in value:
        return value

    def replace(m: re.Match[str]) -> str:
        name = m.group(1).strip()
        if name not in subs:
            return m.group(0)
        sub = subs[name]
        known = resolver.scalar(sub) if resolver is not None else sub
        if isinstance(known, (str, int, float)) and not isinstance(known, bool):
            return str(known)
        return _token(placeholders, sub)

    return SUB_VARIABLE.sub(replace, value)


#: Step Functions accepts 1 MB definitions; bigger local files are not read (the definition is unknown).
DEFINITION_MAX_BYTES = 2 * 1024 * 1024


def _load_file(res: Resource) -> Any:
    path = res.local_paths.get("DefinitionUri") or res.local_paths.get("DefinitionS3Location")
    from wa_lint.fileio import is_file, read_text  # bounded, regular files only; is_file: seen by the cache

    if path is None or not is_file(path):
        return None

    text = read_text(path, str(path), DEFINITION_MAX_BYTES)
    from wa_lint.load import load_text  # the template loader: alias, depth and number limits apply

    return load_text(text, str(path), json_hint=path.suffix.lower() == ".json" or None)


def read_definition(res: Resource, graph: Graph | None = None) -> Definition | None:
    """The definition of a state machine resource, or None when it cannot be read.

    ``graph`` (optional) lets parameters with defaults and known pseudo parameters be inlined.
    Never raises: an unreadable definition is simply unknown.
    """
    try:
        return _read(res, graph.resolver if graph is not None else None)
    except Exception:  # noqa: BLE001  # malformed JSON/YAML, unreadable file, odd nesting: all mean "unknown"
        return None


def cached_definition(graph: Graph, res: Resource) -> Definition | None:
    """:func:`read_definition` once per graph and state machine (builders and rules share it)."""
    return graph.memo(("wa_lint.graph.statemachine.definition", res.logical_id),
                      lambda: read_definition(res, graph))


def parse_json_text(value: Any, resolver: Resolver | None = None) -> Definition | None:
    """A JSON object a template writes as text (a string, ``Fn::Sub``, ``Fn::Join``) or as
    ``Fn::ToJsonString``, with intrinsics as placeholders (e.g. an SQS ``RedrivePolicy``); None
    when it cannot be read. Never raises."""
    try:
        placeholders: list[Any] = []
        fn = intrinsic(value)
        if fn is not None and fn[0] == "Fn::ToJsonString":
            data = _tokenize(fn[1], placeholders)
        else:
            text = _string_text(value, placeholders, resolver, {})
            data = json.loads(text) if text is not None else None
    except Exception:  # noqa: BLE001  # malformed text or odd nesting: unknown
        return None
    return Definition(data, placeholders) if isinstance(data, dict) else None


def _read(res: Resource, resolver: Resolver | None) -> Definition | None:
    placeholders: list[Any] = []
    subs = res.properties.get("DefinitionSubstitutions")
    subs = subs if isinstance(subs, dict) else {}
    data: Any = None
    parsed_as_text = False
    definition = res.properties.get("Definition")
    if definition is not None:
        fn = intrinsic(definition)
        if fn is not None and fn[0] == "Fn::ToJsonString":
            definition = fn[1]
        data = _tokenize(definition, placeholders) if isinstance(definition, dict) else None
    elif "DefinitionString" in res.properties:
        text = _string_text(res.properties["DefinitionString"], placeholders, resolver, subs)
        data = json.loads(text) if text is not None else None
        parsed_as_text = True
    else:
        data = _load_file(res)
    if not isinstance(data, dict):
        return None
    if subs and not parsed_as_text:
        data = _substitute(data, subs, placeholders, resolver)
    return Definition(data, placeholders)


def _children(state: dict[str, Any]) -> list[Any]:
    """The state machines nested in a Parallel (``Branches``) or Map (``Iterator``,
    ``ItemProcessor``) state."""
    found: list[Any] = []
    branches = state.get("Branches")
    if isinstance(branches, list):
        found.extend(branches)
    for key in ("Iterator", "ItemProcessor"):
        if isinstance(state.get(key), dict):
            found.append(state[key])
    return found


def states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``(name, state)`` of a definition, descending into Parallel branches and Map
    iterators / item processors."""
    for name, state, _handled in _walk_states(definition):
        yield name, state


def _walk_states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """``(name, state, handled)`` breadth first; ``handled`` says whether the state or an
    enclosing Parallel / Map state retries or catches errors."""
    pending: list[tuple[Any, bool]] = [(definition, False)]
    while pending:
        machine, covered = pending.pop(0)
        table = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(table, dict):
            continue
        for name, state in table.items():
            if not isinstance(state, dict):
                continue
            handled = covered or handles_errors(state)
            yield str(name), state, handled
            pending.extend((child, handled) for child in _children(state))


def handles_errors(state: dict[str, Any]) -> bool:
    """Whether a state has a ``Retry`` or ``Catch``: a non-empty list, or a value the template
    does not determine (a placeholder), which may well be one."""
    for key in ("Retry", "Catch"):
        value = state.get(key)
        if value is None or (isinstance(value, list) and not value):
            continue
        return True
    return False


def unhandled_tasks(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every Task state whose errors nothing retries or catches: neither the state itself nor an
    enclosing Parallel or Map state (whose ``Retry``/``Catch`` apply to errors of its branches)."""
    for name, state, handled in _walk_states(definition):
        if state.get("Type") == "Task" and not handled:
            yield name, state


def state_line(res: Resource, name: str) -> int | None:
    """The line where state ``name`` is written in an inline ``Definition``, when the loader
    marked it (not for SAM output, whose lines are the SAM resource's)."""
    if res.source_resource is not None:
        return None
    pending: list[Any] = [res.properties.get("Definition")]
    while pending:
        machine = pending.pop(0)
        table = machine.get("States") if isinstance(machine, dict) else None
        if not isinstance(table, dict):
            continue
        if name in table:
            mark = mark_of(table, name)
            return mark.line if mark is not None else None
        for state in table.values():
            if isinstance(state, dict):
                pending.extend(_children(state))
    return None


def task_states(definition: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``(name, state)`` whose ``Type`` is ``Task``, at any depth."""
    for name, state in states(definition):
        if state.get("Type") == "Task":
            yield name, state


@dataclass(frozen=True, slots=True)
class LambdaCall:
    """A Task state that invokes a function: which function (a template value), and how."""

    state: str
    function: Any
    mode: str  # "sync" | "async"
    resource: str  # "invoke" | "waitForTaskToken" | "aws-sdk" | "arn"


def _resolved(definition: Definition, value: Any, graph: Graph | None) -> str:
    """A string of the definition with tokens resolved where the template determines them."""
    if not isinstance(value, str):
        return ""
    if graph is not None and "__WAL" in value:
        known = graph.resolver.scalar(definition.value(value))
        if isinstance(known, str):
            return known
    return value


def lambda_call(
    definition: Definition, name: str, state: dict[str, Any], graph: Graph | None = None
) -> LambdaCall | None:
    """How a Task state calls Lambda, or None when it calls something else or cannot tell.

    A ``Resource`` that is only a placeholder (``GetAtt Fn.Arn`` in the legacy form) counts when
    ``graph`` shows it names a function; without a graph only a literal function ARN does.
    """
    resource = _resolved(definition, state.get("Resource"), graph)
    args = state.get("Parameters")
    if not isinstance(args, dict):
        args = state.get("Arguments")
    if not isinstance(args, dict):
        args = {}
    m = LAMBDA_INVOKE.search(resource)
    if m or SDK_LAMBDA_INVOKE.search(resource):
        function = args.get("FunctionName")
        if not isinstance(function, str):
            return None
        token = bool(m and m.group(1))
        invocation = _resolved(definition, args.get("InvocationType"), graph)
        # Only an explicit InvocationType Event is asynchronous. With .waitForTaskToken the
        # invocation type is still whatever Parameters say (RequestResponse by default): a
        # function error fails the Task, where Retry/Catch handle it.
        mode = "async" if invocation == "Event" else "sync"
        kind = "waitForTaskToken" if token else ("invoke" if m else "aws-sdk")
        return LambdaCall(name, definition.value(function), mode, kind)
    if FUNCTION_ARN.search(resource):
        return LambdaCall(name, definition.value(state.get("Resource")), "sync", "arn")
    if graph is not None and ":states:::" not in resource:
        value = definition.value(state.get("Resource"))
        node = graph.function_target(value)
        res = graph.resource(node)
        if res is not None and res.type == "AWS::Lambda::Function":
            return LambdaCall(name, value, "sync", "arn")
    return None


def lambda_calls(definition: Definition, graph: Graph | None = None) -> Iterator[LambdaCall]:
    """Every Task state that invokes a function."""
    for name, state in task_states(definition):
        call = lambda_call(definition, name, state, graph)
        if call is not None:
            yield call
