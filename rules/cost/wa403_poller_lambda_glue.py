"""WA403: a function fed by a queue or stream only forwards the records to another service."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, glue_functions, rule
from wa_lint.api import forwards_verb as _verb

from . import _fixes

SOURCES = {"sqs": "SQS queue", "kinesis": "Kinesis stream", "dynamodb": "DynamoDB stream"}
#: Targets an EventBridge Pipe delivers to, and the calls that mean "forward to it".
PIPE_ACTIONS = frozenset(
    {
        ("sqs", "SendMessage"), ("sqs", "SendMessageBatch"), ("sns", "Publish"), ("sns", "PublishBatch"),
        ("events", "PutEvents"), ("states", "StartExecution"), ("states", "StartSyncExecution"),
        ("kinesis", "PutRecord"), ("kinesis", "PutRecords"), ("firehose", "PutRecord"),
        ("firehose", "PutRecordBatch"),
    }
)


@rule(
    id="WA403",
    name="poller-lambda-glue",
    pillar=Pillar.COST,
    severity=Severity.INFO,
    lens="COST 1 / PERF 1",
)
def poller_lambda_glue(graph: Graph) -> Iterator[Finding]:
    """A function reads a queue or stream only to forward each record to another service: a Pipe does that.

    ## Why
    An EventBridge Pipe (`AWS::Pipes::Pipe`) polls SQS, Kinesis and DynamoDB Streams and
    delivers to SQS, SNS, EventBridge, Step Functions, Kinesis or Firehose, with filtering
    (`FilterCriteria`) and reshaping (`InputTemplate`) built in. A function that only forwards
    pays for every batch, needs its own error handling and code upkeep.

    ## When it fires
    A function whose only invoker is one event source mapping from an SQS queue, a Kinesis
    stream or a DynamoDB stream forwards to SQS `SendMessage(Batch)`, SNS `Publish(Batch)`,
    EventBridge `PutEvents`, Step Functions `StartExecution`, Kinesis `PutRecord(s)` or Firehose
    `PutRecord(Batch)`. The evidence:

    - **graph**: one event source, nothing else invokes the function;
    - **permissions**: apart from reading its own source, logs, X-Ray, VPC networking, KMS,
      look-ups and delivery to its own dead-letter queue or the mapping's on-failure
      destination (Lambda uses the function's role for those), the role grants that action on
      exactly one resource;
    - **code**, when readable: the handler makes only that SDK call, possibly in a loop over the
      records, and otherwise passes them through (reading fields, building an object, JSON,
      base64, ids, timestamps, null checks, logging, Powertools batch helpers).

    It is info either way (a Pipe is a suggestion, not a defect); the message says whether the
    code was read.

    ## When it stays silent
    - The handler code is readable and does more: filters or branches on record contents (a
      Pipe filter could do some of it, but the rule does not guess), computes, calls another
      library, HTTP or a second AWS action.
    - The function has more than one target, or more than one event source or invoker; its only
      send permission is for its own DLQ or the mapping's on-failure destination.
    - Its role is outside the template, uses an AWS managed policy other than the basic and
      event-source execution ones, `NotAction`/`NotResource`, or grants on `Resource: "*"`.
    - Without readable code: a VPC function, or an environment naming an endpoint, host,
      database or secret.
    - The source is Kafka, MQ or DocumentDB.

    ## Fix
    ```yaml
    OrdersPipe:
      Type: AWS::Pipes::Pipe
      Properties:
        RoleArn: !GetAtt PipeRole.Arn
        Source: !GetAtt OrdersQueue.Arn
        SourceParameters:
          SqsQueueParameters: {BatchSize: 10}
        Target: !GetAtt OrdersBus.Arn
        TargetParameters:
          EventBridgeEventBusParameters: {Source: my.app, DetailType: order}
    ```
    """
    for glue in glue_functions(graph).values():
        edge = glue.invoker
        source_type = edge.get("source_type")
        if edge.get("mode") != "poll" or source_type not in SOURCES or (glue.service, glue.action) not in PIPE_ACTIONS:
            continue
        fn = glue.fn
        source = f"{SOURCES[source_type]} {graph.label(edge.src)}"
        message = (
            f"{graph.label(fn.logical_id)} {_verb(glue)} records from {source} to {glue.api_name} on "
            f"{graph.label(glue.target)}: an EventBridge Pipe can do this without a function"
        )
        fix = ("Replace the function and its event source mapping with an EventBridge Pipe (FilterCriteria "
               f"and an InputTemplate cover simple reshaping):\n{_fixes.pipe(graph, glue, source_type)}")
        related = [r for r in (graph.resource(edge.src), graph.resource(glue.target)) if r is not None]
        yield Finding.at(fn, message, fix=fix, related=[*related, *glue.code_evidence()])
