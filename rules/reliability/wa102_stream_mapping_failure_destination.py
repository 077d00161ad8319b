"""WA102: stream and Kafka event source mappings need somewhere for records that keep failing."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, describe_source, fitting, into, mapping_sources, rule, subject

#: Source types whose mapping takes ``DestinationConfig.OnFailure``.
STREAMS = frozenset({"kinesis", "dynamodb", "msk", "kafka"})
SAM_FIX = ("Add DestinationConfig: {OnFailure: {Type: SQS, Destination: !GetAtt FailedRecords.Arn}} "
           "to the event's Properties.")
CDK_FIX = "Pass onFailure (e.g. new SqsDlq(failedRecordsQueue)) to the event source."
CFN_FIX = ("Add DestinationConfig.OnFailure.Destination (an SQS queue, SNS topic or S3 bucket ARN; "
           "a kafka:// topic for Kafka) to the mapping.")


@rule(
    id="WA102",
    name="stream-mapping-no-failure-destination",
    pillar=Pillar.RELIABILITY,
    severity=Severity.ERROR,
    lens="REL 2",
)
def stream_mapping_no_failure_destination(graph: Graph) -> Iterator[Finding]:
    """A stream or Kafka event source mapping discards records that keep failing without a trace.

    ## Why
    Lambda retries a failing batch from Kinesis, DynamoDB Streams, Amazon MSK or self-managed
    Kafka until it succeeds, the retry limit is reached or the records expire from the stream.
    Then the records are skipped. Only an on-failure destination on the mapping keeps a record of
    what was skipped, so that it can be investigated and replayed.

    ## When it fires
    An `AWS::Lambda::EventSourceMapping` (also from SAM `Kinesis`, `DynamoDB`, `MSK` and
    `SelfManagedKafka` events, and CDK event sources) reads a Kinesis stream or stream consumer,
    a DynamoDB stream, an MSK cluster or self-managed Kafka, and has no
    `DestinationConfig.OnFailure`.

    ## When it stays silent
    - The source is an SQS queue: the queue's own redrive policy applies (WA104), and SQS
      mappings do not support on-failure destinations.
    - The source is Amazon MQ, DocumentDB or cannot be told.
    - An on-failure destination is set, also when only one `Fn::If` branch sets it.

    ## Fix
    ```yaml
    # SAM
    Events:
      Clicks:
        Type: Kinesis
        Properties:
          Stream: !GetAtt ClickStream.Arn
          StartingPosition: LATEST
          DestinationConfig:
            OnFailure: {Type: SQS, Destination: !GetAtt FailedClicks.Arn}
    ```
    """
    for esm in graph.of_type("AWS::Lambda::EventSourceMapping"):
        if graph.out_edges(esm.logical_id, "on_failure"):
            continue
        sources = [s for s in mapping_sources(graph, esm) if s.source_type in STREAMS]
        if not sources:
            continue
        source = sources[0]
        conditions = {s.condition for s in sources}
        function = into(graph, esm, source)
        related = [r for r in (graph.resource(s.node) for s in sources) if r is not None]
        related += [r for r in (graph.resource(s.function) for s in sources) if r is not None]
        fix = SAM_FIX if esm.source_resource else CDK_FIX if esm.construct_path else CFN_FIX
        yield Finding.at(
            esm,
            fitting(f"{subject(graph, esm.logical_id, 'Event source mapping', budget)} reads "
                    f"{describe_source(graph, source, budget)}{function} without an on-failure destination{effect}"
                    for budget in (1000, 40) for effect in (": failing batches are dropped", "")),
            fix=fix,
            related=related,
            condition=esm.condition or (conditions.pop() if len(conditions) == 1 else None),
        )

