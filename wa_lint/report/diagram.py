"""The architecture as users think of it, for the Markdown (Mermaid) and HTML (SVG) reports.

They draw the summaries :func:`wa_lint.graph.summary.graph_summary` made of each stack's graph.
:func:`layered_layout` places the nodes in columns along the edges for the SVG drawing.
"""

from __future__ import annotations

from collections import defaultdict

KIND_LABEL = {
    "invokes": "invokes", "on_failure": "on failure", "on_success": "on success", "dead_letter": "dead letter",
    "executes_as": "runs as", "grants": "grants", "connects": "connects", "fronts": "fronts",
    "integrates": "integrates",
}


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
