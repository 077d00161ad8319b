"""A stack as its rules see it in a linked run: its own resources plus those of the stacks it is
linked with, namespaced (``Data/Queue``) and marked foreign, with every resolved link substituted.

The host's rules then need no cross-stack code: an imported dead-letter queue *is* a ``GetAtt``
of ``Data/Queue`` and the builders draw the edge; the stack that exports the queue sees the
importer's function pointing at its own ``Queue``. :meth:`LinkedView.finish` drops findings on
foreign resources (reported where they are written) and gives related foreign resources their
own file and line.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from wa_lint.api import Finding, Related
from wa_lint.link.index import LinkIndex, LinkResolver, StackKey, StackLinks, Target, deployed_parameters
from wa_lint.link.rewrite import Namespace, rewrite
from wa_lint.model import Resource, Stack, line_path


@dataclasses.dataclass(slots=True)
class LinkedView:
    """The host's view (``stack``), its foreign resources by the name findings use, and the
    evidence of the link that brought each directly referenced one in."""

    stack: Stack
    foreign: dict[str, Resource] = dataclasses.field(default_factory=dict)
    evidence: dict[str, str] = dataclasses.field(default_factory=dict)
    origin: dict[str, str] = dataclasses.field(default_factory=dict)  # namespaced id → id in its own stack

    def finish(self, findings: list[Finding]) -> list[Finding]:
        """Findings on the host's own resources, foreign related resources placed at home."""
        if not self.foreign:
            return findings
        kept = []
        for f in findings:
            if f.resource in self.foreign:
                continue
            named = {r.resource for r in f.related}
            for rel in f.related:
                res = self.foreign.get(rel.resource)
                if res is not None:
                    rel.path = line_path(res.line) or res.foreign_path or rel.path
                    rel.line = int(res.line)
            for name, res in self.foreign.items():
                if name not in named and name in f.message and _whole(f.message, name):
                    f.related.append(Related(name, int(res.line), line_path(res.line) or res.foreign_path or ""))
                    named.add(name)
            kept.append(f)
        return kept


def _whole(message: str, name: str) -> bool:
    """``name`` appears in ``message`` as a name, not inside a longer one."""
    start = message.find(name)
    while start >= 0:
        end = start + len(name)
        before = message[start - 1] if start else " "
        after = message[end] if end < len(message) else " "
        if not (before.isalnum() or before in "/_") and not (after.isalnum() or after in "_/"):
            return True
        start = message.find(name, start + 1)
    return False


def linked_view(index: LinkIndex, display: str, stack: Stack) -> LinkedView:
    """``stack`` (of source ``display``) with its linked stacks brought in; the stack itself when
    nothing links it."""
    host: StackKey = (display, stack.name)
    links = index.stacks.get(host)
    members: dict[StackKey, Stack] = {host: stack}
    for key in index.neighbors(host):
        other = index.stack(key)
        if other is not None:
            members[key] = other
    if links is None and len(members) == 1:
        return LinkedView(stack)
    spaces = _namespaces(index, host, members)
    view = LinkedView(stack)
    resources: dict[str, Resource] = {}
    parameters: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    mappings: dict[str, Any] = {}
    for key, member in members.items():
        ns = spaces[key]
        _substitutions(index, key, ns, spaces, members, view)
        parameters.update({ns.name(k): rewrite(v, ns) for k, v in ns.resolver.parameters.items()})
        conditions.update({ns.name(k): rewrite(v, ns) for k, v in member.conditions.items()})
        mappings.update({ns.name(k): v for k, v in member.mappings.items()})
        for res in member.resources.values():
            moved = _moved(res, ns, member if key != host else None)
            resources[moved.logical_id] = moved
            if key != host:
                view.foreign.setdefault(moved.source_resource or moved.logical_id, moved)
                view.origin[moved.logical_id] = res.logical_id
    view.stack = dataclasses.replace(stack, resources=resources, parameters=parameters,
                                     conditions=conditions, mappings=mappings)
    return view


