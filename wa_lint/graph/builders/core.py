"""Core edges every stack has: ``ref`` (references and DependsOn) and ``executes_as`` (roles)."""

from __future__ import annotations

from wa_lint.graph.builders import builder
from wa_lint.graph.model import FUNCTION, STATE_MACHINE, Graph
from wa_lint.values import referenced_resources

#: Resource type → property naming the role the resource runs as.
ROLE_PROPERTY = {
    FUNCTION: "Role",
    STATE_MACHINE: "RoleArn",
    "AWS::Pipes::Pipe": "RoleArn",
}


@builder(order=10)
def reference_edges(graph: Graph) -> None:
    """A ``ref`` edge for every resource another resource names, and for ``DependsOn``."""
    ids = graph.stack.resources
    for res in graph.stack.resources.values():
        for dst in referenced_resources(res.properties, ids):
            if dst != res.logical_id:
                graph.add_edge(res.logical_id, dst, "ref", condition=res.condition)
        for dst in res.depends_on:
            if dst in ids:
                graph.add_edge(res.logical_id, dst, "ref", condition=res.condition, depends_on=True)


@builder(order=10)
def execution_roles(graph: Graph) -> None:
    """``executes_as`` from a function, state machine or pipe to the role it assumes."""
    for rtype, prop in ROLE_PROPERTY.items():
        for res in graph.of_type(rtype, include_internal=True):
            role = graph.target(res.prop(prop))
            if role is not None and graph.stack.resources[role].type == "AWS::IAM::Role":
                graph.add_edge(res.logical_id, role, "executes_as", condition=res.condition)
