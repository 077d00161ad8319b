"""WA106: an EventBridge rule target or Scheduler target without a DLQ drops undeliverable events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.api import (
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    by_name,
    items,
    mark_of,
    outside,
    rule,
    service_of,
    subject,
    target_ping,
    text,
    walk,
)

SAM_FIX = "Add DeadLetterConfig: {Type: SQS} to the event's Properties (SAM creates the queue and its policy)."
CDK_RULE_FIX = "Pass deadLetterQueue: dlq to the target (e.g. new targets.LambdaFunction(fn, {deadLetterQueue: dlq}))."
CDK_SCHEDULE_FIX = ("Pass deadLetterQueue: dlq to the target (e.g. new LambdaInvoke(fn, {deadLetterQueue: dlq}) "
                    "from aws-scheduler-targets).")
RULE_FIX = ("Add DeadLetterConfig: {Arn: <SQS queue ARN>} to the target, with a queue policy that lets "
            "events.amazonaws.com send to the queue.")
SCHEDULE_FIX = ("Add DeadLetterConfig: {Arn: <SQS queue ARN>} to Target and allow the schedule's role "
                "sqs:SendMessage on that queue.")
NOUNS = {"AWS::Lambda::Function": "function", "AWS::SQS::Queue": "queue", "AWS::SNS::Topic": "topic",
         "AWS::StepFunctions::StateMachine": "state machine", "AWS::Events::EventBus": "event bus",
         "AWS::Kinesis::Stream": "stream", "AWS::KinesisFirehose::DeliveryStream": "Firehose stream",
         "AWS::Events::ApiDestination": "API destination", "AWS::ECS::Cluster": "ECS cluster",
         "AWS::CodeBuild::Project": "CodeBuild project", "AWS::CodePipeline::Pipeline": "pipeline",
         "AWS::AppSync::GraphQLApi": "GraphQL API", "AWS::Batch::JobQueue": "Batch job queue"}


def _target(graph: Graph, arn: Any) -> tuple[str, Resource | None] | None:
    """``(name, resource)`` of a target, or None when it is a log group. A target the template
    does not determine (a parameter, an import) still counts: the missing DLQ is the rule's."""
    node = graph.function_target(arn) or graph.target(arn) or by_name(graph, arn)
    res = graph.resource(node)
    if res is not None:
        if res.type == "AWS::Logs::LogGroup":
            return None
        noun = NOUNS.get(res.type, res.type.rsplit("::", 1)[-1])
        return f"{noun} {graph.label(res.logical_id)}", res
    service = service_of(graph, arn)
    if service == "logs" or ":aws-sdk:cloudwatchlogs:" in text(graph, arn):
        return None
    found = outside(graph, arn)
    if found.startswith("from "):
        return f"the target {found}", None
    return (found if service is not None else "a target the template does not determine"), None


def _fix(res: Resource, cdk: str, cfn: str) -> str:
    return SAM_FIX if res.source_resource else cdk if res.construct_path else cfn


def _message(graph: Graph, res: Resource, noun: str, verb: str, target: str, target_res: Resource | None,
             what: str) -> str:
    """``Rule X sends events to function F without a dead-letter queue: …``; a SAM event names its
    own function once."""
    head = subject(graph, res.logical_id, noun)
    if target_res is not None and target_res.logical_id == res.source_resource:
        return f"{head} has no dead-letter queue: {what} cannot deliver to {target} are dropped"
    return f"{head} {verb} {target} without a DLQ: {what} cannot deliver are dropped"


@rule(
    id="WA106",
    name="event-target-without-dlq",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 2",
)
def event_target_without_dlq(graph: Graph) -> Iterator[Finding]:
    """An EventBridge rule or Scheduler target without a dead-letter queue drops what it cannot deliver.

    ## Why
    EventBridge and EventBridge Scheduler retry a failed delivery (by default for up to
    24 hours and 185 attempts) and then drop the event; a missing permission or a deleted
    target drops it at once. With a `DeadLetterConfig` the event goes to an SQS queue
    instead, with the error that stopped it. This is separate from the target function's own
    failure handling (WA101): it covers the events that never reached the function.

    ## When it fires
    An `AWS::Events::Rule` target (event pattern or schedule; also from SAM `Schedule`,
    `EventBridgeRule` and `CloudWatchEvent` events and CDK rules) or an
    `AWS::Scheduler::Schedule` target (also from SAM `ScheduleV2` events) has no
    `DeadLetterConfig`. One finding per target.

    ## When it stays silent
    - The target is a CloudWatch Logs log group: delivery failures there are not retriable
      business events.
    - The rule or schedule fires at least hourly with a constant or no input for that target
      (`rate(…)` of an hour or less, a cron firing every hour): a keep-warm ping or a periodic
      run whose next one comes within the hour (as for WA101).
    - A `DeadLetterConfig` is set, also when only one `Fn::If` branch sets it.
    - The rule or schedule is a CDK framework internal.

    A target whose ARN the template does not determine (a parameter, an import, a dynamic
    reference) still counts: the missing DLQ does not depend on what the target is.

    ## Fix
    ```yaml
    # SAM
    Events:
      Nightly:
        Type: Schedule
        Properties:
          Schedule: rate(1 day)
          DeadLetterConfig:
            Type: SQS
    ```
    """
    for rule_res in graph.of_type("AWS::Events::Rule"):
        for cond, target in items(rule_res, "Targets"):
            if any(v is not None for _c, v in walk(target, ("DeadLetterConfig",), cond)):
                continue
            if target_ping(graph, rule_res, target) is not None:
                continue
            found = _target(graph, target.get("Arn"))
            if found is None:
                continue
            name, res = found
            mark = mark_of(target) if rule_res.source_resource is None else None
            yield Finding.at(
                rule_res,
                _message(graph, rule_res, "Rule", "sends events to", name, res, "events EventBridge"),
                fix=_fix(rule_res, CDK_RULE_FIX, RULE_FIX),
                related=[res] if res is not None else None,
                line=mark.line if mark is not None else None,
                condition=cond,
                subjects={"targets": [(res.source_resource or res.logical_id) if res is not None else name]},
            )
    for sched in graph.of_type("AWS::Scheduler::Schedule"):
        for cond, target in walk(sched.properties, ("Target",), sched.condition):
            if not isinstance(target, dict) or any(
                    v is not None for _c, v in walk(target, ("DeadLetterConfig",), cond)):
                continue
            if target_ping(graph, sched, target) is not None:
                continue
            found = _target(graph, target.get("Arn"))
            if found is None:
                continue
            name, res = found
            yield Finding.at(
                sched,
                _message(graph, sched, "Schedule", "invokes", name, res, "invocations Scheduler"),
                fix=_fix(sched, CDK_SCHEDULE_FIX, SCHEDULE_FIX),
                related=[res] if res is not None else None,
                line=sched.prop_line("Target"),
                condition=cond,
                subjects={"targets": [(res.source_resource or res.logical_id) if res is not None else name]},
            )
