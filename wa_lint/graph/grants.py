"""What a function's role is granted, read from the ``grants`` edges (for the glue evidence, WA401–WA404).

The edges come from :func:`wa_lint.graph.effective.permissions`, the query the WA2xx rules ask, so
the two families cannot disagree about what a role may do. AWS managed policies are weighed, not
expanded: the few that only grant logging, tracing, VPC networking or reading the function's own
event source are harmless here; any other one makes the picture *incomplete*, and callers must
then not claim the function can do only one thing. So do ``NotAction``/``NotResource``, a document
or a statement that cannot be read, and an attachment the template does not resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wa_lint.graph.effective import permissions
from wa_lint.graph.model import Graph
from wa_lint.iam.statements import Statement
from wa_lint.model import Resource

#: AWS managed policies that only grant logs, X-Ray, ENIs or reading the event source.
SUPPORT_MANAGED = frozenset(
    {
        "service-role/AWSLambdaBasicExecutionRole", "service-role/AWSLambdaVPCAccessExecutionRole",
        "service-role/AWSLambdaENIManagementAccess", "AWSXRayDaemonWriteAccess", "AWSXrayWriteOnlyAccess",
        "CloudWatchLambdaInsightsExecutionRolePolicy", "service-role/AWSLambdaSQSQueueExecutionRole",
        "service-role/AWSLambdaKinesisExecutionRole", "service-role/AWSLambdaDynamoDBExecutionRole",
        "service-role/AWSLambdaMSKExecutionRole",
    }
)  # fmt: skip
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
)  # fmt: skip
#: Reading an event source (what an event source mapping needs): harmless for a consumer.
SOURCE_READ_ACTIONS = frozenset(
    {
        "sqs:receivemessage", "sqs:deletemessage", "sqs:deletemessagebatch", "sqs:changemessagevisibility",
        "sqs:changemessagevisibilitybatch", "kinesis:getrecords", "kinesis:getsharditerator",
        "kinesis:subscribetoshard", "kinesis:liststreams", "kinesis:describestreamconsumer",
        "kinesis:listtagsforstream", "dynamodb:describestream", "dynamodb:getrecords",
        "dynamodb:getsharditerator", "dynamodb:liststreams",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Grant:
    """One allowed action on one node: a resource of the stack, ``external:…``, or ``"*"``."""

    action: str
    target: str
    policy: str  # logical id of the role or policy resource that says so


@dataclass(slots=True)
class FunctionGrants:
    """The grants reaching a function; ``incomplete`` says why they may not be all of them."""

    role: str | None
    grants: list[Grant] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)


def is_support(action: str) -> bool:
    """Logging, tracing, networking, keys, and describe/lookup calls that accompany any action."""
    lowered = action.lower()
    service = lowered.split(":", 1)[0]
    return service in SUPPORT_SERVICES or lowered in SUPPORT_ACTIONS


def is_source_read(action: str) -> bool:
    return action.lower() in SOURCE_READ_ACTIONS


def _counts(st: Statement) -> bool:
    """Whether a statement adds grants: written in the template (managed ones are weighed by
    name) and not a Deny (an unknown effect may be Allow)."""
    return not st.managed and st.effect != "Deny"


def _unreadable(st: Statement) -> str | None:
    if st.not_actions is not None or st.not_resources is not None:
        return f"{st.policy} uses NotAction/NotResource"
    if any("${" in a for a in st.actions):
        return f"{st.policy} grants an action that is not a literal"
    if st.partial or not st.actions or not st.resources:
        return f"{st.policy} has a statement that cannot be read"
    return None


def function_grants(graph: Graph, fn: Resource) -> FunctionGrants:
    """Everything the template lets us see about what ``fn`` may call: the ``grants`` edges of
    its role, by statement, action and target."""
    role = graph.role_of(fn)
    found = FunctionGrants(role)
    role_perms = permissions(graph).get(role) if role is not None else None
    if role is None or role_perms is None:
        found.incomplete.append("its role is not defined in the template")
        return found
    found.incomplete.extend(f"the policy document of {p} cannot be read" for p in role_perms.unreadable)
    statements = {st.key: st for st in role_perms.statements if _counts(st)}
    found.incomplete.extend(r for st in statements.values() if (r := _unreadable(st)) is not None)
    for ref in role_perms.managed:
        name = ref.arn.split(":iam::aws:policy/", 1)[-1]  # with its path: service-role/…
        if name not in SUPPORT_MANAGED:
            found.incomplete.append(f"{role} has the AWS managed policy {name}")
    if role_perms.unresolved:
        found.incomplete.append(f"{role} has a managed policy that is not in the template")
    for edge in graph.out_edges(role, "grants"):
        st = statements.get(edge.via or "")
        if st is None or _unreadable(st) is not None:
            continue
        target = "*" if edge.dst == "external:*" else edge.dst
        found.grants.extend(Grant(action, target, st.policy) for action in st.actions)
    return found
