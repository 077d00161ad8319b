"""WA303: a function whose concurrency follows its input uses a store that cannot grow with it."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import (
    Burst,
    Finding,
    FixedStore,
    Graph,
    Pillar,
    Resource,
    Severity,
    bursts,
    fitting,
    fixed_stores,
    rule,
    shorten,
)

#: How to bound the function, per burst kind and origin (sam / cdk / cfn).
BOUND = {
    ("sqs", "sam"): "add ScalingConfig: {MaximumConcurrency: 5} to its SQS event",
    ("sqs", "cdk"): "pass maxConcurrency: 5 to its SqsEventSource",
    ("sqs", "cfn"): "set ScalingConfig.MaximumConcurrency on the event source mapping",
    ("stream", "sam"): "drop ParallelizationFactor to 1 on its stream event",
    ("stream", "cdk"): "set parallelizationFactor: 1 on its event source",
    ("stream", "cfn"): "set ParallelizationFactor: 1 on the event source mapping",
    ("async", "sam"): "set ReservedConcurrentExecutions on the function",
    ("async", "cdk"): "set reservedConcurrentExecutions on the function",
    ("async", "cfn"): "set ReservedConcurrentExecutions on the function",
}
#: How to let the store absorb a burst instead, per store kind and origin.
GROW = {
    ("dynamodb", "cdk"): "or give {store} billingMode: BillingMode.PAY_PER_REQUEST (or table.autoScaleWriteCapacity)",
    ("dynamodb", "other"): ("or switch {store} to BillingMode: PAY_PER_REQUEST (or add an "
                            "AWS::ApplicationAutoScaling::ScalableTarget for its WriteCapacityUnits)"),
    ("rds", "cdk"): "or connect through an RDS Proxy (database.addProxy)",
    ("rds", "other"): "or connect to {store} through an AWS::RDS::DBProxy",
}
EFFECT = {"rds": "opens more connections than it accepts", "dynamodb": "is throttled"}


def _origin(fn: Resource) -> str:
    return "sam" if fn.source_resource else "cdk" if fn.construct_path else "cfn"


def _fix(graph: Graph, fn: Resource, burst: Burst, store: FixedStore) -> str:
    origin = _origin(fn)
    bound = BOUND[(burst.kind, origin)]
    grow = GROW[(store.kind, "cdk" if origin == "cdk" else "other")].format(store=graph.label(store.node))
    return f"Bound the function's concurrency: {bound}; {grow}."


@rule(
    id="WA303",
    name="unbounded-consumer-to-fixed-capacity-store",
    pillar=Pillar.PERFORMANCE,
    severity=Severity.WARNING,
    lens="REL 1, PERF 1",
)
def unbounded_consumer_to_fixed_capacity_store(graph: Graph) -> Iterator[Finding]:
    """A function whose concurrency follows its input uses a database or table of fixed capacity.

    ## Why
    Lambda runs as many copies of a function as its input asks for. A queue that fills up
    during an outage, a stream with a high `ParallelizationFactor`, or a burst of S3 uploads
    becomes hundreds of concurrent executions within a minute. A relational database accepts a
    fixed number of connections, and a DynamoDB table in `PROVISIONED` mode without auto
    scaling a fixed number of writes per second: the burst then fails in the store
    (`Too many connections`, `ProvisionedThroughputExceededException`), retries make it worse,
    and other users of the store fail with it. The Serverless Lens asks to protect
    non-scalable resources: bound the consumer, or let the store scale.

    ## When it fires
    The function has no `ReservedConcurrentExecutions` and at least one input that can scale it
    out without a bound:

    - an SQS event source mapping without `ScalingConfig.MaximumConcurrency` (SAM `SQS` event,
      CDK `SqsEventSource`);
    - a Kinesis or DynamoDB stream mapping with `ParallelizationFactor` above 1;
    - an asynchronous source (S3 notification, SNS subscription, EventBridge rule with an event
      pattern, …);

    and it uses a store of fixed capacity:

    - an RDS or Aurora database it connects to (WA301's evidence: endpoint in the environment,
      attached secret, security-group path, IAM database auth) from a VPC, with no RDS Proxy in
      between; or
    - an `AWS::DynamoDB::Table` in `PROVISIONED` mode (`BillingMode: PROVISIONED` or absent,
      with `ProvisionedThroughput`) that its role may write to (`PutItem`, `UpdateItem`,
      `DeleteItem`, `BatchWriteItem`, PartiQL writes, named by the table's ARN), with no
      `AWS::ApplicationAutoScaling::ScalableTarget` for the table's `WriteCapacityUnits`.

    One finding per function and store; the message names the unbounded input.

    ## When it stays silent
    - Concurrency is bounded: `ReservedConcurrentExecutions` is set (or cannot be read), every
      SQS mapping has `MaximumConcurrency`, stream mappings keep `ParallelizationFactor` 1, and
      asynchronous invokers are schedules (one run per period). Synchronous callers (API
      Gateway) are WA111's business: throttle the API.
    - The store scales: an on-demand table (`PAY_PER_REQUEST`, SAM `SimpleTable` without
      throughput), a table with a write-capacity scalable target (or a scalable target this
      template cannot tie to a table: it may be this one), a database behind an RDS Proxy, an
      Aurora cluster used through the Data API.
    - The function only reads the table, or its write permission names `*` (which table is not
      known), or the table's mode cannot be read.
    - The function is not in a VPC (it cannot reach a private database), or only runs as a
      custom resource or rotation handler.

    ## Fix
    ```yaml
    # SAM: bound the consumer …
    Events:
      Orders:
        Type: SQS
        Properties:
          Queue: !GetAtt OrdersQueue.Arn
          ScalingConfig: {MaximumConcurrency: 5}
    # … or let the store scale (SAM and CloudFormation)
    OrdersTable:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
    ```
    CloudFormation: `ScalingConfig.MaximumConcurrency` on the `AWS::Lambda::EventSourceMapping`,
    or `ReservedConcurrentExecutions` on the function. CDK: `new SqsEventSource(queue,
    {maxConcurrency: 5})`, `reservedConcurrentExecutions`, `billingMode:
    BillingMode.PAY_PER_REQUEST` or `table.autoScaleWriteCapacity(…)`, `database.addProxy(…)`.
    """
    for fn in graph.functions():
        sources = bursts(graph, fn)
        if not sources:
            continue
        stores = fixed_stores(graph, fn)
        if not stores:
            continue
        burst = sources[0]
        conditions = {burst.edge.condition, fn.condition} - {None}
        for store in stores:
            store_res = graph.resource(store.node)
            related = [r for r in (store_res, graph.resource(burst.edge.via), graph.resource(burst.edge.src))
                       if r is not None and r is not fn]
            verb, sep = ("connects to", " ") if store.kind == "rds" else ("writes to", ", ")
            head = (f"{shorten(graph.label(fn.logical_id))}, {burst.text}, {verb} {shorten(graph.label(store.node))}"
                    f"{sep}{store.text}")
            yield Finding.at(
                fn,
                fitting((f"{head}: a burst {EFFECT[store.kind]}", head)),
                fix=_fix(graph, fn, burst, store),
                related=related,
                condition=conditions.pop() if len(conditions) == 1 else None,
            )
