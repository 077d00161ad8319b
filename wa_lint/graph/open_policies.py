"""Resource policies that let anyone in: a query module for WA214.

Resource policies are written in many places: bucket, queue and topic policy resources (tied to
their stores by :mod:`wa_lint.graph.builders.resource_policies`), an OpenSearch domain's
``AccessPolicies``, a REST API's ``Policy`` (or ``x-amazon-apigateway-policy`` in its OpenAPI
body, which is where SAM's ``Auth.ResourcePolicy`` ends up), a KMS key's ``KeyPolicy``, an
``AWS::SecretsManager::ResourcePolicy``, an ``AWS::Events::EventBusPolicy`` (a ``Statement``, or
the older ``Principal``/``Action``/``Condition`` form) and an event bus's ``Policy``. This module
reads each document the template determines (``Fn::If`` branches each on their own; a document
the template does not determine is skipped) and answers which ``Allow`` statements name
``Principal: "*"`` (or ``{AWS: "*"}``, or use ``NotPrincipal``) with no condition that narrows who
can use them, and no ``Deny`` in the same document that narrows them instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from wa_lint.graph.builders.resource_policies import BUCKET, POLICY_TYPES, QUEUE, TOPIC, document, policies_of
from wa_lint.graph.model import Graph
from wa_lint.iam import data
from wa_lint.iam.statements import render
from wa_lint.model import Resource, mark_of
from wa_lint.values import branches

#: Condition keys that narrow *who* may use an open statement: the rule catalog's list, plus the
#: organization-path and VPC-source-IP variants and the KMS and S3 keys that pin the account.
NARROWING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourceaccount", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "aws:sourcevpc", "aws:sourcevpce", "aws:sourceip", "aws:vpcsourceip",
    "kms:calleraccount", "s3:dataaccesspointaccount", "s3:dataaccesspointarn",
})
#: Resource type → (property holding the document, how messages name the resource).
OWN_POLICIES = {
    "AWS::OpenSearchService::Domain": ("AccessPolicies", "OpenSearch domain"),
    "AWS::Elasticsearch::Domain": ("AccessPolicies", "OpenSearch domain"),
    "AWS::ApiGateway::RestApi": ("Policy", "REST API"),
    "AWS::KMS::Key": ("KeyPolicy", "KMS key"),
    "AWS::KMS::ReplicaKey": ("KeyPolicy", "KMS key"),
    "AWS::Events::EventBus": ("Policy", "event bus"),
}
STORE_NAMES = {BUCKET: "S3 bucket", QUEUE: "SQS queue", TOPIC: "SNS topic"}
SECRET_POLICY, BUS_POLICY = "AWS::SecretsManager::ResourcePolicy", "AWS::Events::EventBusPolicy"


@dataclass(slots=True)
class OpenStatement:
    """An ``Allow`` open to anyone: where it is written and what it allows."""

    policy: Resource  # the resource holding the document (a policy resource, or the store itself)
    targets: list[str]  # logical ids of the resources it governs, when known
    what: str  # "S3 bucket", "KMS key", …
    index: int  # position in the document's Statement list
    line: int | None
    principal: str  # as written: "*", "AWS: *", "NotPrincipal"
    actions: list[str]
    not_action: bool = False
    condition: str | None = None
    condition_keys: list[str] = field(default_factory=list)

    @property
    def read_only(self) -> bool:
        """Every action is known and only reads or lists."""
        if self.not_action or not self.actions:
            return False
        expanded = [data.expand(a) for a in self.actions]
        return all(found and all(a.level in (data.READ, data.LIST) for a in found) for found in expanded)


def _strings(graph: Graph, value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [t for t in (render(v, graph.resolver) for v in items) if t is not None]


def _principal(graph: Graph, body: dict[str, Any]) -> str | None:
    """``*``/``AWS: *`` when the statement names everyone, ``NotPrincipal`` for that form; else None."""
    if "NotPrincipal" in body:
        return "NotPrincipal"
    value = body.get("Principal")
    if isinstance(value, str) or (isinstance(value, dict) and "Ref" in value):
        return "*" if graph.resolver.scalar(value) == "*" else None
    if isinstance(value, dict) and "AWS" in value:
        return "AWS: *" if "*" in _strings(graph, value["AWS"]) else None
    return None


def _condition_keys(body: dict[str, Any]) -> list[str] | None:
    """The condition keys, lower case; None when the condition cannot be read (then it may narrow)."""
    cond = body.get("Condition")
    if cond is None:
        return []
    if not isinstance(cond, dict):
        return None
    keys: list[str] = []
    for block in cond.values():
        if not isinstance(block, dict):
            return None
        keys.extend(str(k).lower() for k in block)
    return keys


def _covers(deny: list[str], allowed: list[str]) -> bool:
    """Whether the deny patterns cover every allowed pattern (as text: ``s3:*`` covers ``s3:Get*``)."""
    return all(any(d == "*" or data.matches(d, a) for d in deny) for a in allowed)


def _open_statements(graph: Graph, doc: dict[str, Any], cond: str | None) -> Iterator[tuple[int, dict[str, Any],
                                                                                          str, str | None]]:
    """(index, statement, principal, condition) of each open Allow no narrowing Deny takes back."""
    raw = doc.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    bodies = [(i, c, b) for i, item in enumerate(items) for c, b in branches(item, cond) if isinstance(b, dict)]
    narrowing_denies: list[list[str]] = []
    for _i, _c, body in bodies:
        keys = _condition_keys(body)
        if graph.resolver.scalar(body.get("Effect")) == "Deny" and "NotAction" not in body and (
                keys is None or any(k in NARROWING_KEYS for k in keys)):
            narrowing_denies.append(_strings(graph, body.get("Action")))
    for index, c, body in bodies:
        if graph.resolver.scalar(body.get("Effect")) != "Allow":
            continue
        principal = _principal(graph, body)
        keys = _condition_keys(body)
        if principal is None or keys is None or any(k in NARROWING_KEYS for k in keys):
            continue
        actions = _strings(graph, body.get("NotAction" if "NotAction" in body else "Action"))
        if "NotAction" not in body and any(_covers(d, actions) for d in narrowing_denies):
            continue
        yield index, body, principal, c


def _statements(graph: Graph, holder: Resource, value: Any, what: str, targets: list[str]) -> Iterator[OpenStatement]:
    for cond, alt in branches(value, holder.condition):
        doc = document(graph, alt)
        if not isinstance(doc, dict):
            continue
        for index, body, principal, st_cond in _open_statements(graph, doc, cond):
            not_action = "NotAction" in body
            actions = _strings(graph, body.get("NotAction" if not_action else "Action"))
            mark = mark_of(body)
            line = mark.line if mark is not None and holder.source_resource is None else None
            yield OpenStatement(holder, targets, what, index, line, principal, actions, not_action, st_cond,
                                _condition_keys(body) or [])


def _store_targets(graph: Graph) -> dict[str, list[str]]:
    """Policy resource → the buckets, queues and topics it is attached to."""
    found: dict[str, list[str]] = {}
    for store in graph.of_type(BUCKET, QUEUE, TOPIC, include_internal=True):
        for attached in policies_of(graph, store.logical_id):
            found.setdefault(attached.policy, []).append(store.logical_id)
    return found


def _legacy_bus_statement(graph: Graph, res: Resource) -> Iterator[OpenStatement]:
    """``AWS::Events::EventBusPolicy`` without ``Statement``: ``Principal: "*"`` is any account;
    its ``Condition`` is one ``{Type, Key, Value}``."""
    if graph.resolver.scalar(res.prop("Principal")) != "*":
        return
    cond = res.prop("Condition")
    key = graph.resolver.scalar(cond.get("Key")) if isinstance(cond, dict) else None
    if cond is not None and (not isinstance(key, str) or key.lower() in NARROWING_KEYS):
        return
    action = _strings(graph, res.prop("Action")) or ["events:PutEvents"]
    targets = [t for t in [graph.target(res.prop("EventBusName"))] if t]
    yield OpenStatement(res, targets, "event bus", 0, res.prop_line("Principal"), "*", action, False, res.condition,
                        [key.lower()] if isinstance(key, str) else [])


def open_statements(graph: Graph) -> list[OpenStatement]:
    """Every open ``Allow`` in the resource policies of this stack, in template order."""
    found: list[OpenStatement] = []
    targets = _store_targets(graph)
    for ptype, (_prop, store_type, _name) in POLICY_TYPES.items():
        for res in graph.of_type(ptype):
            found.extend(_statements(graph, res, res.prop("PolicyDocument"), STORE_NAMES[store_type],
                                     targets.get(res.logical_id, [])))
    for rtype, (prop, what) in OWN_POLICIES.items():
        for res in graph.of_type(rtype):
            found.extend(_statements(graph, res, res.prop(prop), what, [res.logical_id]))
            if rtype == "AWS::ApiGateway::RestApi":
                body = res.prop("Body")
                if isinstance(body, dict) and "x-amazon-apigateway-policy" in body:
                    found.extend(_statements(graph, res, body["x-amazon-apigateway-policy"], what,
                                             [res.logical_id]))
    for res in graph.of_type(SECRET_POLICY):
        found.extend(_statements(graph, res, res.prop("ResourcePolicy"), "secret",
                                 [t for t in [graph.target(res.prop("SecretId"))] if t]))
    for res in graph.of_type(BUS_POLICY):
        if res.prop("Statement") is not None:
            targets_bus = [t for t in [graph.target(res.prop("EventBusName"))] if t]
            found.extend(_statements(graph, res, {"Statement": [res.prop("Statement")]}, "event bus", targets_bus))
        else:
            found.extend(_legacy_bus_statement(graph, res))
    return found


def is_website(res: Resource | None) -> bool:
    """An S3 bucket that serves a static website (``WebsiteConfiguration``)."""
    return res is not None and res.type == BUCKET and res.prop("WebsiteConfiguration") is not None
