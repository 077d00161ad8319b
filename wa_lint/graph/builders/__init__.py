"""Graph builders: one small module per service family adds the edges it understands.

Every module in this package is imported once; each registers functions with :func:`builder`.
They run in ``order`` (lower first), so builders that need edges from others (e.g. failure
destinations that look at ``invokes``) say so with a higher number.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from wa_lint.graph.model import Graph
from wa_lint.model import Stack

BuildStep = Callable[[Graph], None]
_STEPS: list[tuple[int, str, BuildStep]] = []
_loaded = False


def builder(order: int = 50) -> Callable[[BuildStep], BuildStep]:
    """Register a build step. ``order``: 10 core, 50 edges from resources, 80 derived edges."""

    def register(fn: BuildStep) -> BuildStep:
        _STEPS.append((order, f"{fn.__module__}.{fn.__qualname__}", fn))
        return fn

    return register


def _load_steps() -> list[BuildStep]:
    global _loaded
    if not _loaded:
        for info in pkgutil.iter_modules(__path__):
            importlib.import_module(f"{__name__}.{info.name}")
        _loaded = True
    return [fn for _order, _name, fn in sorted(_STEPS, key=lambda s: (s[0], s[1]))]


def build_graph(stack: Stack) -> Graph:
    """The resource graph of ``stack`` with every builder's edges."""
    graph = Graph(stack)
    for step in _load_steps():
        step(graph)
    return graph
