"""Which resource policies govern each S3 bucket, SQS queue and SNS topic.

A policy resource names its targets in its own way: ``AWS::S3::BucketPolicy.Bucket`` (a bucket
name), ``AWS::SQS::QueuePolicy.Queues`` (queue URLs: ``Ref`` of a queue is its URL),
``AWS::SQS::QueueInlinePolicy.Queue``, ``AWS::SNS::TopicPolicy.Topics`` (topic ARNs: ``Ref`` of a
topic is its ARN) and ``AWS::SNS::TopicInlinePolicy.TopicArn``. Targets are matched by reference
first, then by literal name (``BucketName``, the URL's last segment against ``QueueName``, the
ARN's last segment against ``TopicName``), then by writing the very same value as the bucket's
``BucketName``.

The vocabulary has no edge kind for "is governed by", so the result is kept as node attributes:
``resource_policies`` on each store node (a list of :class:`AttachedPolicy`), and on the graph
(``graph.attrs["unattributed_policies"]``) the policies whose target is not a store of this
stack, by store type, so that rules can stay silent when such a policy may be the one that counts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import walk
from wa_lint.graph.model import Graph
from wa_lint.model import Resource, Unknown
from wa_lint.values import branches, referenced_resources

BUCKET, QUEUE, TOPIC = "AWS::S3::Bucket", "AWS::SQS::Queue", "AWS::SNS::Topic"

#: Policy resource type → (property naming the targets, target type, name property of the target).
POLICY_TYPES: dict[str, tuple[str, str, str]] = {
    "AWS::S3::BucketPolicy": ("Bucket", BUCKET, "BucketName"),
    "AWS::SQS::QueuePolicy": ("Queues", QUEUE, "QueueName"),
    "AWS::SQS::QueueInlinePolicy": ("Queue", QUEUE, "QueueName"),
    "AWS::SNS::TopicPolicy": ("Topics", TOPIC, "TopicName"),
    "AWS::SNS::TopicInlinePolicy": ("TopicArn", TOPIC, "TopicName"),
}
NODE_ATTRIBUTE = "resource_policies"
GRAPH_ATTRIBUTE = "unattributed_policies"


def _last_segment(arn: str) -> str:
    """The name after the last ``/`` or ``:`` (a queue or topic name in its ARN or URL); string
    operations, since ``[^/:]+$`` searched over ``aaa…/`` is quadratic."""
    arn = arn.rstrip("/")
    return arn[max(arn.rfind("/"), arn.rfind(":")) + 1 :]


@dataclass(frozen=True, slots=True)
class AttachedPolicy:
    """A policy document and the stores it is attached to. ``document`` is the parsed mapping,
    or an :class:`Unknown` when the template does not determine it (``Fn::If``, ``Fn::Sub`` text)."""

    policy: str
    document: dict[str, Any] | Unknown
    targets: tuple[str, ...]
    condition: str | None = None


def policies_of(graph: Graph, store: str) -> list[AttachedPolicy]:
    """The resource policies attached to a bucket, queue or topic of this stack."""
    if not graph.has_node(store):
        return []
    found: list[AttachedPolicy] = graph.node(store).get(NODE_ATTRIBUTE, [])
    return found


def unattributed_policies(graph: Graph, store_type: str) -> list[AttachedPolicy]:
    """Policies for stores of ``store_type`` whose target is not (or not known to be) in this stack."""
    table: dict[str, list[AttachedPolicy]] = graph.attrs.get(GRAPH_ATTRIBUTE, {})
    return table.get(store_type, [])


def document(graph: Graph, value: Any) -> dict[str, Any] | Unknown:
    """A policy document as a mapping: inline, or a JSON string; otherwise unknown."""
    if isinstance(value, dict) and ("Statement" in value or "Version" in value):
        return value
    known = graph.resolver.resolve(value) if not isinstance(value, str) else value
    if isinstance(known, str):
        try:
            parsed = json.loads(known)
        except (ValueError, RecursionError):  # also a 5,000-digit number or absurd nesting
            return Unknown("policy document is not JSON")
        return parsed if isinstance(parsed, dict) else Unknown("policy document is not a mapping")
    return Unknown("policy document not determined by the template")


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class _Names:
    """Literal and written names of the stores of one type, for targets given as text."""

    def __init__(self, graph: Graph, store_type: str, name_prop: str) -> None:
        self.literal: dict[str, str] = {}
        self.written: dict[str, str] = {}
        for res in graph.of_type(store_type, include_internal=True):
            raw = res.prop(name_prop)
            if raw is None:
                continue
            known = graph.resolver.scalar(raw)
            if isinstance(known, str) and known:
                self.literal[known] = res.logical_id
            if isinstance(raw, dict):
                self.written.setdefault(_key(raw), res.logical_id)

    def match(self, graph: Graph, value: Any, store_type: str) -> str | None:
        if isinstance(value, dict) and _key(value) in self.written:
            return self.written[_key(value)]
        known = graph.resolver.scalar(value)
        if not isinstance(known, str) or not known:
            return None
        if store_type == BUCKET:
            known = known.removeprefix("arn:aws:s3:::").split("/", 1)[0]
            return self.literal.get(known)
        last = _last_segment(known)
        return self.literal.get(last) if last else None


def _targets(graph: Graph, res: Resource, prop: str, store_type: str, names: _Names) -> tuple[list[str], bool]:
    """The stores a policy names, and whether some target could not be tied to one of them."""
    values: list[Any] = []
    for _cond, value in walk(res.properties.get(prop), ()):
        if isinstance(value, list):
            for item in value:
                values.extend(alt for _c, alt in branches(item) if alt is not None)
        elif value is not None:
            values.append(value)
    found: list[str] = []
    unmatched = not values
    for value in values:
        refs = [r for r in referenced_resources(value, graph.stack.resources)
                if graph.stack.resources[r].type == store_type]
        store = refs[0] if len(refs) == 1 else names.match(graph, value, store_type)
        if store is None:
            unmatched = True
        elif store not in found:
            found.append(store)
    return found, unmatched


@builder(order=60)
def resource_policies(graph: Graph) -> None:
    """Attach each bucket, queue and topic policy to the stores it names (node attributes)."""
    unattributed: dict[str, list[AttachedPolicy]] = {}
    names: dict[str, _Names] = {}
    for ptype, (prop, store_type, name_prop) in POLICY_TYPES.items():
        for res in graph.of_type(ptype, include_internal=True):
            if store_type not in names:
                names[store_type] = _Names(graph, store_type, name_prop)
            targets, unmatched = _targets(graph, res, prop, store_type, names[store_type])
            attached = AttachedPolicy(res.logical_id, document(graph, res.prop("PolicyDocument")),
                                      tuple(targets), res.condition)
            for store in targets:
                graph.node(store).setdefault(NODE_ATTRIBUTE, []).append(attached)
            if unmatched:
                unattributed.setdefault(store_type, []).append(attached)
    graph.attrs[GRAPH_ATTRIBUTE] = unattributed
