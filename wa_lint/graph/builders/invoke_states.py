"""``invokes`` edges from a state machine to the functions its Task states call.

Step Functions invokes role-based, so no ``AWS::Lambda::Permission`` names it: the definition is
the only evidence. A Task waits for the function (sync) unless it asks for ``InvocationType:
Event`` (async: then the function's own failure handling matters).
"""

from __future__ import annotations

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import functions_in
from wa_lint.graph.model import STATE_MACHINE, Graph
from wa_lint.graph.statemachine import cached_definition, lambda_calls


@builder(order=50)
def state_machine_tasks(graph: Graph) -> None:
    """One edge per (state machine, function); ``state`` is the first Task naming it, ``states``
    all of them, and the mode is async when any of them invokes asynchronously."""
    for sm in graph.of_type(STATE_MACHINE, include_internal=True):
        definition = cached_definition(graph, sm)
        if definition is None:
            continue
        calls: dict[str, dict[str, list[str | None]]] = {}
        for call in lambda_calls(definition, graph):
            for fn, qualifier, cond in functions_in(graph, call.function, sm.condition):
                info = calls.setdefault(fn, {"states": [], "modes": [], "qualifiers": [], "conds": []})
                info["states"].append(call.state)
                info["modes"].append(call.mode)
                info["qualifiers"].append(qualifier)
                info["conds"].append(cond)
        for fn, info in calls.items():
            if fn == sm.logical_id:
                continue
            modes = sorted({m for m in info["modes"] if m})
            quals = set(info["qualifiers"])
            conds = set(info["conds"])
            graph.add_edge(
                sm.logical_id, fn, "invokes", via=sm.logical_id,
                condition=conds.pop() if len(conds) == 1 else sm.condition,
                mode="async" if "async" in modes else "sync", source="states",
                state=info["states"][0], states=list(dict.fromkeys(s for s in info["states"] if s)),
                modes=modes, qualifier=quals.pop() if len(quals) == 1 else None,
            )
