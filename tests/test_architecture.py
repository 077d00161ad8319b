"""Every stage imports only downward: no import cycle between modules or packages of ``wa_lint``, and
rules import from ``wa_lint`` nothing but the plugin API (``wa_lint.api``).

The graph is read statically (``ast``), function-level and ``TYPE_CHECKING`` imports included: a
lazy import hides a cycle from Python, not from the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "rules":
        parts = ["wa_lint", *parts]  # shipped as wa_lint.rules
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    return {_module_name(p): p for base in ("wa_lint", "rules") for p in sorted((ROOT / base).rglob("*.py"))}


def _imports(path: Path, module: str, known: set[str]) -> set[str]:
    """The ``wa_lint`` modules ``path`` imports (``from a import b`` counts ``a.b`` when it is a module)."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor if is_package else anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in known:  # `import wa_lint.graph.model` names the module itself
                name = name.rpartition(".")[0]
            if name.startswith("wa_lint") and name != module:
                found.add(name)
    return found


def import_graph() -> nx.DiGraph:
    sources = _sources()
    known = set(sources)
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in sources.items():
        for imported in _imports(path, module, known):
            graph.add_edge(module, imported)
    return graph


def package_of(module: str, packages: set[str]) -> str:
    return module if module in packages else module.rpartition(".")[0]


def _cycles(graph: nx.DiGraph) -> list[list[str]]:
    return sorted(sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1)


def _without_parent_links(graph: nx.DiGraph) -> nx.DiGraph:
    """A package's ``__init__`` importing its own modules (re-exports, registration) is not a cycle
    with a module importing its package's ``__init__``: drop package → own submodule edges."""
    kept = nx.DiGraph()
    kept.add_nodes_from(graph)
    kept.add_edges_from((a, b) for a, b in graph.edges if not b.startswith(a + "."))
    return kept


def test_no_cycle_between_modules() -> None:
    assert _cycles(_without_parent_links(import_graph())) == []


def test_no_cycle_between_packages() -> None:
    graph = import_graph()
    sources = _sources()
    packages = {m for m, p in sources.items() if p.name == "__init__.py"}
    by_package = nx.DiGraph()
    for a, b in graph.edges:
        pa, pb = package_of(a, packages), package_of(b, packages)
        if pa != pb and not pb.startswith(pa + ".") and not pa.startswith(pb + "."):
            by_package.add_edge(pa, pb)  # a package and its subpackages are one layer stack
    assert _cycles(by_package) == []


def test_rules_import_only_the_plugin_api() -> None:
    graph = import_graph()
    wrong = sorted(
        f"{rule} imports {imported}"
        for rule, imported in graph.edges
        if rule.startswith("wa_lint.rules") and not imported.startswith("wa_lint.rules") and imported != "wa_lint.api"
    )
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("from wa_lint.graph.model import Graph", "wa_lint.x", {"wa_lint.graph.model"}),
        ("from wa_lint.graph import model", "wa_lint.x", {"wa_lint.graph.model"}),
        ("import wa_lint.graph.model", "wa_lint.x", {"wa_lint.graph.model"}),
        ("def f():\n    from wa_lint.iam import data", "wa_lint.x", {"wa_lint.iam.data"}),
        ("from .model import Graph", "wa_lint.graph.export", {"wa_lint.graph.model"}),
        ("import json", "wa_lint.x", set()),
    ],
)
def test_imports_are_read_statically(tmp_path: Path, source: str, module: str, expected: set[str]) -> None:
    path = tmp_path / "m.py"
    path.write_text(source, encoding="utf-8")
    known = {"wa_lint", "wa_lint.graph", "wa_lint.graph.model", "wa_lint.iam", "wa_lint.iam.data", "wa_lint.x"}
    assert _imports(path, module, known) == expected
