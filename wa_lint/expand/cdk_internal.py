"""Which CDK-synthesized resources are framework internals the user cannot change.

CDK adds provider functions (with their roles and default policies) for log retention, bucket
notifications, auto-delete, ``AwsCustomResource``, the ``custom-resources`` Provider framework,
EKS kubectl and cluster providers… Their code, runtime and permissions are fixed by the CDK
version, so a finding on them is not actionable: they are marked ``internal``, in assemblies and
in a single ``*.template.json`` alike (from its ``aws:cdk:path`` metadata).

They are recognised by the construct id CDK gives them, one component of the construct path (and
so every child: role, policy, log group) or, without a path, the start of the logical id. The ids
are read from aws-cdk-lib's own source by ``tools/gen_cdk_internals.py`` into
``wa_lint/data/cdk_internals.json`` (``make cdk-internals``); the version used is recorded there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any, NamedTuple

from wa_lint.model import Resource


class Singleton(NamedTuple):
    """One CDK-managed construct: its construct-path component and logical-id pattern."""

    what: str
    component: re.Pattern[str]  # fullmatch against one component of the construct path
    logical_id: re.Pattern[str]  # search in the logical id when no construct path is known


NEVER = re.compile(r"(?!)")  # an entry without a logical-id pattern (its id is computed at synth time)


def data() -> dict[str, Any]:
    """The generated table (aws-cdk-lib version and entries)."""
    text = resources.files("wa_lint.data").joinpath("cdk_internals.json").read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


@lru_cache(maxsize=1)
def singletons() -> tuple[Singleton, ...]:
    """The table's patterns, compiled when a CDK resource is first met (≈ 3 ms for ≈ 70 entries,
    which a template without CDK metadata never needs)."""
    return tuple(
        Singleton(e["what"], re.compile(e["component"]), re.compile(e["logical_id"]) if e["logical_id"] else NEVER)
        for e in data()["entries"]
    )


@lru_cache(maxsize=4096)
def _component_match(component: str) -> Singleton | None:
    """Construct-path components repeat across resources (stack names, ``Resource``): cached."""
    return next((s for s in singletons() if s.component.fullmatch(component)), None)


def internal_singleton(construct_path: str | None, logical_id: str) -> Singleton | None:
    """The framework construct a resource belongs to (the construct itself or a child such as its role)."""
    if construct_path:
        return next((s for c in construct_path.split("/") if (s := _component_match(c)) is not None), None)
    return next((s for s in singletons() if s.logical_id.search(logical_id)), None)


def mark_internal(resources: Iterable[Resource]) -> None:
    """Mark resources of a plain template that carry CDK's ``aws:cdk:path`` metadata (a template
    taken out of ``cdk.out``): only the path decides, never a logical id a user may have written."""
    for res in resources:
        if res.construct_path and isinstance(res.metadata.get("aws:cdk:path"), str):
            res.internal = internal_singleton(res.construct_path, res.logical_id) is not None
