"""``invokes`` edges (mode ``poll``) from event sources read by an event source mapping.

Lambda polls the source, so failures are handled per source type: SQS through the queue's own
redrive policy, streams and Kafka through the mapping's ``DestinationConfig`` (WA102/WA103).
That is why every edge says ``source_type``; ``via`` is the mapping, which holds those settings.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import add_invokes, at, node_for, service_of, text
from wa_lint.graph.model import Graph
from wa_lint.model import Resource

#: Resource type of an event source → ``source_type``.
SOURCE_TYPES = {
    "AWS::SQS::Queue": "sqs",
    "AWS::Kinesis::Stream": "kinesis",
    "AWS::Kinesis::StreamConsumer": "kinesis",
    "AWS::DynamoDB::Table": "dynamodb",
    "AWS::DynamoDB::GlobalTable": "dynamodb",
    "AWS::MSK::Cluster": "msk",
    "AWS::MSK::ServerlessCluster": "msk",
    "AWS::AmazonMQ::Broker": "mq",
    "AWS::DocDB::DBCluster": "docdb",
    "AWS::DocDBElastic::Cluster": "docdb",
}
#: ARN service → ``source_type`` for sources outside the template.
ARN_SERVICES = {"sqs": "sqs", "kinesis": "kinesis", "dynamodb": "dynamodb", "kafka": "msk", "mq": "mq",
                "rds": "docdb", "docdb-elastic": "docdb"}


#: Mapping properties that only one kind of source takes, for sources whose ARN says nothing.
PROPERTY_HINTS = (("AmazonManagedKafkaEventSourceConfig", "msk"), ("Topics", "msk"), ("Queues", "mq"),
                  ("DocumentDBEventSourceConfig", "docdb"))


def _hint(esm: Resource) -> str:
    return next((kind for prop, kind in PROPERTY_HINTS if prop in esm.properties), "unknown")


def _source(graph: Graph, arn: Any, hint: str) -> tuple[str, str]:
    """``(node, source_type)`` of one ``EventSourceArn`` alternative."""
    outside = ARN_SERVICES.get(service_of(graph, arn) or "", hint)
    node = node_for(graph, arn, outside, tuple(SOURCE_TYPES))
    res = graph.resource(node)
    if res is None:
        return node, outside
    if res.type == "AWS::Kinesis::StreamConsumer":  # the consumer reads its stream
        node = graph.target(res.prop("StreamARN")) or node
    return node, SOURCE_TYPES.get(res.type, "unknown")


@builder(order=50)
def event_source_mappings(graph: Graph) -> None:
    """One poll edge per mapping (per ``Fn::If`` alternative of its source)."""
    for esm in graph.of_type("AWS::Lambda::EventSourceMapping", include_internal=True):
        sources: list[tuple[str | None, str, str]] = []
        servers = esm.prop("SelfManagedEventSource", "Endpoints", "KafkaBootstrapServers")
        if servers is not None:
            listed = servers if isinstance(servers, list) else [servers]
            name = ",".join(text(graph, s) for s in listed)
            sources.append((esm.condition, graph.external(f"kafka:{name}"), "kafka"))
        else:
            for cond, arn in at(esm, "EventSourceArn"):
                sources.append((cond, *_source(graph, arn, _hint(esm))))
        for cond, src, kind in sources:
            add_invokes(graph, src, esm.prop("FunctionName"), via=esm.logical_id, condition=cond,
                        mode="poll", source=kind, source_type=kind)
