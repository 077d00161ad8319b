"""Whether two template conditions can never hold together, so resources under them never coexist.

Templates that offer alternatives deploy one of several resources by a parameter
(``Periodic: !Equals [!Ref Strategy, Periodic]``, ``MaxSize: !Equals [!Ref Strategy, MaxSize]``),
or one under ``C`` and another under ``!Not [{Condition: C}]``. Rules that count resources
together (a role two functions share) must not add up alternatives. Only these two shapes are
recognised; anything else may coexist, which keeps a rule's existing behaviour.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.model import Graph


def _param_equals(graph: Graph, body: Any) -> tuple[str, str] | None:
    """``(parameter, literal)`` for ``Fn::Equals`` of a parameter's ``Ref`` and a literal string."""
    if not isinstance(body, dict) or len(body) != 1:
        return None
    args = body.get("Fn::Equals")
    if not isinstance(args, list) or len(args) != 2:
        return None
    for ref, literal in (args, args[::-1]):
        if isinstance(ref, dict) and len(ref) == 1 and isinstance(literal, (str, int)) and not isinstance(
                literal, bool):
            name = ref.get("Ref")
            if isinstance(name, str) and name in graph.stack.parameters:
                return name, str(literal)
    return None


def _negates(body: Any, other: str) -> bool:
    """Whether ``body`` is ``Fn::Not [{Condition: other}]``."""
    if not isinstance(body, dict) or len(body) != 1:
        return False
    args = body.get("Fn::Not")
    return (isinstance(args, list) and len(args) == 1 and isinstance(args[0], dict)
            and args[0].get("Condition") == other)


def exclusive(graph: Graph, a: str | None, b: str | None) -> bool:
    """Whether conditions ``a`` and ``b`` of the stack can never both be true."""
    if not a or not b or a == b:
        return False
    conditions = graph.stack.conditions
    body_a, body_b = conditions.get(a), conditions.get(b)
    if _negates(body_a, b) or _negates(body_b, a):
        return True
    eq_a, eq_b = _param_equals(graph, body_a), _param_equals(graph, body_b)
    return eq_a is not None and eq_b is not None and eq_a[0] == eq_b[0] and eq_a[1] != eq_b[1]


def may_coexist(graph: Graph, conditions: list[str | None]) -> bool:
    """Whether at least two of the resources under these conditions can be deployed together."""
    return any(not exclusive(graph, a, b) for i, a in enumerate(conditions) for b in conditions[i + 1:])
