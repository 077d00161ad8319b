"""Helpers shared by the ``invokes`` / ``on_failure`` builders (this module registers no step).

They answer the questions every invocation source asks: which function(s) does this value name,
under which ``Fn::If`` condition; which node stands for the source when it lives outside the
template; what service does an ARN-ish value belong to. All of them tolerate any input shape.
"""

from __future__ import annotations

import re
from typing import Any

from wa_lint.graph.model import FUNCTION, STATE_MACHINE, Graph
from wa_lint.values import Placeholders, intrinsic, referenced_resources, render

# Their home is wa_lint.values; re-exported for the graph modules that import them from here.
from wa_lint.values import at as at
from wa_lint.values import each as each
from wa_lint.values import items as items
from wa_lint.values import walk as walk

ALIAS_TYPES = ("AWS::Lambda::Alias", "AWS::Lambda::Version")
ARN_SERVICE = re.compile(r"^arn:[^:]*:([^:]+):")
FUNCTION_NAME = re.compile(r":function:([^:/]+)(?::([^:/]+))?$")


def invoke_uri_function(uri: str) -> str | None:
    """The function ARN inside an API Gateway Lambda integration URI (``…/functions/<arn>/invocations``).
    String operations: ``/functions/(.+)/invocations$`` searched over repeated ``/functions/`` is quadratic."""
    if not uri.endswith("/invocations"):
        return None
    start = uri.find("/functions/")
    inner = uri[start + len("/functions/") : -len("/invocations")] if start >= 0 else ""
    return inner if inner and "\n" not in inner else None


UNKNOWN = "<unknown>"
#: What an unknown pseudo parameter stands for in a message (``arn:aws:events:<region>:<account>:…``).
PSEUDO_PLACEHOLDERS = {
    "AWS::Region": "<region>", "AWS::AccountId": "<account>", "AWS::Partition": "<partition>",
    "AWS::StackName": "<stack name>", "AWS::StackId": "<stack id>", "AWS::URLSuffix": "<url suffix>",
    "AWS::NotificationARNs": "<notification ARNs>",
}  # fmt: skip


def has_unknown(text: str) -> bool:
    """Whether :func:`text` had to write a placeholder (``<region>``, ``<Ref Name>``…) into ``text``."""
    return "<" in text


#: ARN-ish values in messages and lookups: ``arn:aws:events:<region>:<account>:…``, ``<Ref Name>``,
#: ``<Fn.Arn>``, else ``<unknown>``.
ARN_TEXT = Placeholders(
    ref=lambda name: PSEUDO_PLACEHOLDERS.get(name, f"<Ref {name}>"),
    getatt=lambda dotted: f"<{dotted}>",
    unknown=lambda _name: UNKNOWN,
    invalid=UNKNOWN,
)


def text(graph: Graph, value: Any) -> str:
    """An ARN-ish value as text: known parts literal, unknown parts as named placeholders
    (:data:`ARN_TEXT`), so that service names and ``:function:name`` can be read, and messages
    say what is unknown."""
    found = render(value, graph.resolver, ARN_TEXT)
    return UNKNOWN if found is None else found


def service_of(graph: Graph, value: Any) -> str | None:
    """The service part of an ARN-ish value (``sqs``, ``kinesis``…), when it can be read."""
    m = ARN_SERVICE.match(text(graph, value))
    return m.group(1) if m and not has_unknown(m.group(1)) else None


def describe(graph: Graph, value: Any) -> str:
    """A short stable name for an outside value: the literal, ``import:X``, ``param:X`` or ``unknown``."""
    fn = intrinsic(value)
    if fn is not None and fn[0] == "Fn::ImportValue":
        name = graph.resolver.scalar(fn[1])
        return f"import:{name}" if isinstance(name, str) else "import:unknown"
    if fn is not None and fn[0] == "Ref" and isinstance(fn[1], str) and fn[1] in graph.stack.parameters:
        known = graph.resolver.scalar(value)
        return known if isinstance(known, str) else f"param:{fn[1]}"
    found = text(graph, value)
    return found if found and found != UNKNOWN else "unknown"


