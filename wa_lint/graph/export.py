"""``wa-lint graph``: the resource graphs as JSON (node-link) or Graphviz dot.

The stacks of the run are linked (``wa_lint.link``): each stack is drawn as a cluster of its own
resources, and an edge to or from a resource of another stack (an imported queue, an SSM-read
endpoint) is drawn to that resource in its own cluster, with the link that made it (``via_link``).

Ids, types and paths are quoted by :mod:`wa_lint.escape`: no id can end a dot string or
make a label escape, and neither format writes a line break or control character from input.
"""

from __future__ import annotations

import json
from typing import Any

from wa_lint.discover import Source
from wa_lint.escape import dot_string
from wa_lint.graph.model import Graph
from wa_lint.model import InputError


def graphs_for(sources: list[Source]) -> tuple[list[Graph], list[str]]:
    """One graph per stack, each built from the stack's linked view; the view's foreign resources,
    their ids at home and the links' evidence are kept in ``graph.attrs["link"]``."""
    from wa_lint.graph.builders import build_graph
    from wa_lint.link.index import build_index
    from wa_lint.link.view import linked_view
    from wa_lint.stacks import load_stacks

    links, errors = build_index(sources)
    graphs: list[Graph] = []
    for source in sources:
        try:
            stacks, stack_errors = links.load(source) if links and links.involves(source) else load_stacks(source)
        except InputError as exc:
            errors.append(str(exc))
            continue
        errors.extend(str(e) for e in stack_errors)
        for stack in stacks:
            view = linked_view(links, source.display, stack) if links is not None else None
            graph = build_graph(view.stack if view is not None else stack)
            if view is not None and view.origin:
                graph.attrs["link"] = {"origin": view.origin, "evidence": view.evidence}
            graphs.append(graph)
    return graphs, errors


def _home(graph: Graph, node: str) -> tuple[str, str, str] | None:
    """(stack, path, id at home) of a foreign node; None for the graph's own and external nodes."""
    data = graph.node(node) if graph.has_node(node) else {}
    res = data.get("resource")
    if res is None or res.foreign_stack is None:
        return None
    origin = graph.attrs.get("link", {}).get("origin", {})
    return res.foreign_stack, res.foreign_path or "", origin.get(node, node)


def _skipped(graph: Graph, src: str, dst: str) -> bool:
    """An edge this stack does not draw: one not touching its own resources (between two other
    stacks' resources, or from another stack's resource to something outside the run)."""
    def own(node: str) -> bool:
        res = graph.resource(node)
        return res is not None and res.foreign_stack is None

    foreign = _home(graph, src) is not None or _home(graph, dst) is not None
    return foreign and not (own(src) or own(dst))


def _evidence(graph: Graph, src: str, dst: str) -> str | None:
    evidence = graph.attrs.get("link", {}).get("evidence", {})
    found: str | None = evidence.get(dst) or evidence.get(src)
    return found


def graph_dict(graph: Graph) -> dict[str, Any]:
    nodes = []
    for node, data in graph.nodes():
        res = data.get("resource")
        if res is not None and res.foreign_stack is not None:
            continue  # drawn in its own stack's graph
        nodes.append({
            "id": node,
            "type": data.get("type"),
            "line": res.line if res else None,
            "construct_path": res.construct_path if res else None,
            "source_resource": res.source_resource if res else None,
            "internal": res.internal if res else False,
        })
    edges = []
    for kind in graph.edge_kinds():
        for e in graph.edges(kind):
            if _skipped(graph, e.src, e.dst):
                continue  # drawn in the other stack's graph
            src, dst = _home(graph, e.src), _home(graph, e.dst)
            edge = {"from": src[2] if src else e.src, "to": dst[2] if dst else e.dst, "kind": e.kind, "via": e.via,
                    "condition": e.condition, **{k: v for k, v in e.attrs.items() if _jsonable(v)}}
            for end, home in (("from", src), ("to", dst)):
                if home is not None:
                    edge.update({f"{end}_stack": home[0], f"{end}_path": home[1],
                                 "via_link": _evidence(graph, e.src, e.dst)})
            edges.append(edge)
    stack = graph.stack
    return {"stack": stack.name, "path": stack.path, "kind": stack.kind, "nodes": nodes, "edges": edges}


def _jsonable(value: Any) -> bool:
    """Edge attributes the JSON export shows: scalars, and lists/dicts of them (IAM statements)."""
    if isinstance(value, (str, int, float, bool, type(None))):
        return True
    if isinstance(value, (list, tuple)):
        return all(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _jsonable(v) for k, v in value.items())
    return False


def _dot_id(name: str) -> str:
    return dot_string(name)


def graph_dot(graph: Graph, qualified: bool = False) -> str:
    cluster, crossing = _dot_parts(graph, qualified)
    return "\n".join(cluster + crossing)


def _dot_parts(graph: Graph, qualified: bool) -> tuple[list[str], list[str]]:
    """The stack as a cluster, and its cross-stack edges. ``qualified`` (several stacks) names
    nodes ``path#id`` so equal logical ids of two stacks stay two nodes and a cross-stack edge
    reaches the other cluster;
    those edges are drawn after the clusters, dashed, labelled with the link."""
    stack = graph.stack

    def node_id(node: str) -> str:
        home = _home(graph, node)
        if home is not None:
            return _dot_id(f"{home[1]}#{home[2]}")
        if not qualified or node.startswith("external:"):
            return _dot_id(node)
        return _dot_id(f"{stack.path}#{node}")

    cluster = "cluster_" + (f"{stack.path}#{stack.name}" if qualified else stack.name)
    lines = [f"  subgraph {_dot_id(cluster)} {{", f"    label={_dot_id(stack.path)};"]
    crossing = []
    for node, data in graph.nodes():
        if _home(graph, node) is None:
            lines.append(f"    {node_id(node)} [label={dot_string(node, str(data.get('type')))}];")
    for kind in graph.edge_kinds():
        if kind == "ref":
            continue
        for e in graph.edges(kind):
            if _skipped(graph, e.src, e.dst):
                continue
            src, dst = _home(graph, e.src), _home(graph, e.dst)
            label = kind + (f" ({e.get('mode')})" if e.get("mode") else "")
            if src is None and dst is None:
                lines.append(f"    {node_id(e.src)} -> {node_id(e.dst)} [label={_dot_id(label)}];")
                continue
            evidence = _evidence(graph, e.src, e.dst)
            label += f" via {evidence}" if evidence else ""
            crossing.append(f"  {node_id(e.src)} -> {node_id(e.dst)} [label={_dot_id(label)}, style=dashed];")
    lines.append("  }")
    return lines, crossing


def render_graphs(graphs: list[Graph], fmt: str) -> str:
    if fmt == "dot":
        qualified = len(graphs) > 1
        clusters: list[str] = []
        crossing: dict[str, None] = {}  # each cross-stack edge is seen from both its stacks: drawn once
        for g in graphs:
            cluster, edges = _dot_parts(g, qualified)
            clusters.extend(cluster)
            crossing.update(dict.fromkeys(edges))
        body = "\n".join(clusters + list(crossing))
        return "digraph wa_lint {\n  rankdir=LR;\n" + body + "\n}\n"
    return json.dumps({"version": 1, "graphs": [graph_dict(g) for g in graphs]}, indent=2) + "\n"  # ASCII
