"""Resource names as text, so that a name written in two places can be compared.

A log group named ``!Sub /aws/lambda/${Fn}`` and an alarm dimension ``!Sub ${Prefix}-dlq`` are
compared as text, with what the template leaves open written ``${X}`` on both sides.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.model import Graph
from wa_lint.values import Placeholders, render

#: ``${X}`` for a ``Ref`` the template leaves open (a resource's ``Ref`` is its name, so ``${Fn}``
#: stands for it); anything else open (a ``GetAtt``, an import) refuses.
NAME_TEXT = Placeholders(ref=lambda name: "${" + name + "}")


def name_text(graph: Graph, value: Any) -> str | None:
    """A name as text, with what the template leaves open written ``${X}`` so both sides of a
    comparison agree; None when the value has parts that cannot be written that way."""
    return render(value, graph.resolver, NAME_TEXT)
