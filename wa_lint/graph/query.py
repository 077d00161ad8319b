"""Questions the WA2xx rules ask about execution roles, and how their messages name things."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from wa_lint.graph.effective import functions_of, permissions
from wa_lint.graph.model import Graph, shorten
from wa_lint.iam import data
from wa_lint.iam.statements import PLACEHOLDER, Statement, unscoped
from wa_lint.model import Resource

#: Global condition keys that narrow *which resources* a request may touch. Service-specific
#: keys (``iam:PassedToService``, ``dynamodb:LeadingKeys``, ``s3:prefix``, ``ec2:Vpc``…) narrow it
#: too; other global keys (``aws:SecureTransport``, ``aws:SourceIp``, time) do not.
SCOPING_GLOBAL_KEYS = ("aws:resourcetag/", "aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths")

#: An ARN's service and resource parts; region and account may be ``${…}`` placeholders (linear: no nesting).
# "${" never inside a placeholder: with [^}]* every "${" of "${${${…" scanned to the end (quadratic)
ARN_PARTS = re.compile(r"arn:[^:]*:(?P<service>[^:]*):(?:\$\{[^}$]*\}|[^:$])*:(?:\$\{[^}$]*\}|[^:$])*:(?P<rest>.*)")


@dataclass(slots=True)
class Reach:
    """One statement and the functions (through which roles) it reaches."""

    statement: Statement
    roles: list[str] = field(default_factory=list)
    functions: list[Resource] = field(default_factory=list)


def function_statements(graph: Graph) -> list[Reach]:
    """Every statement that reaches at least one function, once, with all the functions it reaches."""
    by_key: dict[str, Reach] = {}
    seen: dict[str, tuple[set[str], set[str]]] = {}
    for role_id, perms in permissions(graph).items():
        fns = functions_of(graph, role_id)
        if not fns:
            continue
        for st in perms.statements:
            reach = by_key.get(st.key)
            if reach is None:
                reach = by_key[st.key] = Reach(st)
                seen[st.key] = (set(), set())
            roles, functions = seen[st.key]
            if role_id not in roles:  # sets: an AWS managed statement reaches every role
                roles.add(role_id)
                reach.roles.append(role_id)
                for f in fns:
                    if f.logical_id not in functions:
                        functions.add(f.logical_id)
                        reach.functions.append(f)
    return list(by_key.values())


def written_statements(graph: Graph) -> list[Reach]:
    """Allow statements the user wrote (AWS managed policies are WA203's business) that reach functions."""
    return [r for r in function_statements(graph) if r.statement.allows and not r.statement.managed]


def is_action_wildcard(pattern: str) -> bool:
    """``*``, ``*:*`` or a whole service (``s3:*``): what WA201 reports."""
    return pattern in ("*", "*:*") or (pattern.endswith(":*") and pattern.count(":") == 1)


def scoping_keys(st: Statement) -> list[str]:
    """Condition keys of ``st`` that narrow the resources it applies to, or that leave the grant
    to an AWS service acting for the role (``aws:ViaAWSService`` true, ``aws:CalledVia…`` equal to
    a service): the function's own code cannot use it, and the service creates what it acts on."""
    keys = []
    for operator, block in st.conditions.items():
        if not isinstance(block, dict):
            continue
        op = str(operator).lower()
        for key, value in block.items():
            low = str(key).lower()
            if low.startswith(SCOPING_GLOBAL_KEYS) or not low.startswith("aws:") or _service_mediated(op, low, value):
                keys.append(str(key))
    return keys


def _service_mediated(operator: str, key: str, value: Any) -> bool:
    values = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
    if key == "aws:viaawsservice":
        return operator in ("bool", "boolifexists") and values == ["true"]
    if key in ("aws:calledvia", "aws:calledviafirst", "aws:calledvialast"):
        return "not" not in operator and "ifexists" not in operator and "equals" in operator and bool(values)
    return False


def unscoped_resources(st: Statement) -> list[str]:
    """The resources of ``st`` that mean "every resource" (NotResource counts as such)."""
    if st.not_resources is not None:
        return ["NotResource " + ", ".join(st.not_resources)]
    return [r for r in st.resources if unscoped(r)]


#: Action prefixes whose resources are ARNs of another service (``sts:AssumeRole`` on an IAM
#: role, the Data APIs on the database's ARN); an action's own prefix always applies.
ARN_SERVICES = {
    "sts": ("iam",),
    "kafka-cluster": ("kafka",),
    "rds-data": ("rds",),
    "redshift-data": ("redshift", "redshift-serverless"),
    "servicecatalog": ("catalog",),
    "ssm": ("ec2",),
}


def applies_to(resource: str, action: str) -> bool:
    """Whether ``resource`` (as rendered) can name a resource ``action`` acts on.

    A statement listing ``arn:aws:logs:…:log-group:*:*`` and a queue's ARN grants
    ``sqs:DeleteMessage`` on the queue only: an ARN of another service never matches an SQS
    queue. ``*``, ``NotResource`` and ARNs whose service is a placeholder or a wildcard may name
    anything."""
    if resource == "*" or resource.startswith("NotResource") or not resource.startswith("arn:"):
        return True
    parts = PLACEHOLDER.sub("\u00a7", resource).split(":")
    service = parts[2].lower() if len(parts) > 2 else ""
    if not service or data.is_glob(service) or "\u00a7" in service:
        return True
    prefix = action.split(":", 1)[0].lower()
    if data.is_glob(prefix):
        return data.matches(prefix, service)
    return service == prefix or service in ARN_SERVICES.get(prefix, ())


def granted_actions(st: Statement, skip_wildcards: bool = False) -> list[data.Action]:
    """The known actions an Allow statement grants (``NotAction``: every known action it does not
    exclude). ``skip_wildcards``: leave out what WA201 reports (``*``, ``s3:*``, ``NotAction``)."""
    if st.not_actions is not None:
        if skip_wildcards:
            return []
        if st.partial:
            return []
        excluded = st.not_actions
        return [a for a in data.expand("*") if not any(data.matches(p, a.full) for p in excluded)]
    seen: dict[str, data.Action] = {}
    for pattern in st.actions:
        if skip_wildcards and is_action_wildcard(pattern):
            continue
        for action in data.expand(pattern):
            seen.setdefault(action.full, action)
    return list(seen.values())


def may_use(graph: Graph, roles: Iterable[str | None], action: str,
            counts: Callable[[Statement], bool] = lambda _st: True) -> bool:
    """Whether one of ``roles`` may call ``action`` (``service:name``, lower case): an ``Allow``
    statement grants it and ``counts`` accepts the statement (its conditions, say). A role whose
    permissions the template does not all show (not a role of the stack, an unresolved or
    unreadable policy, an AWS managed policy without data, a statement not read whole) counts as
    may: rules stay silent on a missing permission only when the template shows it is missing."""
    perms = permissions(graph)
    for role in roles:
        found = perms.get(role) if role is not None else None
        if found is None or found.unresolved or found.unreadable or not all(m.known for m in found.managed):
            return True
        for st in found.statements:
            if st.effect == "Deny":
                continue
            if not st.allows or st.partial:
                return True
            if any(a.full.lower() == action for a in granted_actions(st)) and counts(st):
                return True
    return False


def denied_patterns(graph: Graph, roles: Iterable[str]) -> dict[str, list[str]]:
    """Per role, the action patterns an unconditional ``Deny`` on ``*`` takes away."""
    return {role: [p for p, r in pairs if r == "*"] for role, pairs in denied_arns(graph, roles).items()}


def not_denied(actions: list[data.Action], denied: dict[str, list[str]]) -> list[data.Action]:
    """Actions still granted in at least one of the roles after their unconditional denies."""
    return [a for a in actions if any(not any(data.matches(p, a.full) for p in pats) for pats in denied.values())]


def denied_arns(graph: Graph, roles: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    """Per role, ``(action pattern, resource)`` of its unconditional ``Deny`` statements."""
    perms = permissions(graph)
    return {
        role: [
            (p, r)
            for st in perms[role].statements
            if st.effect == "Deny" and st.not_actions is None and st.not_resources is None and not st.conditions
            and st.condition is None
            for p in st.actions for r in st.resources
        ]
        for role in roles
    }


def _every_arn_of(resource: str, service: str) -> bool:
    """Whether a resource as rendered names every ARN of ``service`` in any region and account:
    ``*``, ``arn:aws:sns:*:*`` (a segment's trailing ``*`` runs on past colons, so this is every
    topic), ``arn:${AWS::Partition}:sns:*:*:*``. A placeholder or a literal after the service part
    (one region, one account, ``:::`` as S3 writes it) counts as naming less."""
    if resource == "*":
        return True
    parts = PLACEHOLDER.sub("\u00a7", resource).split(":")
    if not 4 <= len(parts) <= 6 or parts[0] != "arn" or not parts[1] or "\u00a7" in parts[2]:
        return False
    return data.matches(parts[2], service) and all(p == "*" for p in parts[3:])


def granted_on_some_arn(actions: list[data.Action], denied: dict[str, list[tuple[str, str]]]) -> list[data.Action]:
    """Actions that at least one role may still use on some ARN: its unconditional denies do not
    name every ARN the action acts on (those of its own service and, for ``sts:AssumeRole`` and
    the like, of the services in :data:`ARN_SERVICES`). What is taken away may still be granted on
    targets without an ARN (an SMS phone number for ``sns:Publish``)."""
    def covered(action: data.Action, pairs: list[tuple[str, str]]) -> bool:
        services = (action.service, *ARN_SERVICES.get(action.service, ()))
        return all(any(data.matches(p, action.full) and _every_arn_of(r, s) for p, r in pairs) for s in services)

    return [a for a in actions if any(not covered(a, pairs) for pairs in denied.values())]


# -- messages -----------------------------------------------------------------------------------


def where(graph: Graph, st: Statement) -> str:
    """Where a statement is written, in the user's terms and briefly (the finding's line and code
    frame show the rest): ``inline policy "orders" of OrdersRole (statement 2)``, ``DefaultPolicy
    (statement 1)`` for a CDK policy (the function is named beside it), ``S3CrudPolicy (Policies
    entry 1)`` for a SAM policy template."""
    if st.sam_entry is not None:  # counted from 1, as statements are ("entry 1" is the first under Policies)
        entry = st.sam_entry + 1
        if st.sam_template is not None:
            return f"{st.sam_template} (Policies entry {entry})"
        return f"statement {st.index + 1} of Policies entry {entry}"
    if st.managed:
        return f"the AWS managed policy {st.policy}"
    name = graph.label(st.policy)
    res = graph.resource(st.policy)
    if res is not None and res.construct_path:
        name = name.rsplit("/", 1)[-1]
    name = shorten(name)
    if st.policy_kind == "inline":
        named = f' "{shorten(st.policy_name, 30)}"' if st.policy_name else ""
        return f"inline policy{named} of {name} (statement {st.index + 1})"
    return f"{name} (statement {st.index + 1})"


def reach_text(graph: Graph, reach: Reach) -> str:
    """The functions a statement reaches: ``ProcessFn``, ``A and B``, ``A, B and 3 more functions``
    (the statement's location names the policy, and through it the role)."""
    names = list(dict.fromkeys(graph.label(f.logical_id) for f in reach.functions))
    if len(names) > 3:
        return ", ".join(shorten(n) for n in names[:2]) + f" and {len(names) - 2} more functions"
    return graph.names(f.logical_id for f in reach.functions)


def role_names(graph: Graph, roles: list[str]) -> str:
    """Roles as users know them: the construct path for CDK, the logical id otherwise (a SAM
    function's generated role is ``<Function>Role``)."""
    names = [graph.label(r) if (res := graph.resource(r)) is not None and res.construct_path else r for r in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def located(graph: Graph, st: Statement, reach: Reach) -> Resource:
    """The resource a finding about ``st`` goes on: the policy resource that holds it, else the role."""
    res = graph.resource(st.policy) or graph.resource(reach.roles[0])
    return res if res is not None else reach.functions[0]


def short_arn(resource: str, over: int = 40) -> str:
    """An unscoped ARN longer than ``over`` without the parts that do not matter here:
    ``arn:…:secretsmanager:…:secret:*``."""
    m = ARN_PARTS.match(resource)
    if len(resource) <= over or m is None:
        return resource
    return f"arn:…:{m.group('service')}:…:{m.group('rest')}"


def short_list(items: list[str], limit: int = 6) -> str:
    """``a, b, c`` or ``a, b, c and 12 more``."""
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def condition_of(st: Statement, reach: Reach) -> str | None:
    if st.condition:
        return st.condition
    conds = {f.condition for f in reach.functions}
    return conds.pop() if len(conds) == 1 else None
