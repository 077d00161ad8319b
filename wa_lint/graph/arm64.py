"""Whether a function could run on arm64 as written: a query module for WA405.

arm64 (Graviton) is available for the managed runtimes built on Amazon Linux 2 and later:
Python 3.8+, Node.js 12+, Java 8 on AL2 and Java 11+, .NET Core 3.1 and .NET 6+, Ruby 2.7+.
Interpreted and JIT-compiled code runs unchanged; what can stop a move is native code, which a
template shows only by name: a layer or a code path that says ``x86_64`` or ``amd64``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wa_lint.graph.builders.invoke_common import scalar
from wa_lint.graph.model import Graph
from wa_lint.iam.statements import render
from wa_lint.model import Resource
from wa_lint.values import branches

#: Managed runtimes with an arm64 build: family → the oldest version that has one.
_RUNTIME = re.compile(r"^(python|nodejs|java|dotnetcore|dotnet|ruby)(\d+)(?:\.(\d+))?(?:\.x)?(\.al2)?$")
_MINIMUM = {"python": (3, 8), "nodejs": (12, 0), "java": (11, 0), "dotnetcore": (3, 1), "dotnet": (6, 0),
            "ruby": (2, 7)}
X86_NAMES = re.compile(r"x86[_-]64|amd64", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class X86Function:
    """A managed-runtime function on x86_64 with nothing in the template tying it there."""

    function: Resource
    runtime: str
    architecture: str  # "x86_64" as written, or "" when absent (the default)


def arm64_runtime(runtime: str) -> bool:
    """Whether the managed runtime has an arm64 build (``java8.al2`` yes, ``java8`` no)."""
    m = _RUNTIME.match(runtime.lower())
    if m is None:
        return False
    family, major, minor, al2 = m.group(1), int(m.group(2)), int(m.group(3) or 0), m.group(4)
    if family == "java" and major == 8:
        return al2 is not None
    return (major, minor) >= _MINIMUM[family]


def _architectures(graph: Graph, fn: Resource) -> list[Any] | None:
    """Each ``Fn::If`` alternative of ``Architectures`` as a scalar (None: absent); None when unreadable."""
    found: list[Any] = []
    for _cond, value in branches(fn.prop("Architectures"), fn.condition):
        if value is None:
            found.append(None)
            continue
        items = value if isinstance(value, list) else [value]
        names = [scalar(graph, v) for v in items]
        if not names or not all(isinstance(n, str) for n in names):
            return None
        found.extend(names)
    return found


def x86_evidence(graph: Graph, fn: Resource) -> str | None:
    """A layer or code path that names an x86-only build, as a message phrase."""
    layers = fn.prop("Layers")
    for value in layers if isinstance(layers, list) else []:
        for _cond, alt in branches(value):
            layer = graph.resource(graph.target(alt)) if alt is not None else None
            texts = [render(alt, graph.resolver) or ""]
            if layer is not None and layer.type == "AWS::Lambda::LayerVersion":
                texts.append(str(scalar(graph, layer.prop("LayerName")) or ""))
                archs = layer.prop("CompatibleArchitectures")
                if isinstance(archs, list) and archs and all(scalar(graph, a) == "x86_64" for a in archs):
                    return f"layer {graph.label(layer.logical_id)} is built for x86_64 only"
            if any(X86_NAMES.search(t) for t in texts):
                return "a layer names an x86_64 build"
    code = [render(fn.prop(key), graph.resolver) or "" for key in ("CodeUri", "Handler")]
    code += [render(v, graph.resolver) or "" for v in (fn.prop("Code") or {}).values()] \
        if isinstance(fn.prop("Code"), dict) else []
    code += [str(p) for p in fn.local_paths.values()]
    if any(X86_NAMES.search(t) for t in code):
        return "its code path names an x86_64 build"
    return None


def x86_functions(graph: Graph) -> list[X86Function]:
    """Functions with an arm64-capable managed runtime that run on x86_64 as written, with no
    container image and no x86-only layer or code path."""
    found = []
    for fn in graph.functions():
        if scalar(graph, fn.prop("PackageType")) == "Image" or fn.prop("Code", "ImageUri") is not None:
            continue
        runtime = scalar(graph, fn.prop("Runtime"))
        if not isinstance(runtime, str) or not arm64_runtime(runtime):
            continue
        archs = _architectures(graph, fn)
        if archs is None or any(a is not None and a != "x86_64" for a in archs):
            continue
        if x86_evidence(graph, fn) is not None:
            continue
        found.append(X86Function(fn, runtime, "x86_64" if "x86_64" in archs else ""))
    return found
