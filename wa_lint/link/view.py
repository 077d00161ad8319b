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

from wa_lint.finding import Finding, Related
from wa_lint.link.index import (
    LinkIndex,
    LinkResolver,
    StackKey,
    StackLinks,
    Target,
    deployed_parameters,
    describe,
)
from wa_lint.link.rewrite import SSM_REFERENCE, Namespace, rewrite
from wa_lint.model import Resource, Stack, line_path
from wa_lint.values import SUB_VARIABLE, intrinsic, referenced_resources


@dataclasses.dataclass(slots=True)
class LinkedView:
    """The host's view (``stack``), its foreign resources by the name findings use, and the
    evidence of the link that brought each directly referenced one in."""

    stack: Stack
    foreign: dict[str, Resource] = dataclasses.field(default_factory=dict)
    evidence: dict[str, str] = dataclasses.field(default_factory=dict)
    origin: dict[str, str] = dataclasses.field(default_factory=dict)  # namespaced id → id in its own stack
    #: namespaced foreign resource → evidence of the links naming it (it is exported or written, or it imports)
    direct: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    #: namespaced foreign resource → evidence of every link between its stack and the host's
    between: dict[str, list[str]] = dataclasses.field(default_factory=dict)

    def via(self, name: str) -> str | None:
        """The one link that brought foreign resource ``name`` in: the link naming it, else the only
        link between its stack and the host's. None when several could (say less)."""
        found = self.direct.get(name) or self.between.get(name) or []
        return found[0] if len(found) == 1 else None

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
                    rel.via = self.via(rel.resource)
            for name, res in self.foreign.items():
                if name not in named and name in f.message and _whole(f.message, name):
                    f.related.append(Related(name, int(res.line), line_path(res.line) or res.foreign_path or "",
                                             self.via(name)))
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
    for key, member in members.items():
        _substitutions(index, key, spaces[key], spaces, members, view, host)
        if key != host:
            _importers(index, key, member, spaces[key], view, host)
    return _assemble(view, [
        _Part(member, spaces[key], {spaces[key].name(k): rewrite(v, spaces[key])
                                    for k, v in spaces[key].resolver.parameters.items()},
              foreign=key != host, between=_between(index, host, key))
        for key, member in members.items()])


@dataclasses.dataclass(slots=True)
class _Part:
    """One member of a view: its stack, its namespace, its parameters as the view names them, and
    whether it is another stack than the host (with the evidence of the links between them)."""

    stack: Stack
    ns: Namespace
    parameters: dict[str, Any]
    foreign: bool
    between: list[str] | None = None


def _assemble(view: LinkedView, parts: list[_Part]) -> LinkedView:
    """The view's stack: every member's resources, parameters, conditions and mappings under its
    namespace, the other stacks' resources marked foreign."""
    resources: dict[str, Resource] = {}
    parameters: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    mappings: dict[str, Any] = {}
    for part in parts:
        ns = part.ns
        parameters.update(part.parameters)
        conditions.update({ns.name(k): rewrite(v, ns) for k, v in part.stack.conditions.items()})
        mappings.update({ns.name(k): v for k, v in part.stack.mappings.items()})
        for res in part.stack.resources.values():
            moved = _moved(res, ns, part.stack if part.foreign else None)
            resources[moved.logical_id] = moved
            if part.foreign:
                view.foreign.setdefault(moved.source_resource or moved.logical_id, moved)
                view.origin[moved.logical_id] = res.logical_id
                if part.between is not None:
                    view.between.setdefault(moved.source_resource or moved.logical_id, part.between)
    view.stack = dataclasses.replace(view.stack, resources=resources, parameters=parameters,
                                     conditions=conditions, mappings=mappings)
    return view


def _unique_label(base: str, used: set[str]) -> str:
    """``base``, else ``base~2``, ``base~3``…: the first another member of the view does not have."""
    label, n = base, 1
    while label in used:
        n += 1
        label = f"{base}~{n}"
    used.add(label)
    return label


def _defined(stack: Stack) -> frozenset[str]:
    """The names a stack defines, which its namespace prefixes."""
    return frozenset([*stack.resources, *stack.parameters, *stack.conditions, *stack.mappings])


def _namespaces(index: LinkIndex, host: StackKey, members: dict[StackKey, Stack]) -> dict[StackKey, Namespace]:
    spaces: dict[StackKey, Namespace] = {}
    used: set[str] = set()
    for key, member in members.items():
        dep = (index.stacks.get(key) or StackLinks()).deployment
        resolver = LinkResolver(member, deployed_parameters(member, dep.parameters), dep.name)
        prefix = _unique_label(dep.name or _short_name(member), used) + "/" if key != host else ""
        spaces[key] = Namespace(prefix, _defined(member), resolver)
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
                   members: dict[StackKey, Stack], view: LinkedView, host: StackKey) -> None:
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
                _note(view, target, spaces, members, key == host)
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


def _note(view: LinkedView, target: Target, spaces: dict[StackKey, Namespace], members: dict[StackKey, Stack],
          imported_by_host: bool) -> None:
    """Evidence for the resources a link's value points at (for the graph), and for the foreign
    ones the host imports or reads (for findings' ``related``)."""
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
        res = other.resources.get(name)
        if res is not None and imported_by_host:
            _add(view.direct, ns.name(res.source_resource or name), target.evidence)


def _importers(index: LinkIndex, key: StackKey, member: Stack, ns: Namespace, view: LinkedView,
               host: StackKey) -> None:
    """Evidence for a foreign member's resources that import from or read the host."""
    links = index.stacks.get(key)
    if links is None:
        return
    for res in member.resources.values():
        for target in _used(res.properties, links, ns):
            if target.stack == host:
                _add(view.direct, ns.name(res.source_resource or res.logical_id), target.evidence)


