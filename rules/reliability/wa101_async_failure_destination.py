"""WA101: asynchronously invoked functions need somewhere for failed events to go."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Edge, Finding, Graph, Pillar, Ping, Resource, Severity, fitting, invocation_ping, rule

SAM_FIX = ("Add DeadLetterQueue ({Type: SQS, TargetArn: ...}) or EventInvokeConfig.DestinationConfig.OnFailure "
           "to the function.")
CFN_FIX = ("Add DeadLetterConfig.TargetArn (an SQS queue or SNS topic), or an AWS::Lambda::EventInvokeConfig "
           "with DestinationConfig.OnFailure.Destination.")


def _has_source_dlq(graph: Graph, *nodes: str | None) -> bool:
    """Whether the invoker (rule, schedule, subscription) has its own delivery DLQ."""
    return any(
        e.get("mechanism") == "source_dead_letter"
        for node in nodes if node
        for e in graph.out_edges(node, "on_failure")
    )


def _names(graph: Graph, nodes: list[str]) -> list[str]:
    """The invokers as findings name resources (the SAM resource the user wrote), for scoped suppressions."""
    return [(r.source_resource or r.logical_id) if (r := graph.resource(n)) is not None else n for n in nodes]


def _uncovered_qualifiers(callers: list[Edge], destinations: list[Edge]) -> list[Edge]:
    """Async invocations of a qualifier (``$LATEST`` or an alias) that no destination covers.

    A dead-letter queue applies to every invocation; an ``EventInvokeConfig`` only to its
    ``Qualifier``. Unknown qualifiers on either side count as covered: say less, not more.
    """
    if any(e.get("mechanism") != "destination" for e in destinations):
        return []
    covered = {e.get("qualifier") for e in destinations}
    if not all(isinstance(q, str) for q in covered):
        return []
    return [e for e in callers if isinstance(e.get("qualifier"), str) and e.get("qualifier") not in covered]


def _wrong_qualifier(graph: Graph, fn: Resource, missed: list[Edge], destinations: list[Edge]) -> Finding:
    covered = ", ".join(sorted({str(e.get("qualifier")) for e in destinations}))
    invoked = ", ".join(sorted({str(e.get("qualifier")) for e in missed}))
    name = graph.label(fn.logical_id)
    return Finding.at(
        fn,
        f"{name} is invoked asynchronously as {invoked} by {graph.names([e.src for e in missed])}, but its "
        f"on-failure destination covers only {covered}: failed events of {invoked} are lost",
        fix=f"Set the EventInvokeConfig's Qualifier to {invoked} (the one that is invoked), add one for it, "
            "or add a DeadLetterConfig, which applies to every version and alias.",
        related=[r for r in (graph.resource(e.src) for e in missed) if r is not None],
        subjects={"invokers": _names(graph, [e.src for e in missed])},
    )


def _periodic_job(graph: Graph, fn: Resource, pings: list[tuple[Edge, Ping]]) -> Finding:
    """Info: a job run by a frequent constant schedule, with no other invoker."""
    sources = [e.src for e, _ in pings]
    conditions = {e.condition for e, _ in pings}
    schedules = "; ".join(dict.fromkeys(str(p) for _, p in pings))
    return Finding.at(
        fn,
        f"{graph.label(fn.logical_id)}, a periodic job invoked only by "
        f"{graph.names(sources, owner=fn.source_resource)} ({schedules}), has no DLQ or on-failure destination: "
        "failed runs are dropped",
        fix=SAM_FIX if fn.source_resource else CFN_FIX,
        related=[r for r in (graph.resource(s) for s in sources) if r is not None and r is not fn],
        condition=fn.condition or (conditions.pop() if len(conditions) == 1 else None),
        severity=Severity.INFO,
        subjects={"invokers": _names(graph, sources)},
    )


@rule(
    id="WA101",
    name="lambda-async-no-failure-destination",
    pillar=Pillar.RELIABILITY,
    severity=Severity.ERROR,
    lens="REL 2",
)
def lambda_async_no_failure_destination(graph: Graph) -> Iterator[Finding]:
    """An asynchronously invoked function drops events after its retries unless failures go somewhere.

    ## Why
    Lambda queues an asynchronous event, retries it twice when the function fails, and then
    discards it. A dead-letter queue (`DeadLetterConfig`) or an on-failure destination
    (`AWS::Lambda::EventInvokeConfig` with `DestinationConfig.OnFailure`) keeps the event for
    investigation and replay.

    ## When it fires
    The function has at least one asynchronous invoker: an S3 notification, SNS subscription,
    EventBridge / CloudWatch Events rule or schedule, EventBridge Scheduler schedule, CloudWatch
    Logs subscription filter, IoT rule, SES receipt rule, CodeCommit trigger or Config custom rule
    (in SAM: `S3`, `SNS`, `Schedule`, `ScheduleV2`, `EventBridgeRule`, `CloudWatchEvent`,
    `CloudWatchLogs`, `IoTRule` events), or a `Lambda::Permission` for one of those services.

    ## When it stays silent
    - The function is only invoked synchronously (API Gateway, ALB, function URL, Cognito,
      Step Functions task) or through event source mappings (failures there are the mapping's
      and the queue's business: WA102, WA104).
    - Its invokers are unknown (a permission for an account or `*`).
    - A DLQ or on-failure destination exists, also when only one `Fn::If` branch sets it.
    - Its only asynchronous invokers are schedules that fire at least hourly (`rate(…)` of an
      hour or less, a cron firing every hour) with a constant or no input, and the function
      also serves synchronous traffic: a keep-warm ping, which loses nothing when dropped.
      Without synchronous invokers such a periodic job is reported at info, saying that a
      failed run is only lost when the next run does not redo its work. A daily or rarer
      schedule, an event pattern or an input taken from the event is reported as usual.

    An `EventInvokeConfig` applies only to its `Qualifier`: when events invoke an alias (`live`)
    but the configuration names `$LATEST` (or another alias), the finding says so. When either
    qualifier cannot be determined, the configuration counts.

    A `DeadLetterConfig` on an EventBridge target, a Scheduler target or an SNS subscription does
    not satisfy this rule: it only keeps events the source could not *deliver*; once Lambda has
    accepted the event, the function's own DLQ or destination is what keeps it.

    ## Fix
    ```yaml
    # SAM
    ProcessUpload:
      Type: AWS::Serverless::Function
      Properties:
        EventInvokeConfig:
          DestinationConfig:
            OnFailure: {Type: SQS, Destination: !GetAtt FailedUploads.Arn}
    ```
    """
    for fn in graph.functions():
        async_edges = graph.invokers(fn, mode="async")
        pings = [(e, ping) for e in async_edges if (ping := invocation_ping(graph, e)) is not None]
        callers = [e for e in async_edges if all(e is not p for p, _ in pings)]
        if not callers:
            if pings and not graph.failure_destinations(fn) and not graph.invokers(fn, mode="sync"):
                yield _periodic_job(graph, fn, pings)
            continue
        destinations = graph.failure_destinations(fn)
        if destinations:
            missed = _uncovered_qualifiers(callers, destinations)
            if missed:
                yield _wrong_qualifier(graph, fn, missed, destinations)
            continue
        sources = [e.src for e in callers]
        related = [r for r in (graph.resource(s) for s in sources) if r is not None and r is not fn]
        conditions = {e.condition for e in callers}
        condition = fn.condition or (conditions.pop() if len(conditions) == 1 else None)
        name = graph.label(fn.logical_id)
        invokers = graph.names(sources, owner=fn.source_resource)
        lost = "events that fail after two retries are lost"
        if any(_has_source_dlq(graph, e.src, e.via) for e in callers):
            lost = "the source's DLQ does not catch function errors"
        head = f"{name} is invoked asynchronously by {invokers} but has no DLQ or on-failure destination"
        yield Finding.at(
            fn,
            fitting((f"{head}: {lost}", head)),
            fix=SAM_FIX if fn.source_resource else CFN_FIX,
            related=related,
            condition=condition,
            subjects={"invokers": _names(graph, sources)},
        )