def _namespaces(index: LinkIndex, host: StackKey, members: dict[StackKey, Stack]) -> dict[StackKey, Namespace]:
    spaces: dict[StackKey, Namespace] = {}
    used: set[str] = set()
    for key, member in members.items():
        dep = (index.stacks.get(key) or StackLinks()).deployment
        resolver = LinkResolver(member, deployed_parameters(member, dep.parameters), dep.name)
        prefix = ""
        if key != host:
            base = dep.name or _short_name(member)
            label, n = base, 1
            while label in used:
                n += 1
                label = f"{base}~{n}"
            used.add(label)
            prefix = label + "/"
        names = frozenset([*member.resources, *member.parameters, *member.conditions, *member.mappings])
        spaces[key] = Namespace(prefix, names, resolver)
    return spaces


def _short_name(stack: Stack) -> str:
    """A template stack's name in messages when no deployment names it: its file's stem (its
    directory's name for ``template.yaml``) and the nested stack's logical id; dots would read as
    ``GetAtt`` attributes, so they become ``_``."""
    if stack.kind == "cdk":
        return stack.name.replace(".", "_")
    path = Path(stack.path)
    stem = path.parent.name if path.stem == "template" and path.parent.name not in ("", ".") else path.stem
    if stack.parent is not None:
        stem = f"{stem}-{stack.parent[1]}"
    return stem.replace(".", "_").replace("/", "_") or "stack"


def _substitutions(index: LinkIndex, key: StackKey, ns: Namespace, spaces: dict[StackKey, Namespace],
                   members: dict[StackKey, Stack], view: LinkedView) -> None:
    """Fill ``ns`` with the expressions that replace this member's resolved imports and SSM reads,
    for links whose other end is in the view."""
    links = index.stacks.get(key)
    if links is None:
        return
    imports: dict[str, Any] = {}
    params: dict[str, Any] = {}
    refs: dict[str, Any] = {}
    for table, out in ((links.imports, imports), (links.ssm_params, params), (links.ssm_refs, refs)):
        for name, target in table.items():
            expr = _value(target, spaces, members)
            if expr is not None:
                out[name] = expr
                _note(view, target, spaces, members)
    ns.imports, ns.ssm_params, ns.ssm_names = imports, params, refs


def _value(target: Target, spaces: dict[StackKey, Namespace], members: dict[StackKey, Stack]) -> Any:
    """The exported (or written) value in the view's namespace; None when its stack is not in the view."""
    other = members.get(target.stack)
    if other is None:
        return None
    if target.output is not None:
        output = other.outputs.get(target.output)
        value = output.get("Value") if isinstance(output, dict) else None
    else:
        res = other.resources.get(target.resource or "")
        value = res.prop("Value") if res is not None else None
    if value is None:
        return None
    plain = dataclasses.replace(spaces[target.stack], imports={}, ssm_params={}, ssm_names={})
    return rewrite(value, plain)


def _note(view: LinkedView, target: Target, spaces: dict[StackKey, Namespace], members: dict[StackKey, Stack]) -> None:
    """Evidence for the foreign resources a link's value points at."""
    ns = spaces[target.stack]
    other = members[target.stack]
    if target.resource is not None:
        names = [target.resource]
    else:
        from wa_lint.values import referenced_resources

        output = other.outputs.get(target.output or "")
        names = referenced_resources(output.get("Value") if isinstance(output, dict) else None, other.resources)
    for name in names:
        view.evidence.setdefault(ns.name(name), target.evidence)


def _moved(res: Resource, ns: Namespace, foreign: Stack | None) -> Resource:
    """``res`` in the view: renamed and rewritten; the resource itself when nothing changes."""
    if ns.idle:
        return res
    props = rewrite(res.properties, ns)
    if foreign is None and props is res.properties:
        return res
    return dataclasses.replace(
        res,
        logical_id=ns.name(res.logical_id),
        properties=props,
        condition=ns.name(res.condition) if res.condition else None,
        depends_on=tuple(ns.name(d) for d in res.depends_on),
        source_resource=ns.name(res.source_resource) if res.source_resource else None,
        foreign_stack=foreign.name if foreign is not None else res.foreign_stack,
        foreign_path=foreign.path if foreign is not None else res.foreign_path,
    )
