"""What a function's execution role allows, read straight from the template (kept deliberately small).

Statements reach a function through its role's inline ``Policies`` (SAM writes expanded policy
templates there), ``AWS::IAM::Policy`` / ``ManagedPolicy`` / ``RolePolicy`` resources attached to
the role, and in-template managed policies named in ``ManagedPolicyArns``. AWS managed policies
are not expanded: the few that only grant logging, tracing, VPC networking or reading the
function's own event source are known to be harmless here; any other one makes the picture
*incomplete*, and callers must then not claim the function can do only one thing.

This belongs in the ``grants`` edges once they exist (``wa_lint/graph/builders/grants.py``); until
then the cost rules read permissions through this module only.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

from wa_lint.graph.model import Graph
from wa_lint.model import Resource
from wa_lint.values import branches, intrinsic

POLICY_TYPES = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy")
#: AWS managed policies that only grant logs, X-Ray, ENIs or reading the event source.
SUPPORT_MANAGED = frozenset(
    {
        "service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole",
        "service-role/AWSLambdaENIManagementAccess", "AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess",
        "CloudWatchLambdaInsightsExecutionRolePolicy", "service-role/AWSLambdaSQSQueueExecutionRole",
        "service-role/AWSLambdaKinesisExecutionRole", "service-role/AWSLambdaDynamoDBExecutionRole",
        "service-role/AWSLambdaMSKExecutionRole",
    }
)
#: Actions a function needs whatever it does: logging, tracing, metrics, VPC networking, keys.
SUPPORT_SERVICES = frozenset({"logs", "xray"})
SUPPORT_ACTIONS = frozenset(
    {
        "cloudwatch:putmetricdata", "ec2:createnetworkinterface", "ec2:describenetworkinterfaces",
        "ec2:deletenetworkinterface", "ec2:assignprivateipaddresses", "ec2:unassignprivateipaddresses",
        "ec2:describesubnets", "ec2:describesecuritygroups", "ec2:describevpcs", "kms:decrypt", "kms:encrypt",
        "kms:generatedatakey", "kms:generatedatakey*", "kms:describekey", "kms:reencrypt*",
        "sqs:getqueueurl", "sqs:getqueueattributes", "sns:gettopicattributes", "dynamodb:describetable",
        "kinesis:describestream", "kinesis:describestreamsummary", "kinesis:listshards",
        "firehose:describedeliverystream", "states:describestatemachine",
    }
)
#: Reading an event source (what an event source mapping needs): harmless for a consumer.
SOURCE_READ_ACTIONS = frozenset(
    {
        "sqs:receivemessage", "sqs:deletemessage", "sqs:deletemessagebatch", "sqs:changemessagevisibility",
        "sqs:changemessagevisibilitybatch", "kinesis:getrecords", "kinesis:getsharditerator",
        "kinesis:subscribetoshard", "kinesis:liststreams", "kinesis:describestreamconsumer",
        "kinesis:listtagsforstream", "dynamodb:describestream", "dynamodb:getrecords",
        "dynamodb:getsharditerator", "dynamodb:liststreams",
    }
)


@dataclass(frozen=True, slots=True)
class Grant:
    """One allowed action on one resource value (a template value, or ``"*"``)."""

    action: str
    resource: Any
    policy: str  # logical id of the role or policy resource that says so


@dataclass(slots=True)
class Permissions:
    """The grants reaching a function; ``incomplete`` says why they may not be all of them."""

    role: str | None
    grants: list[Grant] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)  # resources the grants come from


def is_support(action: str) -> bool:
    """Logging, tracing, networking, keys, and describe/lookup calls that accompany any action."""
    lowered = action.lower()
    service = lowered.split(":", 1)[0]
    return service in SUPPORT_SERVICES or lowered in SUPPORT_ACTIONS


def is_source_read(action: str) -> bool:
    return action.lower() in SOURCE_READ_ACTIONS


_attached: weakref.WeakKeyDictionary[Graph, dict[str, list[Resource]]] = weakref.WeakKeyDictionary()


def _attachments(graph: Graph) -> dict[str, list[Resource]]:
    """Role logical id → policy resources attached to it (built once per graph)."""
    found = _attached.get(graph)
    if found is None:
        found = {}
        for policy in graph.of_type(*POLICY_TYPES, include_internal=True):
            roles = policy.prop("Roles")
            values = roles if isinstance(roles, list) else [policy.prop("RoleName")]
            for value in values:
                role = graph.target(value)
                if role is not None:
                    found.setdefault(role, []).append(policy)
        _attached[graph] = found
    return found


def _as_list(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, str) or intrinsic(value) is not None:
        return [value]
    return None


def _statements(document: Any) -> list[dict[str, Any]] | None:
    """The statements of a policy document, both ``Fn::If`` branches included; None if unreadable."""
    out: list[dict[str, Any]] = []
    for _cond, doc in branches(document):
        if doc is None:
            continue
        if not isinstance(doc, dict):
            return None
        statement = doc.get("Statement")
        items = statement if isinstance(statement, list) else [statement]
        for item in items:
            for _c, st in branches(item):
                if isinstance(st, dict):
                    out.append(st)
                elif st is not None:
                    return None
    return out


def _read(graph: Graph, document: Any, source: str, perms: Permissions) -> None:
    statements = _statements(document)
    if statements is None:
        perms.incomplete.append(f"the policy document of {source} cannot be read")
        return
    perms.policies.append(source)
    for st in statements:
        effect = graph.resolver.scalar(st.get("Effect"))
        if effect == "Deny":
            continue
        if "NotAction" in st or "NotResource" in st:
            perms.incomplete.append(f"{source} uses NotAction/NotResource")
            continue
        actions = _as_list(st.get("Action"))
        resources = _as_list(st.get("Resource"))
        if actions is None or resources is None:
            perms.incomplete.append(f"{source} has a statement that cannot be read")
            continue
        for action in actions:
            name = graph.resolver.scalar(action)
            if not isinstance(name, str):
                perms.incomplete.append(f"{source} grants an action that is not a literal")
                continue
            for resource in resources:
                known = graph.resolver.scalar(resource)
                perms.grants.append(Grant(name, "*" if known == "*" else resource, source))


def _managed(graph: Graph, arn: Any, role: str, perms: Permissions) -> None:
    local = graph.target(arn)
    res = graph.resource(local)
    if res is not None and res.type == "AWS::IAM::ManagedPolicy":
        _read(graph, res.prop("PolicyDocument"), res.logical_id, perms)
        return
    known = graph.resolver.scalar(arn)
    if known is None:  # AWS::NoValue
        return
    if isinstance(known, str) and ":iam::aws:policy/" in known:
        name = known.split(":iam::aws:policy/", 1)[1]
        if name in SUPPORT_MANAGED:
            return
        perms.incomplete.append(f"{role} has the AWS managed policy {name}")
        return
    perms.incomplete.append(f"{role} has a managed policy that is not in the template")


def function_permissions(graph: Graph, fn: Resource) -> Permissions:
    """Everything the template lets us see about what ``fn`` may call."""
    role = graph.role_of(fn)
    perms = Permissions(role)
    res = graph.resource(role)
    if res is None:
        perms.incomplete.append("its role is not defined in the template")
        return perms
    for _cond, policies in branches(res.prop("Policies")):
        listed = _as_list(policies) if policies is not None else []
        for entry in listed or []:
            for _c, policy in branches(entry):
                if isinstance(policy, dict):
                    _read(graph, policy.get("PolicyDocument"), role or "", perms)
    for _cond, arns in branches(res.prop("ManagedPolicyArns")):
        for arn in _as_list(arns) or []:
            _managed(graph, arn, role or "", perms)
    for policy in _attachments(graph).get(role or "", []):
        _read(graph, policy.prop("PolicyDocument"), policy.logical_id, perms)
    return perms
