"""``grants`` edges: role → resource (or ``external:*``) for every statement that reaches a role.

One edge per statement and target. Targets are the stack's resources a statement's ``Resource``
names (``!GetAtt Table.Arn``, ``${Bucket.Arn}/*``), else an ``external:`` node with the ARN as
messages write it (``external:*`` for ``*`` and for ``NotResource``). The edge's ``via`` is the
statement's key (``<policy>#<index>``: unique, since one policy holds many statements on the
same target).

Attributes (JSON scalars, so ``wa-lint graph --format json`` shows them): ``policy`` (logical id
of the resource holding the statement, or the AWS managed policy's name), ``policy_kind``,
``line``, ``effect``, ``actions`` and ``resources`` (comma-joined, ``NotAction …`` /
``NotResource …`` when negated), ``conditions`` (condition keys), ``sam_template``, ``managed``;
and ``statement``, the whole statement as a plain mapping. Rules read the same statements,
with their provenance, through :func:`wa_lint.graph.effective.permissions`.
"""

from __future__ import annotations

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import text
from wa_lint.graph.effective import permissions
from wa_lint.graph.model import Graph
from wa_lint.iam.statements import Statement


def _targets(graph: Graph, st: Statement) -> list[str]:
    if st.not_resources is not None:
        return [graph.external("*")]
    raw = st.raw_resources if isinstance(st.raw_resources, list) else [st.raw_resources]
    found: dict[str, None] = {}
    for value in raw:
        if value is None:
            continue
        node = graph.target(value)
        if node is None:  # named as every builder names outside things (``<region>``, ``<Ref Bucket>``)
            node = graph.external(text(graph, value))
        found.setdefault(node, None)
    return list(found)


@builder(order=50)
def grants(graph: Graph) -> None:
    """A ``grants`` edge per statement and target for every role of the stack."""
    for role, perms in permissions(graph).items():
        for st in perms.statements:
            attrs = {
                "policy": st.policy,
                "policy_kind": st.policy_kind,
                "line": st.line,
                "effect": st.effect or None,
                "actions": st.actions_text(),
                "resources": st.resources_text(),
                "conditions": ", ".join(st.condition_keys()) or None,
                "sam_template": st.sam_template,
                "managed": st.managed,
                "statement": st.to_dict(),
            }
            for dst in _targets(graph, st):
                graph.add_edge(role, dst, "grants", via=st.key, condition=st.condition, **attrs)
