"""Line counts per package and the longest functions of wa_lint and rules (issue 16's before/after figures).

Usage: python tools/code_stats.py [--top N]. Lines are physical lines of ``.py`` files; a package is
a directory (``wa_lint`` counts only its own top-level modules, ``wa_lint/graph`` its own, and so on).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def package_lines(roots: list[str]) -> dict[str, tuple[int, int]]:
    """Per directory: (files, lines) of the ``.py`` files directly in it."""
    out: dict[str, tuple[int, int]] = {}
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            key = path.parent.relative_to(ROOT).as_posix()
            files, lines = out.get(key, (0, 0))
            out[key] = (files + 1, lines + len(path.read_text(encoding="utf-8").splitlines()))
    return out


def functions(roots: list[str]) -> list[tuple[int, str]]:
    """(length in lines, ``path:qualified name``) of every function and method, docstring excluded
    (a rule's docstring is its documentation page)."""
    found: list[tuple[int, str]] = []
    for root in roots:
        for path in sorted((ROOT / root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            rel = path.relative_to(ROOT).as_posix()

            def visit(node: ast.AST, prefix: str, rel: str = rel) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                        name = f"{prefix}{child.name}"
                        length = (child.end_lineno or child.lineno) - child.lineno + 1
                        body = child.body
                        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                            length -= (body[0].end_lineno or body[0].lineno) - body[0].lineno + 1  # a rule's docs
                        found.append((length, f"{rel}:{name}"))
                        visit(child, f"{name}.")
                    elif isinstance(child, ast.ClassDef):
                        visit(child, f"{prefix}{child.name}.")

            visit(tree, "")
    return sorted(found, key=lambda item: (-item[0], item[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    roots = ["wa_lint", "rules"]
    packages = package_lines(roots)
    print(f"{'package':<28} {'files':>5} {'lines':>7}")
    for key, (files, lines) in sorted(packages.items()):
        print(f"{key:<28} {files:>5} {lines:>7}")
    total_files = sum(f for f, _ in packages.values())
    total_lines = sum(n for _, n in packages.values())
    print(f"{'total':<28} {total_files:>5} {total_lines:>7}")
    print()
    print(f"{args.top} longest functions")
    for length, name in functions(roots)[: args.top]:
        print(f"{length:>5}  {name}")


if __name__ == "__main__":
    main()
