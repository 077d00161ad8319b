"""WA104: an SQS queue without a redrive policy re-delivers a failing message until it expires."""

from __future__ import annotations

import re
from collections.abc import Iterator

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    dead_letter_sources,
    duration,
    is_set,
    number,
    queue_consumers,
    rule,
    text,
)

SAM_CFN_FIX = ("Add a dead-letter queue: RedrivePolicy: {deadLetterTargetArn: !GetAtt <Queue>DLQ.Arn, "
               "maxReceiveCount: 5}.")
CDK_FIX = "Pass deadLetterQueue: {queue: dlq, maxReceiveCount: 5} to the Queue."
SAM_QUEUE_FIX = ("Declare the queue yourself with a RedrivePolicy and pass it to the SNS event as "
                 "SqsSubscription: {QueueArn: ..., QueueUrl: ...}.")
DEFAULT_RETENTION = 345600
DLQ_NAME = re.compile(r"dlq|dead[-_ ]?letter", re.IGNORECASE)


def _named_as_dlq(graph: Graph, queue: Resource) -> bool:
    """Whether the logical id, construct path or ``QueueName`` says the queue is a dead-letter
    queue: one a function fills itself, or one used from another stack."""
    name = text(graph, queue.prop("QueueName")) if queue.prop("QueueName") is not None else ""
    names = (queue.logical_id, queue.construct_path or "", name)
    return any(DLQ_NAME.search(n) for n in names)


def queues(graph: Graph) -> list[Resource]:
    """The queues WA104 judges: every queue but CDK internals."""
    return graph.of_type("AWS::SQS::Queue")


@rule(
    id="WA104",
    name="queue-without-dlq",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 2",
    applies_to=queues,
)
def queue_without_dlq(graph: Graph) -> Iterator[Finding]:
    """An SQS queue without a dead-letter queue keeps re-delivering a message that always fails.

    ## Why
    A message whose processing fails returns to the queue when its visibility timeout ends and is
    received again, over and over, until its retention period (4 days by default) runs out; then
    it is deleted unseen. Every attempt costs an invocation, and in a FIFO queue it blocks its
    message group. A redrive policy moves it to a dead-letter queue after `maxReceiveCount`
    receives, where it can be inspected and redriven.

    ## When it fires
    An `AWS::SQS::Queue` has no `RedrivePolicy`. The finding is an error when a function of the
    template consumes the queue through an event source mapping (Lambda then receives a failing
    message until it expires), a warning otherwise.

    ## When it stays silent
    - The queue is itself a dead-letter target: of another queue's `RedrivePolicy` (object or
      JSON-string form, `GetAtt`/`Sub`/`Join` ARN or a literal ARN with its `QueueName`), a
      function's `DeadLetterConfig` or `EventInvokeConfig` on-failure destination, a stream
      mapping's on-failure destination, an SNS subscription's `RedrivePolicy`, an EventBridge
      rule target's, Scheduler schedule's or pipe's `DeadLetterConfig`, or an IoT rule's error
      action.
    - Its logical id, construct path or `QueueName` names it a dead-letter queue (`DLQ`,
      `DeadLetter`): a queue a function sends failures to itself, or the DLQ of a resource in
      another stack.
    - A `RedrivePolicy` is set, also when only one `Fn::If` branch sets it or it cannot be read.
    - The queue is a CDK framework internal.

    ## Fix
    ```yaml
    OrdersQueue:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy:
          deadLetterTargetArn: !GetAtt OrdersDLQ.Arn
          maxReceiveCount: 5
    OrdersDLQ:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
    ```
    """
    for queue in queues(graph):
        if is_set(queue, "RedrivePolicy") or dead_letter_sources(graph, queue) or _named_as_dlq(graph, queue):
            continue
        name = graph.label(queue.logical_id)
        retention = number(graph, queue.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)
        expiry = duration(retention) if retention is not None else "its retention period"
        consumers = queue_consumers(graph, queue)
        fix = (SAM_QUEUE_FIX if queue.source_resource else CDK_FIX if queue.construct_path
               else SAM_CFN_FIX.replace("<Queue>", queue.logical_id))
        if consumers:
            functions = graph.names(e.dst for e in consumers)
            related = [r for r in (graph.resource(e.dst) for e in consumers) if r is not None]
            yield Finding.at(
                queue,
                f"Queue {name} feeds {functions} but has no dead-letter queue: a message that keeps failing is "
                f"retried until it expires after {expiry}",
                fix=fix,
                related=related,
                severity=Severity.ERROR,
            )
        else:
            yield Finding.at(
                queue,
                f"Queue {name} has no dead-letter queue: a message that keeps failing is received again until it "
                f"expires after {expiry}",
                fix=fix,
            )
