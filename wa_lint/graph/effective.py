"""Effective permissions of every role in a stack: each statement that reaches it, and from where.

Statements reach a role through its inline ``Policies``, its ``ManagedPolicyArns`` (AWS managed
policies, from data, or ``AWS::IAM::ManagedPolicy`` resources of the stack), and
``AWS::IAM::Policy``/``ManagedPolicy``/``RolePolicy`` resources that name it in ``Roles`` /
``RoleName`` (CDK's ``DefaultPolicy``). SAM ``Policies`` arrive already expanded by the
translator as inline policies and managed ARNs; the policy template is recovered by
:mod:`wa_lint.iam.sam_templates`.

Computed once per graph (:func:`permissions`) and shared by the ``grants`` builder and the rules.
A statement held by a policy resource attached to several roles is one :class:`Statement` object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wa_lint.graph.model import FUNCTION, Graph
from wa_lint.iam import data
from wa_lint.iam.sam_templates import entry_index, template_name
from wa_lint.iam.statements import Statement, render, statements_of
from wa_lint.model import Resource, mark_of
from wa_lint.values import branches

ROLE = "AWS::IAM::Role"
POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
ROLE_POLICY = "AWS::IAM::RolePolicy"


@dataclass(slots=True)
class ManagedRef:
    """An AWS managed policy attached to a role: its name and ARN as rendered, where it is written,
    and the template condition that attaches it. ``known``: the data set has its document."""

    name: str
    arn: str
    line: int
    condition: str | None
    known: bool


@dataclass(slots=True)
class RolePermissions:
    role: str
    statements: list[Statement] = field(default_factory=list)
    managed: list[ManagedRef] = field(default_factory=list)
    unresolved: int = 0  # attachments that could not be resolved (imports, parameters)
    unreadable: list[str] = field(default_factory=list)  # policies (logical ids) whose document cannot be read


def permissions(graph: Graph) -> dict[str, RolePermissions]:
    """Role logical id → its effective permissions, for every role of the stack (cached)."""
    return graph.memo("wa_lint.graph.effective.permissions", lambda: _Collector(graph).collect())


def functions_of(graph: Graph, role: str) -> list[Resource]:
    """The functions (CDK internals excluded) that run as ``role``, in template order."""
    out = []
    for edge in graph.in_edges(role, "executes_as"):
        res = graph.resource(edge.src)
        if res is not None and res.type == FUNCTION and not res.internal:
            out.append(res)
    return out


class _Collector:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.resolver = graph.resolver
        self.result: dict[str, RolePermissions] = {
            r.logical_id: RolePermissions(r.logical_id) for r in graph.of_type(ROLE, include_internal=True)
        }
        self._docs: dict[str, list[Statement]] = {}
        self._managed: dict[tuple[str, int], list[Statement]] = {}  # AWS managed policy statements by (key, line)

    def collect(self) -> dict[str, RolePermissions]:
        for role_id, perms in self.result.items():
            role = self.graph.stack.resources[role_id]
            self._inline(role, perms)
            self._managed_arns(role, perms)
        for res in self.graph.of_type(*POLICY_TYPES, include_internal=True):
            for role_id, cond in self._attached_roles(res.prop("Roles"), res.condition):
                self._attach(self.result[role_id], res, cond)
        for res in self.graph.of_type(ROLE_POLICY, include_internal=True):
            for role_id, cond in self._attached_roles([res.prop("RoleName")], res.condition):
                self._attach(self.result[role_id], res, cond)
        return self.result

    # -- sources ---------------------------------------------------------------------------
    def _inline(self, role: Resource, perms: RolePermissions) -> None:
        policies = role.prop("Policies")
        if not isinstance(policies, list):
            return
        sam_role = role.source_resource is not None and role.logical_id == f"{role.source_resource}Role"
        for i, entry in enumerate(policies):
            for cond, policy in branches(entry, role.condition):
                if not isinstance(policy, dict):
                    continue
                name = policy.get("PolicyName")
                name_text = render(name, self.resolver)
                document = policy.get("PolicyDocument")
                if not readable(document):
                    perms.unreadable.append(role.logical_id)
                mark = mark_of(policy)
                statements = list(statements_of(
                    document, self.resolver, key=f"{role.logical_id}.Policies[{i}]", policy=role.logical_id,
                    policy_kind="inline", policy_name=name_text, line=mark.line if mark else role.line,
                    condition=cond,
                ))
                if sam_role:
                    index = entry_index(role.logical_id, name)
                    template = template_name(document) if index is not None else None
                    for st in statements:
                        st.sam_entry, st.sam_template = index, template
                perms.statements.extend(statements)

    def _managed_arns(self, role: Resource, perms: RolePermissions) -> None:
        arns = role.prop("ManagedPolicyArns")
        if not isinstance(arns, list):
            return
        line = role.prop_line("ManagedPolicyArns")
        for value in arns:
            for cond, arn in branches(value, role.condition):
                if arn is None:
                    continue
                target = self.graph.target(arn)
                res = self.graph.resource(target)
                if res is not None and res.type == "AWS::IAM::ManagedPolicy":
                    self._attach(perms, res, cond)
                    continue
                text = render(arn, self.resolver)
                name = data.managed_policy_name(text) if text else None
                if name is None:
                    perms.unresolved += 1
                    continue
                document = data.managed_policy(name)
                perms.managed.append(ManagedRef(name, text or name, line, cond, document is not None))
                if document is not None:
                    perms.statements.extend(self._managed_statements(name, line, cond, document))

    def _managed_statements(self, name: str, line: int, cond: str | None, document: Any) -> list[Statement]:
        """Shared by the roles that attach ``name`` on one line (each role's statements carry the
        line of its own ``ManagedPolicyArns``; SAM's generated roles all attach the basic policy)."""
        key = f"aws-managed:{name}" + (f"?{cond}" if cond else "")
        if (key, line) not in self._managed:
            self._managed[key, line] = list(statements_of(document, self.resolver, key=key, policy=name,
                                                          policy_kind="aws-managed", policy_name=name, line=line,
                                                          condition=cond))
        return self._managed[key, line]

    def _attach(self, perms: RolePermissions, res: Resource, cond: str | None) -> None:
        """The statements of a policy resource reach the role (an unreadable document is noted)."""
        if not readable(res.prop("PolicyDocument")):
            perms.unreadable.append(res.logical_id)
        perms.statements.extend(self._resource_statements(res, cond))

    def _resource_statements(self, res: Resource, cond: str | None) -> list[Statement]:
        key = res.logical_id + (f"?{cond}" if cond and cond != res.condition else "")
        if key not in self._docs:
            name = render(res.prop("PolicyName") or res.prop("ManagedPolicyName"), self.resolver)
            self._docs[key] = list(statements_of(res.prop("PolicyDocument"), self.resolver, key=key,
                                                 policy=res.logical_id, policy_kind=res.type, policy_name=name,
                                                 line=res.prop_line("PolicyDocument"), condition=cond))
        return self._docs[key]

    def _attached_roles(self, roles: Any, condition: str | None) -> list[tuple[str, str | None]]:
        """Roles of this stack a policy resource names (``Roles: [!Ref Role]``; ``RoleName``)."""
        found: list[tuple[str, str | None]] = []
        if not isinstance(roles, list):
            return found
        for value in roles:
            for cond, item in branches(value, condition):
                role = self.graph.target(item) if item is not None else None
                if role in self.result:
                    found.append((role, cond))
        return found


def readable(document: Any) -> bool:
    """Whether every ``Fn::If`` alternative of a policy document, and of each of its statements,
    is a mapping (or absent): an import, a parameter or a string hides what the policy allows."""
    for _cond, doc in branches(document):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            return False
        raw = doc.get("Statement")
        for item in raw if isinstance(raw, list) else [raw]:
            if any(st is not None and not isinstance(st, dict) for _c, st in branches(item)):
                return False
    return True
