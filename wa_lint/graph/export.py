"""``wa-lint graph``: the resource graphs as JSON (node-link) or Graphviz dot.

Ids, types and paths are quoted by :mod:`wa_lint.report.escape`: no id can end a dot string or
make a label escape, and neither format writes a line break or control character from input.
"""

from __future__ import annotations

import json
from typing import Any

from wa_lint.discover import Source
from wa_lint.graph.model import Graph
from wa_lint.model import InputError
from wa_lint.report.escape import dot_string


def graphs_for(sources: list[Source]) -> tuple[list[Graph], list[str]]:
    from wa_lint.graph.builders import build_graph
    from wa_lint.pipeline import load_stacks

    graphs: list[Graph] = []
    errors: list[str] = []
    for source in sources:
        try:
            stacks, stack_errors = load_stacks(source)
        except InputError as exc:
            errors.append(str(exc))
            continue
        errors.extend(str(e) for e in stack_errors)
        graphs.extend(build_graph(stack) for stack in stacks)
    return graphs, errors


def graph_dict(graph: Graph) -> dict[str, Any]:
    nodes = []
    for node, data in graph.nodes():
        res = data.get("resource")
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
            edges.append({"from": e.src, "to": e.dst, "kind": e.kind, "via": e.via, "condition": e.condition,
                          **{k: v for k, v in e.attrs.items() if _jsonable(v)}})
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


def graph_dot(graph: Graph) -> str:
    lines = [f"  subgraph {_dot_id('cluster_' + graph.stack.name)} {{", f"    label={_dot_id(graph.stack.path)};"]
    for node, data in graph.nodes():
        lines.append(f"    {_dot_id(node)} [label={dot_string(node, str(data.get('type')))}];")
    for kind in graph.edge_kinds():
        if kind == "ref":
            continue
        for e in graph.edges(kind):
            label = kind + (f" ({e.get('mode')})" if e.get("mode") else "")
            lines.append(f"    {_dot_id(e.src)} -> {_dot_id(e.dst)} [label={_dot_id(label)}];")
    lines.append("  }")
    return "\n".join(lines)


def render_graphs(graphs: list[Graph], fmt: str) -> str:
    if fmt == "dot":
        return "digraph wa_lint {\n  rankdir=LR;\n" + "\n".join(graph_dot(g) for g in graphs) + "\n}\n"
    return json.dumps({"version": 1, "graphs": [graph_dict(g) for g in graphs]}, indent=2) + "\n"  # ASCII
