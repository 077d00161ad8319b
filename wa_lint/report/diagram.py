"""The architecture as users think of it, for the Markdown (Mermaid) and HTML (SVG) reports.

:func:`graph_summary` condenses a stack's graph into plain data that crosses process
boundaries: resources the SAM translator generated are folded into the SAM resource the user
wrote (so a function's generated role and event rules are the function), CDK framework
internals are left out, ``ref`` edges are dropped (the other kinds say what a reference
means), and large stacks are cut to the resources with findings and the best-connected others.
:func:`layered_layout` places the nodes in columns along the edges for the SVG drawing.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
KIND_LABEL = {
    "invokes": "invokes", "on_failure": "on failure", "on_success": "on success", "dead_letter": "dead letter",
    "executes_as": "runs as", "grants": "grants", "connects": "connects", "fronts": "fronts",
    "integrates": "integrates",
}


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


def short_type(rtype: str) -> str:
    """``AWS::Lambda::Function`` → ``Lambda::Function``; SAM and custom types as written."""
    return rtype.removeprefix("AWS::")


def layered_layout(node_ids: list[str], edges: list[tuple[str, str]]) -> dict[str, tuple[int, int]]:
    """(column, row) for each node: columns follow the edges (cycles broken), rows are ordered
    by the barycentre of neighbours to reduce crossings; unconnected nodes get a last column."""
    succ: dict[str, list[str]] = defaultdict(list)
    pred: dict[str, list[str]] = defaultdict(list)
    known = set(node_ids)
    for a, b in edges:
        if a in known and b in known and a != b:
            succ[a].append(b)
            pred[b].append(a)
    connected = [n for n in node_ids if succ[n] or pred[n]]
    # break cycles: drop edges that close a cycle in depth-first order
    state: dict[str, int] = {}
    dag_succ: dict[str, list[str]] = defaultdict(list)
    for root in connected:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        state[root] = 1
        while stack:
            node, i = stack.pop()
            if i < len(succ[node]):
                stack.append((node, i + 1))
                nxt = succ[node][i]
                if state.get(nxt) == 1:
                    continue  # back edge
                dag_succ[node].append(nxt)
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
            else:
                state[node] = 2
    indegree = {n: 0 for n in connected}
    for n in connected:
        for m in dag_succ[n]:
            indegree[m] += 1
    layer = {n: 0 for n in connected}
    queue = [n for n in connected if indegree[n] == 0]
    while queue:
        n = queue.pop()
        for m in dag_succ[n]:
            layer[m] = max(layer[m], layer[n] + 1)
            indegree[m] -= 1
            if indegree[m] == 0:
                queue.append(m)
    columns: dict[int, list[str]] = defaultdict(list)
    for n in connected:
        columns[layer[n]].append(n)
    order = {n: float(i) for col in columns.values() for i, n in enumerate(col)}
    for sweep in range(4):
        for c in sorted(columns) if sweep % 2 == 0 else sorted(columns, reverse=True):
            neighbours = pred if sweep % 2 == 0 else succ
            def bary(n: str, nb: dict[str, list[str]] = neighbours) -> float:
                pos = [order[m] for m in nb[n] if m in order]
                return sum(pos) / len(pos) if pos else order[n]
            columns[c].sort(key=bary)
            for i, n in enumerate(columns[c]):
                order[n] = float(i)
    placed = {n: (c, i) for c, col in columns.items() for i, n in enumerate(col)}
    isolated = [n for n in node_ids if n not in placed]
    if isolated:  # in extra columns, no taller than the tallest connected one (at least 6 rows)
        first = max(columns) + 1 if columns else 0
        rows = max([len(col) for col in columns.values()] + [6])
        for i, n in enumerate(isolated):
            placed[n] = (first + i // rows, i % rows)
    return placed
