"""Resource names as text, so that a name written in two places can be compared.

A log group named ``!Sub /aws/lambda/${Fn}`` and an alarm dimension ``!Sub ${Prefix}-dlq`` are
compared as text, with what the template leaves open written ``${X}`` on both sides.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.model import Graph
from wa_lint.values import SUB_VARIABLE, intrinsic, sub_parts

MAX_DEPTH = 20


def name_text(graph: Graph, value: Any, depth: int = 0) -> str | None:
    """A name as text, with what the template leaves open written ``${X}`` (a resource's
    ``Ref`` is its name, so ``${Fn}`` stands for it) so both sides of a comparison agree;
    None when the value has parts that cannot be written that way."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    fn = intrinsic(value)
    if fn is None:
        return None
    name, arg = fn
    if name == "Ref" and isinstance(arg, str):
        known = graph.resolver.scalar(value)
        return str(known) if isinstance(known, (str, int)) and not isinstance(known, bool) else f"${{{arg}}}"
    if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
        parts = [name_text(graph, item, depth + 1) for item in arg[1]]
        return None if any(p is None for p in parts) or not isinstance(arg[0], str) else arg[0].join(
            p for p in parts if p is not None)
    if name == "Fn::Sub":
        parts_ = sub_parts(arg)
        if parts_ is None:
            return None
        template, variables = parts_
        failed = False

        def var(m: Any) -> str:
            nonlocal failed
            key = m.group(1).strip()
            text = name_text(graph, variables.get(key, {"Ref": key}), depth + 1)
            failed = failed or text is None or "." in key
            return text or ""

        result = SUB_VARIABLE.sub(var, template)
        return None if failed else result
    known = graph.resolver.scalar(value)
    return known if isinstance(known, str) else None
