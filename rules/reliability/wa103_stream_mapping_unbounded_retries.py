"""WA103: a stream mapping without a retry or age bound lets one bad record stall its shard."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    describe_source,
    fitting,
    into,
    mapping_sources,
    number,
    rule,
    subject,
    walk,
)

STREAMS = frozenset({"kinesis", "dynamodb"})
BOUNDS = ("MaximumRetryAttempts", "MaximumRecordAgeInSeconds")
SAM_FIX = ("Set MaximumRetryAttempts (e.g. 3) with BisectBatchOnFunctionError: true, or "
           "MaximumRecordAgeInSeconds, on the event.")
CDK_FIX = "Set retryAttempts (with bisectBatchOnError: true) or maxRecordAge on the event source."
CFN_FIX = ("Set MaximumRetryAttempts (e.g. 3) with BisectBatchOnFunctionError: true, or "
           "MaximumRecordAgeInSeconds, on the mapping.")


def _unbounded(graph: Graph, esm: Resource, prop: str) -> bool:
    """Whether every ``Fn::If`` alternative leaves ``prop`` unset or -1 (a value the template
    does not determine counts as a bound)."""
    return all(value is None or number(graph, value) == -1
               for _cond, value in walk(esm.properties, (prop,), esm.condition))


@rule(
    id="WA103",
    name="stream-mapping-unbounded-retries",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 2",
)
def stream_mapping_unbounded_retries(graph: Graph) -> Iterator[Finding]:
    """A Kinesis or DynamoDB Streams mapping retries a failing record until it expires.

    ## Why
    By default (`-1` for both settings) Lambda retries a failing batch from a Kinesis or
    DynamoDB stream until its records expire from the stream: 24 hours by default. Records are
    processed in order per shard, so one poison record holds back every record behind it for
    that long. A retry limit or a maximum record age lets the mapping skip it (to its on-failure
    destination, WA102) and carry on.

    ## When it fires
    An `AWS::Lambda::EventSourceMapping` (also from SAM `Kinesis` / `DynamoDB` events and CDK
    event sources) reads a Kinesis stream or a DynamoDB stream and leaves both
    `MaximumRetryAttempts` and `MaximumRecordAgeInSeconds` unset or `-1`.

    ## When it stays silent
    - Either bound is set (also in only one `Fn::If` branch, or to a value the template does
      not determine, such as a parameter without default).
    - The source is SQS, Kafka, Amazon MQ, DocumentDB or cannot be told.

    ## Fix
    ```yaml
    OrdersStreamMapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        EventSourceArn: !GetAtt Orders.StreamArn
        FunctionName: !Ref ProjectOrders
        StartingPosition: LATEST
        MaximumRetryAttempts: 3
        BisectBatchOnFunctionError: true
    ```
    """
    for esm in graph.of_type("AWS::Lambda::EventSourceMapping"):
        sources = [s for s in mapping_sources(graph, esm) if s.source_type in STREAMS]
        if not sources or not all(_unbounded(graph, esm, prop) for prop in BOUNDS):
            continue
        source = sources[0]
        conditions = {s.condition for s in sources}
        function = into(graph, esm, source)
        related = [r for r in (graph.resource(s.node) for s in sources) if r is not None]
        fix = SAM_FIX if esm.source_resource else CDK_FIX if esm.construct_path else CFN_FIX
        yield Finding.at(
            esm,
            fitting(f"{subject(graph, esm.logical_id, 'Event source mapping', budget)} reads "
                    f"{describe_source(graph, source, budget)}{function} with no retry or record-age limit{effect}"
                    for budget in (1000, 40) for effect in (": a failing record blocks its shard", "")),
            fix=fix,
            related=related,
            condition=esm.condition or (conditions.pop() if len(conditions) == 1 else None),
        )