def node_for(graph: Graph, value: Any, service: str, types: tuple[str, ...] = ()) -> str:
    """The in-template resource ``value`` names (preferring ``types`` when it names several),
    else an ``external:<service>:<what>`` node."""
    found = graph.target(value)
    if found is not None and (not types or graph.stack.resources[found].type in types):
        return found
    if types:
        matching = [r for r in referenced_resources(value, graph.stack.resources)
                    if graph.stack.resources[r].type in types]
        if len(matching) == 1:
            return matching[0]
    if found is not None:
        return found
    return graph.external(f"{service}:{describe(graph, value)}")


def _function_names(graph: Graph) -> dict[str, str]:
    """Literal ``FunctionName`` → logical id, for ARNs written as text (``Fn::Sub`` with region)."""
    def compute() -> dict[str, str]:
        names: dict[str, str] = {}
        for res in graph.of_type(FUNCTION, include_internal=True):
            name = graph.resolver.scalar(res.prop("FunctionName"))
            if isinstance(name, str) and name:
                names[name] = res.logical_id
        return names

    return graph.memo("wa_lint.graph.builders.invoke_common.function_names", compute)


def function_of(graph: Graph, value: Any) -> tuple[str, str | None] | None:
    """``(function or state machine, qualifier)`` that one value invokes, or None.

    The qualifier is ``$LATEST`` for the function itself, the alias name for an alias, None when
    unknown (versions, unresolvable names); it is what ``EventInvokeConfig.Qualifier`` must match.
    """
    if value is None:
        return None
    direct = graph.target(value)
    if direct is None and isinstance(value, dict):
        # "…/functions/<fn arn>/invocations" and other texts naming several resources.
        callees = [r for r in referenced_resources(value, graph.stack.resources)
                   if graph.stack.resources[r].type in (FUNCTION, STATE_MACHINE, *ALIAS_TYPES)]
        direct = callees[0] if len(callees) == 1 else None
    if direct is not None:
        node = graph.function_target({"Ref": direct})
        if node is None:
            return None
        res = graph.stack.resources[direct]
        if res.type == "AWS::Lambda::Alias":
            name = graph.resolver.scalar(res.prop("Name"))
            return node, name if isinstance(name, str) else None
        return node, None if res.type == "AWS::Lambda::Version" else "$LATEST"
    literal = text(graph, value)
    literal = invoke_uri_function(literal) or literal
    m = FUNCTION_NAME.search(literal)
    name = m.group(1) if m else (literal if ":" not in literal and not has_unknown(literal) else None)
    if name and name in _function_names(graph):
        qualifier = m.group(2) if m else None
        return _function_names(graph)[name], qualifier or "$LATEST"
    return None


def functions_in(
    graph: Graph, value: Any, condition: str | None = None
) -> list[tuple[str, str | None, str | None]]:
    """``(function, qualifier, condition)`` for each function a value may invoke under
    ``Fn::If``; a function named in every alternative is unconditional (``condition`` only)."""
    alternatives = list(walk(value, (), condition))
    found: dict[tuple[str, str | None], list[str | None]] = {}
    for cond, item in alternatives:
        hit = function_of(graph, item)
        if hit is not None:
            found.setdefault(hit, []).append(cond)
    result = []
    for (fn, qualifier), conds in found.items():
        always = len(conds) == len(alternatives)
        for cond in [condition] if always else conds:
            result.append((fn, qualifier, cond))
    return result


def add_invokes(
    graph: Graph, src: str, value: Any, *, via: str, condition: str | None, mode: str, source: str,
    **attrs: Any,
) -> None:
    """An ``invokes`` edge from ``src`` to each function ``value`` may name (never to itself)."""
    for fn, qualifier, cond in functions_in(graph, value, condition):
        if fn != src:
            graph.add_edge(src, fn, "invokes", via=via, condition=cond, mode=mode, source=source,
                           qualifier=qualifier, **attrs)


def scalar(graph: Graph, value: Any) -> Any:
    """A resolved plain scalar, or None when the template does not determine it."""
    known = graph.resolver.scalar(value)
    return known if isinstance(known, (str, int, float, bool)) else None
