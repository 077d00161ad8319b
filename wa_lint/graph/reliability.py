"""Questions the failure-management rules (WA102–WA109) ask of the graph.

Kept out of :class:`~wa_lint.graph.model.Graph` so the core stays small: is this queue a
dead-letter target, who consumes it, what does a mapping read, and what a numeric setting is once
its documented default applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wa_lint.graph.builders.invoke_common import describe, service_of, text, walk
from wa_lint.graph.builders.invoke_mappings import ARN_SERVICES, PROPERTY_HINTS, SOURCE_TYPES
from wa_lint.graph.model import FUNCTION, Edge, Graph, shorten
from wa_lint.model import Resource
from wa_lint.values import integer, referenced_resources

#: ``source_type`` → how messages name the source.
SOURCE_NAMES = {"kinesis": "Kinesis stream", "dynamodb": "DynamoDB stream", "msk": "MSK cluster",
                "kafka": "Kafka cluster", "sqs": "queue", "mq": "Amazon MQ broker", "docdb": "DocumentDB stream"}


def dead_letter_sources(graph: Graph, node: Resource | str) -> list[Edge]:
    """The edges that make ``node`` a dead-letter target: another queue's redrive policy
    (``dead_letter``), a function's DLQ or on-failure destination, a mapping's on-failure
    destination, a subscription's, rule target's, schedule's or pipe's DLQ, an IoT rule's error
    action (``on_failure``). Empty when nothing in the template sends failures there."""
    name = node if isinstance(node, str) else node.logical_id
    return [*graph.in_edges(name, "dead_letter"), *graph.in_edges(name, "on_failure")]


def queue_consumers(graph: Graph, queue: Resource | str) -> list[Edge]:
    """Event source mappings through which functions of the template poll ``queue``."""
    name = queue if isinstance(queue, str) else queue.logical_id
    return [e for e in graph.out_edges(name, "invokes")
            if e.get("mode") == "poll" and graph.node(e.dst).get("type") == FUNCTION]


def is_set(res: Resource, *path: str) -> bool:
    """Whether the property at ``path`` is present in at least one ``Fn::If`` alternative."""
    return any(value is not None for _cond, value in walk(res.properties, path, res.condition))


def number(graph: Graph, value: Any, default: int | None = None) -> int | None:
    """An integer setting: ``default`` when absent, None when the template does not determine it
    (an ``Fn::If`` with different branches, a parameter without default, a malformed value)."""
    if value is None:
        return default
    known = graph.resolver.scalar(value)
    if known is None:
        return default
    return integer(known)  # None also for .inf, 1e400 and 5,000-digit numbers


@dataclass(frozen=True, slots=True)
class MappingSource:
    """What an event source mapping reads: the source node, its ``source_type``, the function
    (None when outside the template) and the condition it depends on."""

    node: str
    source_type: str
    function: str | None
    condition: str | None


def mapping_sources(graph: Graph, esm: Resource) -> list[MappingSource]:
    """The sources of a mapping, from its ``invokes`` edges; for a mapping whose function is not
    in the template (no edge), from its ``EventSourceArn`` the same way the builder reads it."""
    edges = graph.memo("wa_lint.graph.reliability.polls_by_via", lambda: _polls_by_via(graph)).get(esm.logical_id)
    if edges:
        return [MappingSource(e.src, e.get("source_type") or "unknown", e.dst, e.condition) for e in edges]
    servers = esm.prop("SelfManagedEventSource", "Endpoints", "KafkaBootstrapServers")
    if servers is not None:
        listed = servers if isinstance(servers, list) else [servers]
        return [MappingSource(f"external:kafka:{','.join(text(graph, s) for s in listed)}", "kafka", None,
                              esm.condition)]
    hint = next((kind for prop, kind in PROPERTY_HINTS if prop in esm.properties), "unknown")
    found = []
    for cond, arn in walk(esm.properties, ("EventSourceArn",), esm.condition):
        if arn is not None:
            found.append(_outside_source(graph, arn, hint, cond))
    return found


def _outside_source(graph: Graph, arn: Any, hint: str, condition: str | None) -> MappingSource:
    """A mapping source read without adding nodes to the graph (rules never change it)."""
    ids = graph.stack.resources
    candidates = [r for r in referenced_resources(arn, ids) if ids[r].type in SOURCE_TYPES]
    if len(candidates) == 1:
        res = ids[candidates[0]]
        node = res.logical_id
        if res.type == "AWS::Kinesis::StreamConsumer":
            node = graph.target(res.prop("StreamARN")) or node
        return MappingSource(node, SOURCE_TYPES[res.type], None, condition)
    kind = ARN_SERVICES.get(service_of(graph, arn) or "", hint)
    return MappingSource(f"external:{kind}:{describe(graph, arn)}", kind, None, condition)


def describe_source(graph: Graph, source: MappingSource, budget: int = 1000) -> str:
    """``Kinesis stream ClickStream`` / ``DynamoDB stream of table Orders``; a name longer than
    ``budget`` is shortened in the middle."""
    what = SOURCE_NAMES.get(source.source_type, "source")
    res = graph.resource(source.node)
    if source.source_type == "dynamodb" and res is not None and res.type.startswith("AWS::DynamoDB::"):
        return f"the DynamoDB stream of table {graph.label(source.node)}"
    if res is None and source.node.startswith("external:"):
        return f"{what} {shorten(source.node.split(':', 2)[-1], budget)}"
    return f"{what} {shorten(graph.label(source.node), budget)}"


def subject(graph: Graph, node: str, noun: str, budget: int = 1000) -> str:
    """How a message starts naming a resource: ``Event source mapping X``, or for a resource SAM
    generated from an event, ``The Clicks event of ProcessClicks``; a name longer than ``budget``
    is shortened in the middle."""
    label = graph.label(node)
    if label.startswith(("its ", "the ")):
        return "The" + label[3:] if label.startswith("the ") else "Its" + label[3:]
    return f"{noun} {shorten(label, budget)}"


def duration(seconds: int) -> str:
    """``4 days``, ``12 hours``, ``90 s``: how messages state a retention period."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} s"


def into(graph: Graph, esm: Resource, source: MappingSource) -> str:
    """`` into ProcessOrders`` naming a mapping's function, unless the message already names it
    (the SAM function the mapping came from) or it is outside the template."""
    if source.function is None or source.function == esm.source_resource:
        return ""
    return f" into {graph.label(source.function)}"


def outside(graph: Graph, value: Any) -> str:
    """A value naming something outside the template, for messages that put a noun before it
    (``queue …``): the literal ARN or name, ``from parameter X``, ``from import X``."""
    found = describe(graph, value)
    if found.startswith("param:"):
        return f"from parameter {found[6:]}"
    if found.startswith("import:"):
        return f"from import {found[7:]}"
    return found


def _polls_by_via(graph: Graph) -> dict[str, list[Edge]]:
    """Mapping logical id → its ``invokes`` edges of mode ``poll``."""
    index: dict[str, list[Edge]] = {}
    for edge in graph.edges("invokes"):
        if edge.via is not None and edge.get("mode") == "poll":
            index.setdefault(edge.via, []).append(edge)
    return index