def _used(value: Any, links: StackLinks, ns: Namespace) -> list[Target]:
    """The links ``value`` uses: resolved imports, SSM-typed parameters, dynamic references."""
    found: list[Target] = []
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if "{{resolve:ssm:" in item:
                found.extend(links.ssm_refs[m.group(1)] for m in SSM_REFERENCE.finditer(item)
                             if m.group(1) in links.ssm_refs)
            continue
        if isinstance(item, list):
            todo.extend(item)
            continue
        if not isinstance(item, dict):
            continue
        fn = intrinsic(item)
        if fn is not None and fn[0] == "Fn::ImportValue":
            name = ns.resolver.scalar(fn[1])
            if isinstance(name, str) and name in links.imports:
                found.append(links.imports[name])
        elif fn is not None and fn[0] == "Ref" and isinstance(fn[1], str) and fn[1] in links.ssm_params:
            found.append(links.ssm_params[fn[1]])
        elif fn is not None and fn[0] == "Fn::Sub":
            text = fn[1][0] if isinstance(fn[1], list) and fn[1] else fn[1]
            if isinstance(text, str):
                found.extend(links.ssm_params[v] for v in _sub_names(text) if v in links.ssm_params)
        todo.extend(item.values())
    return found


def _sub_names(text: str) -> list[str]:
    return [m.group(1).strip() for m in SUB_VARIABLE.finditer(text)]


def _between(index: LinkIndex, host: StackKey, key: StackKey) -> list[str]:
    """Evidence of every link between stacks ``host`` and ``key``, either way, once each."""
    out: list[str] = []
    for rec in index.records:
        if {rec.src, rec.dst} == {host, key}:
            _add_one(out, describe(rec.kind == "export", rec.via, rec.note))
    return out


def _add(table: dict[str, list[str]], name: str, evidence: str) -> None:
    _add_one(table.setdefault(name, []), evidence)


def _add_one(items: list[str], evidence: str) -> None:
    if evidence not in items:
        items.append(evidence)


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


def family_view(stack: Stack, stacks: list[Stack]) -> LinkedView | None:
    """``stack`` with the stacks it is nested with in its source: its parent, whose values its
    parameters take (the ``AWS::CloudFormation::Stack`` resource's ``Parameters``), and its nested
    stacks, which take its values. A queue the parent creates and passes down is then the nested
    function's event source in either stack's graph. None when no value is passed between them."""
    by_name = {s.name: s for s in stacks}
    parent = by_name.get(stack.parent[0]) if stack.parent is not None else None
    children = [s for s in stacks if s.parent is not None and s.parent[0] == stack.name and s is not stack]
    members = [m for m in (parent, stack, *children) if m is not None]
    if not any(_passed(m, by_name) or (m.parent is not None and m.outputs) for m in members):
        return None
    spaces: dict[str, Namespace] = {}
    used: set[str] = set()
    for member in members:
        prefix = ""
        if member is not stack:
            base = _short_name(member) if member is parent else member.parent[1]  # type: ignore[index]
            prefix = _unique_label(base, used) + "/"
        spaces[member.name] = Namespace(prefix, _defined(member), LinkResolver(member, member.parameters, None))
    view = LinkedView(stack)
    for member in members:  # a parent's GetAtt Child.Outputs.X is the nested stack's output value
        if member.parent is None or member.parent[0] not in spaces or not member.outputs:
            continue
        child_plain = dataclasses.replace(spaces[member.name], ssm_params={}, outputs={})
        holder_ns = spaces[member.parent[0]]
        given: dict[tuple[str, str], Any] = dict(holder_ns.outputs)
        for name, output in member.outputs.items():
            value = output.get("Value") if isinstance(output, dict) else None
            if value is None:
                continue
            given[member.parent[1], f"Outputs.{name}"] = rewrite(value, child_plain)
            for ref in referenced_resources(value, member.resources):
                evidence = f"output {name} of nested stack {member.parent[1]}"
                view.evidence.setdefault(spaces[member.name].name(ref), evidence)
                _add(view.direct, spaces[member.name].name(ref), evidence)
        holder_ns.outputs = given
    for member in members:  # a nested stack's parameters take its parent's values, as the parent's namespace names them
        passed = _passed(member, by_name)
        if passed and member.parent is not None and member.parent[0] in spaces:
            holder_ns = spaces[member.parent[0]]
            plain = dataclasses.replace(holder_ns, ssm_params={}, outputs={})
            values = {name: rewrite(value, plain) for name, value in passed.items() if name in member.parameters}
            spaces[member.name].ssm_params = values
            holder = by_name[member.parent[0]]
            for name, value in passed.items():
                for ref in referenced_resources(value, holder.resources):
                    evidence = f"parameter {name} of nested stack {member.parent[1]}"
                    view.evidence.setdefault(holder_ns.name(ref), evidence)
                    _add(view.direct, holder_ns.name(ref), evidence)
    return _assemble(view, [
        _Part(member, spaces[member.name], {spaces[member.name].name(k): v for k, v in member.parameters.items()
                                            if k not in spaces[member.name].ssm_params}, foreign=member is not stack)
        for member in members])


def _passed(member: Stack, by_name: dict[str, Stack]) -> dict[str, Any]:
    """The ``Parameters`` a nested stack's parent passes it (empty for a stack that is not nested)."""
    if member.parent is None:
        return {}
    parent = by_name.get(member.parent[0])
    holder = parent.resources.get(member.parent[1]) if parent is not None else None
    passed = holder.prop("Parameters") if holder is not None else None
    return passed if isinstance(passed, dict) else {}
