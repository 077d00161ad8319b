"""A stack's graph condensed for drawing (the Markdown and HTML reports): plain data that crosses
process boundaries and is kept in the result cache.

Resources the SAM translator generated are folded into the SAM resource the user wrote (so a
function's generated role and event rules are the function), CDK framework internals are left out,
``ref`` edges are dropped (the other kinds say what a reference means), and large stacks are cut
to the resources with findings and the best-connected others.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from wa_lint.graph.model import Graph

MAX_NODES = 80
SMALL_STACK = 30  # below this many resources every resource is drawn, connected or not
#: wiring that says how two services connect; drawn only when an edge or a finding needs it
GLUE_TYPES = frozenset({
    "AWS::Lambda::Permission", "AWS::Lambda::EventInvokeConfig", "AWS::Lambda::EventSourceMapping",
    "AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::IAM::Policy", "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy", "AWS::SQS::QueuePolicy", "AWS::S3::BucketPolicy", "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage", "AWS::ApiGateway::Method", "AWS::ApiGateway::Resource",
    "AWS::ApiGatewayV2::Route", "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Deployment", "AWS::Logs::LogGroup", "AWS::CloudFormation::WaitConditionHandle",
})

def _owner(graph: Graph, node: str) -> str | None:
    """The name findings use for ``node``; None for CDK internals (never drawn)."""
    res = graph.resource(node)
    if res is None:
        return node
    if res.internal:
        return None
    return res.source_resource or res.logical_id


def _node(graph: Graph, key: str, original: str) -> dict[str, Any]:
    res = graph.resource(key) or graph.resource(original)
    if res is None:
        name = key.removeprefix("external:")
        return {"id": key, "label": "any resource (*)" if name == "*" else name, "type": "external", "line": 0}
    label = graph.label(res.logical_id) if res.construct_path else key
    node = {"id": key, "label": label, "type": res.type, "line": res.line}
    if res.foreign_stack is not None:  # another stack's resource, linked (wa_lint/link): drawn in its cluster
        node.update({"stack": res.foreign_stack, "path": res.foreign_path})
    return node


def _foreign(graph: Graph, node: str) -> bool:
    res = graph.resource(node)
    return res is not None and res.foreign_stack is not None


def graph_summary(graph: Graph, flagged: set[str] | None = None) -> dict[str, Any]:
    """Nodes and meaningful edges of ``graph`` as plain data (see the module docstring)."""
    flagged = flagged or set()
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for kind in graph.edge_kinds():
        if kind == "ref":
            continue
        for e in graph.edges(kind):
            a, b = _owner(graph, e.src), _owner(graph, e.dst)
            if a is None or b is None or a == b:
                continue
            if (_foreign(graph, e.src) or _foreign(graph, e.dst)) and (
                    _foreign(graph, e.src) == _foreign(graph, e.dst) or graph.resource(e.src) is None
                    or graph.resource(e.dst) is None):
                continue  # not between this stack and another: drawn in the other stack's picture
            for key, original in ((a, e.src), (b, e.dst)):
                if key not in nodes:
                    nodes[key] = _node(graph, key, original)
            mode = str(e.get("mode") or "")
            edges.setdefault((a, b, kind, mode), {"from": a, "to": b, "kind": kind, "mode": mode or None})
    home = [res for res in graph if res.foreign_stack is None]
    small = len(home) <= SMALL_STACK
    for res in home:
        owner = _owner(graph, res.logical_id)
        if owner is not None and owner not in nodes and (owner in flagged or (small and res.type not in GLUE_TYPES)):
            nodes[owner] = _node(graph, owner, res.logical_id)
    omitted = 0
    if len(nodes) > MAX_NODES:
        degree: dict[str, int] = defaultdict(int)
        for a, b, _, _ in edges:
            degree[a] += 1
            degree[b] += 1
        ranked = sorted(nodes, key=lambda n: (n not in flagged, -degree[n], n))
        keep = set(ranked[:MAX_NODES])
        omitted = len(nodes) - len(keep)
        nodes = {k: v for k, v in nodes.items() if k in keep}
        edges = {k: v for k, v in edges.items() if k[0] in keep and k[1] in keep}
    stack = graph.stack
    return {"stack": stack.name, "path": stack.path, "kind": stack.kind, "resources": len(home),
            "nodes": list(nodes.values()), "edges": list(edges.values()), "omitted": omitted}
