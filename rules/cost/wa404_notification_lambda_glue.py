"""WA404: an S3 notification or SNS subscription feeds a function that only forwards the event."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, glue_functions, rule
from wa_lint.api import forwards_verb as _verb

from . import _fixes

#: Invoking service → the forwarding calls it can replace natively.
NATIVE = {
    "s3": frozenset({("sqs", "SendMessage"), ("sns", "Publish"), ("events", "PutEvents")}),
    "sns": frozenset({("sqs", "SendMessage")}),
}
ROUTES = {
    ("s3", "sqs"): "an S3 event notification to the queue (QueueConfigurations)",
    ("s3", "sns"): "an S3 event notification to the topic (TopicConfigurations)",
    ("s3", "events"): "S3 notifications to EventBridge (EventBridgeConfiguration) and a rule",
    ("sns", "sqs"): "an SNS subscription of the queue (Protocol: sqs)",
}


@rule(
    id="WA404",
    name="notification-lambda-glue",
    pillar=Pillar.COST,
    severity=Severity.INFO,
    lens="COST 1 / PERF 1",
)
def notification_lambda_glue(graph: Graph) -> Iterator[Finding]:
    """An S3 notification or SNS subscription runs a function that only forwards the event to SQS, SNS or EventBridge.

    ## Why
    S3 sends event notifications straight to SQS queues, SNS topics and EventBridge; SNS
    delivers straight to SQS queues (and Firehose). A function that only relays the event costs
    an invocation per event, adds a failure point that needs its own DLQ, and code to keep
    current.

    ## When it fires
    A function whose only invoker is one S3 bucket notification forwards to SQS `SendMessage`,
    SNS `Publish` or EventBridge `PutEvents`; or whose only invoker is one SNS topic forwards to
    SQS `SendMessage`. The evidence:

    - **graph**: one bucket or topic invokes the function, nothing else;
    - **permissions**: apart from logs, X-Ray, VPC networking, KMS, look-ups and delivery to its
      own dead-letter queue or destinations, the role grants that action on exactly one resource;
    - **code**, when readable: the handler makes only that SDK call (possibly per record) and
      otherwise passes the event through.

    It is info either way: the native route delivers the service's own event format, so
    consumers may need to adapt; the message says whether the code was read.

    ## When it stays silent
    - The handler code is readable and does more: reads the object (`GetObject`), branches or
      compares on the event, computes, calls another library, HTTP or a second AWS action.
    - The function has more than one target, or more than one invoker.
    - SNS to SNS or SNS to EventBridge: there is no native subscription for those.
    - Its role is outside the template, uses an AWS managed policy other than the basic execution
      ones, `NotAction`/`NotResource`, or grants on `Resource: "*"`.
    - Without readable code: a VPC function, or an environment naming an endpoint, host,
      database or secret.

    ## Fix
    ```yaml
    UploadsBucket:
      Type: AWS::S3::Bucket
      Properties:
        NotificationConfiguration:
          QueueConfigurations:
            - Event: s3:ObjectCreated:*
              Queue: !GetAtt UploadsQueue.Arn
    # plus an AWS::SQS::QueuePolicy allowing s3.amazonaws.com with aws:SourceArn = the bucket
    ```
    For SNS: an `AWS::SNS::Subscription` with `Protocol: sqs`, `Endpoint: !GetAtt Queue.Arn`,
    `RawMessageDelivery: true`, and a queue policy allowing `sns.amazonaws.com`.
    """
    for glue in glue_functions(graph).values():
        edge = glue.invoker
        source = edge.get("source")
        if source not in NATIVE or (glue.service, glue.action) not in NATIVE[source]:
            continue
        fn = glue.fn
        kind = "bucket" if source == "s3" else "topic"
        message = (
            f"{graph.label(fn.logical_id)} {_verb(glue)} events from the {kind} {graph.label(edge.src)} to "
            f"{glue.api_name} on {graph.label(glue.target)}: "
            f"{'an S3 notification' if source == 's3' else 'an SNS subscription'} can do this without a function"
        )
        fix = (f"Replace the function with {ROUTES[(source, glue.service)]}:\n"
               f"{_fixes.notification(graph, glue, source)}")
        related = [r for r in (graph.resource(edge.src), graph.resource(glue.target)) if r is not None]
        yield Finding.at(fn, message, fix=fix, related=[*related, *glue.code_evidence()])
