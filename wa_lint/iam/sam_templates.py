"""Which SAM policy template produced an inline policy of a SAM-generated role.

The translator names the inline policies of a function's role ``<Function>RolePolicy<N>``, ``N``
being the index of the entry in the function's ``Policies``; a policy template entry becomes its
``Definition`` with each ``{"Ref": <Parameter>}`` replaced by the value the user gave. So the
template is found by matching the generated document against each template's ``Definition``,
parameters matching anything. The templates are read from the translator's own data file
(located without importing the translator) once per process, and only for SAM stacks.
"""

from __future__ import annotations

import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

POLICY_NAME = re.compile(r"^(?P<role>.+)Policy(?P<index>\d+)$")


@cache
def _templates() -> dict[str, tuple[Any, frozenset[str]]]:
    spec = importlib.util.find_spec("samtranslator")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "policy_templates_data" / "policy_templates.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, tuple[Any, frozenset[str]]] = {}
    for name, body in (data.get("Templates") or {}).items():
        if isinstance(body, dict) and isinstance(body.get("Definition"), dict):
            params = body.get("Parameters")
            found[name] = (body["Definition"].get("Statement"), frozenset(params or ()))
    return found


def entry_index(role_id: str, policy_name: Any) -> int | None:
    """The SAM ``Policies`` index an inline policy named by the translator came from."""
    if not isinstance(policy_name, str):
        return None
    m = POLICY_NAME.match(policy_name)
    if m is None or m.group("role") != role_id:
        return None
    return int(m.group("index"))


def template_name(document: Any) -> str | None:
    """The policy template whose expansion ``document`` is, or None (an inline SAM statement)."""
    if not isinstance(document, dict):
        return None
    statements = document.get("Statement")
    for name, (definition, params) in _templates().items():
        if _match(definition, statements, params):
            return name
    return None


def _match(pattern: Any, value: Any, params: frozenset[str]) -> bool:
    if isinstance(pattern, dict):
        if len(pattern) == 1 and isinstance(pattern.get("Ref"), str) and pattern["Ref"] in params:
            return True
        if not isinstance(value, dict) or pattern.keys() != value.keys():
            return False
        return all(_match(v, value[k], params) for k, v in pattern.items())
    if isinstance(pattern, list):
        if not isinstance(value, list) or len(pattern) != len(value):
            return False
        return all(_match(p, v, params) for p, v in zip(pattern, value))
    return bool(pattern == value)
