"""Transforms wa-lint does not run: a template that names one is linted as written, with a warning.

CloudFormation runs every transform a template names before it creates anything: besides the
ones expanded here (SAM, ``AWS::LanguageExtensions``, local ``AWS::Include`` files), hosted
macros such as ``AWS::SecretsManager-2020-07-23`` (a rotation function) or
``AWS::CodeDeployBlueGreen``, and an account's own ``AWS::CloudFormation::Macro``, in
``Transform`` or in an ``Fn::Transform`` snippet. What such a macro adds or changes cannot be
known from the template, so the user is told which part of the stack went unseen.
"""

from __future__ import annotations

from typing import Any

from wa_lint.expand.include import INCLUDE
from wa_lint.expand.language_extensions import TRANSFORM as LANGUAGE_EXTENSIONS
from wa_lint.expand.sam import SAM_TRANSFORM
from wa_lint.model import mark_of

EXPANDED = frozenset({SAM_TRANSFORM, LANGUAGE_EXTENSIONS, INCLUDE})
SNIPPET = "Fn::Transform"
MAX_NODES = 200_000  # mappings and lists walked looking for Fn::Transform; beyond, uses are counted as "N+"


def macro_warnings(data: dict[str, Any], text: str, display: str, expanded: frozenset[str] = EXPANDED) -> list[str]:
    """One warning per transform of ``data`` (loaded from ``text``, shown as ``display``) that is
    not among ``expanded``, at the line that names it. (A CDK stack's template is linted as
    synthesized, so none of its transforms is expanded: ``stack.addTransform`` is rare.)"""
    if "Transform" not in text:  # both spellings contain it: most templates stop here
        return []
    found: list[tuple[str, int | None]] = []
    top = data.get("Transform")
    for entry in top if isinstance(top, list) else [top]:
        name = _name(entry)
        if name is not None and name not in expanded:
            mark = mark_of(data, "Transform")
            found.append((name, mark.line if mark else None))
    complete = True
    if SNIPPET in text:
        snippets, complete = _snippets(data, expanded)
        found.extend(snippets)
    uses: dict[str, list[int | None]] = {}
    for name, line in found:
        uses.setdefault(name, []).append(line)
    more = "" if complete else "+"
    return [f"{display}:{lines[0] or 1}: {'transform' if name in EXPANDED else 'macro'} {name} is not run by wa-lint"
            f"{' on a CDK stack' if name in EXPANDED else ''}: the resources it adds or changes are not "
            f"linted{f' ({len(lines)}{more} uses)' if len(lines) > 1 else ''}" for name, lines in uses.items()]


def _name(entry: Any) -> str | None:
    """A transform's name: a string, or ``{"Name": …}`` as ``Fn::Transform`` and lists write it."""
    name = entry.get("Name") if isinstance(entry, dict) else entry
    return name if isinstance(name, str) and name else None


def _snippets(data: Any, expanded: frozenset[str]) -> tuple[list[tuple[str, int | None]], bool]:
    """``Fn::Transform`` snippets naming a transform that is not expanded here, with their lines,
    and whether the whole template was walked (:data:`MAX_NODES`)."""
    out: list[tuple[str, int | None]] = []
    pending = [data]
    walked = 0
    while pending and walked < MAX_NODES:
        node = pending.pop()
        walked += 1
        if isinstance(node, dict):
            if SNIPPET in node:
                name = _name(node[SNIPPET])
                if name is not None and name not in expanded:
                    mark = mark_of(node, SNIPPET)
                    out.append((name, mark.line if mark else None))
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    out.sort(key=lambda found: found[1] or 0)
    return out, not pending
