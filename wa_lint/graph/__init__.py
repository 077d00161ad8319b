"""The resource graph: nodes are resources, edges say what the architecture does."""

from wa_lint.graph.model import Edge, Graph

__all__ = ["Edge", "Graph"]
