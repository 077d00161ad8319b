"""Which statements let a function read data on every resource of a kind: a query module for WA207.

"Reading data" is a short, fixed list of actions that return the contents of a store (an S3
object, a DynamoDB item, a secret value, an SSM parameter, a KMS decryption, an SQS message, a
Kinesis record), not its configuration. A statement grants one of them "everywhere" when its
resource is ``*``, an ARN of that service whose resource part is only wildcards
(``arn:aws:s3:::*/*``, ``…:table/*``), or ``NotResource``; a name or a prefix of one resource
scopes it. Statements are read from the effective permissions (:mod:`wa_lint.graph.effective`), so
AWS managed policies count with their current documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from wa_lint.graph.effective import ManagedRef, functions_of, permissions
from wa_lint.graph.model import Graph
from wa_lint.graph.query import (
    Reach,
    denied_patterns,
    is_action_wildcard,
    not_denied,
    scoping_keys,
    unscoped_resources,
    written_statements,
)
from wa_lint.iam import data
from wa_lint.iam.statements import PLACEHOLDER, Statement
from wa_lint.model import Resource

#: Action → what a message calls the store it reads ("the data of every bucket").
DATA_READS = {
    "s3:GetObject": "bucket",
    "s3:GetObjectVersion": "bucket",
    "dynamodb:GetItem": "table",
    "dynamodb:BatchGetItem": "table",
    "dynamodb:Query": "table",
    "dynamodb:Scan": "table",
    "dynamodb:PartiQLSelect": "table",
    "secretsmanager:GetSecretValue": "secret",
    "ssm:GetParameter": "SSM parameter",
    "ssm:GetParameters": "SSM parameter",
    "ssm:GetParametersByPath": "SSM parameter",
    "ssm:GetParameterHistory": "SSM parameter",
    "kms:Decrypt": "KMS key",
    "sqs:ReceiveMessage": "queue",
    "kinesis:GetRecords": "stream",
}
SERVICES = frozenset(a.split(":", 1)[0] for a in DATA_READS)
#: AWS managed policies WA203 reports by name: WA207 leaves them to it.
ADMIN_POLICIES = frozenset({"AdministratorAccess", "PowerUserAccess", "IAMFullAccess"})
#: AWS's execution-role policies for event source mapping pollers. The SAM translator attaches
#: them to every function with an SQS, Kinesis, DynamoDB or MSK event, whatever the user writes,
#: and the poller's reads on ``*`` are what AWS designed them for: not actionable, not reported.
POLLER_POLICIES = frozenset({"AWSLambdaSQSQueueExecutionRole", "AWSLambdaKinesisExecutionRole",
                             "AWSLambdaDynamoDBExecutionRole", "AWSLambdaMSKExecutionRole"})


def reported_by_wa203(name: str) -> bool:
    """Whether WA203 already reports this AWS managed policy (admin-like or ``*FullAccess``)."""
    return name in ADMIN_POLICIES or name.endswith("FullAccess")


@dataclass(slots=True)
class WideRead:
    """Data reads one statement (or one AWS managed policy) grants on every resource of a kind."""

    actions: list[str]  # as DATA_READS spells them
    resources: list[str]  # the unscoped resources as written

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(DATA_READS[a] for a in self.actions))


@dataclass(slots=True)
class ManagedRead:
    """An AWS managed policy on a role that reads data everywhere."""

    role: Resource
    ref: ManagedRef
    functions: list[Resource]
    read: WideRead


def _service_may_match(pattern: str) -> bool:
    service = pattern.split(":", 1)[0].lower()
    return data.is_glob(service) or service in SERVICES


def _applies(resource: str, action: str) -> bool:
    """Whether an unscoped resource can name resources of the action's service."""
    if resource == "*" or resource.startswith("NotResource"):
        return True
    parts = PLACEHOLDER.sub("x", resource).split(":")
    service = parts[2] if len(parts) > 2 else ""
    return data.matches(service or "*", action.split(":", 1)[0])


@cache
def _granted(actions: tuple[str, ...], not_actions: tuple[str, ...] | None) -> tuple[str, ...]:
    """The data reads a statement's action list grants (``NotAction``: those it does not exclude)."""
    if not_actions is not None:
        return tuple(a for a in DATA_READS if not any(data.matches(p, a) for p in not_actions))
    patterns = [p for p in actions if _service_may_match(p)]
    return tuple(a for a in DATA_READS if any(data.matches(p, a) for p in patterns))


def wide_read(st: Statement, skip_wildcards: bool) -> WideRead | None:
    """The data reads an Allow statement grants on every resource of a kind, or None.

    ``skip_wildcards``: leave out what WA201 reports (``*``, ``s3:*``, ``NotAction``). A
    resource-scoping condition (``aws:ResourceTag/…``, a service key such as ``kms:ViaService``)
    means the statement does not reach everything."""
    if not st.allows or scoping_keys(st):
        return None
    wide = unscoped_resources(st)
    if not wide:
        return None
    if skip_wildcards and (st.not_actions is not None or any(is_action_wildcard(a) for a in st.actions)):
        return None
    actions = [a for a in _granted(st.actions, st.not_actions) if any(_applies(r, a) for r in wide)]
    if not actions:
        return None
    resources = [r for r in wide if any(_applies(r, a) for a in actions)]
    return WideRead(actions, resources)


def _not_denied(graph: Graph, roles: list[str], actions: list[str]) -> list[str]:
    known = {a.full.lower(): a for name in actions for a in data.expand(name)}
    kept = not_denied(list(known.values()), denied_patterns(graph, roles))
    names = {a.full.lower() for a in kept}
    # an action the data set does not know cannot be denied by pattern here: keep it
    return [a for a in actions if a.lower() in names or a.lower() not in known]


def written_wide_reads(graph: Graph) -> list[tuple[Reach, WideRead]]:
    """Statements the user wrote that let functions read data everywhere (WA201's wildcards left out)."""
    found = []
    for reach in written_statements(graph):
        read = wide_read(reach.statement, skip_wildcards=True)
        if read is None:
            continue
        read.actions = _not_denied(graph, reach.roles, read.actions)
        if read.actions:
            found.append((reach, read))
    return found


def managed_wide_reads(graph: Graph) -> list[ManagedRead]:
    """AWS managed policies on execution roles that read data everywhere, except those WA203 reports."""
    found = []
    for role_id, perms in permissions(graph).items():
        fns = functions_of(graph, role_id)
        if not fns:
            continue
        for ref in perms.managed:
            if not ref.known or reported_by_wa203(ref.name) or ref.name in POLLER_POLICIES:
                continue
            actions: list[str] = []
            resources: list[str] = []
            for st in perms.statements:
                if st.policy != ref.name or not st.managed or st.condition != ref.condition:
                    continue
                read = wide_read(st, skip_wildcards=False)
                if read is not None:
                    actions += [a for a in read.actions if a not in actions]
                    resources += [r for r in read.resources if r not in resources]
            actions = _not_denied(graph, [role_id], actions)
            if actions:
                role = graph.stack.resources[role_id]
                found.append(ManagedRead(role, ref, fns, WideRead(actions, resources)))
    return found
