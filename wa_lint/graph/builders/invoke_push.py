"""``invokes`` edges from services that push events to a function.

Most of them invoke asynchronously (S3, SNS, EventBridge rules and schedules, Scheduler, CloudWatch
Logs, IoT, SES, CodeCommit, Config): Lambda queues the event, retries it twice and then drops it
unless the function has a failure destination, which is what WA101 checks. Cognito triggers and
Pipes (unless ``FIRE_AND_FORGET``) wait for the answer: sync.
"""

from __future__ import annotations

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import add_invokes, node_for
from wa_lint.graph.model import Graph
from wa_lint.values import at, cased, items


@builder(order=50)
def s3_notifications(graph: Graph) -> None:
    """Bucket ``LambdaConfigurations`` (CloudFormation, SAM) and CDK's notifications resource."""
    for bucket in graph.of_type("AWS::S3::Bucket", include_internal=True):
        for cond, cfg in items(bucket, "NotificationConfiguration", "LambdaConfigurations"):
            add_invokes(graph, bucket.logical_id, cfg.get("Function"), via=bucket.logical_id,
                        condition=cond, mode="async", source="s3")
    for res in graph.of_type("Custom::S3BucketNotifications", include_internal=True):
        src = node_for(graph, res.prop("BucketName"), "s3", ("AWS::S3::Bucket",))
        for cond, cfg in items(res, "NotificationConfiguration", "LambdaFunctionConfigurations"):
            add_invokes(graph, src, cfg.get("LambdaFunctionArn"), via=res.logical_id,
                        condition=cond, mode="async", source="s3")


@builder(order=50)
def sns_subscriptions(graph: Graph) -> None:
    """``AWS::SNS::Subscription`` with protocol lambda, and a topic's inline ``Subscription``."""
    for sub in graph.of_type("AWS::SNS::Subscription", include_internal=True):
        if cased(graph.resolver, sub.prop("Protocol"), unknown_none=True) not in ("LAMBDA", None):
            continue
        src = node_for(graph, sub.prop("TopicArn"), "sns", ("AWS::SNS::Topic",))
        for cond, endpoint in at(sub, "Endpoint"):
            add_invokes(graph, src, endpoint, via=sub.logical_id, condition=cond, mode="async", source="sns")
    for topic in graph.of_type("AWS::SNS::Topic", include_internal=True):
        for cond, entry in items(topic, "Subscription"):
            if cased(graph.resolver, entry.get("Protocol"), unknown_none=True) in ("LAMBDA", None):
                add_invokes(graph, topic.logical_id, entry.get("Endpoint"), via=topic.logical_id,
                            condition=cond, mode="async", source="sns")


@builder(order=50)
def event_rules(graph: Graph) -> None:
    """EventBridge / CloudWatch Events rule targets (event patterns and schedules alike)."""
    for rule in graph.of_type("AWS::Events::Rule", include_internal=True):
        for cond, target in items(rule, "Targets"):
            add_invokes(graph, rule.logical_id, target.get("Arn"), via=rule.logical_id,
                        condition=cond, mode="async", source="events")


@builder(order=50)
def schedules(graph: Graph) -> None:
    """EventBridge Scheduler schedules: invoked through a role, so no permission names them."""
    for sched in graph.of_type("AWS::Scheduler::Schedule", include_internal=True):
        for cond, arn in at(sched, "Target", "Arn"):
            add_invokes(graph, sched.logical_id, arn, via=sched.logical_id, condition=cond,
                        mode="async", source="scheduler")


@builder(order=50)
def log_subscriptions(graph: Graph) -> None:
    """CloudWatch Logs subscription filters; the source is the log group when it is in the template."""
    for flt in graph.of_type("AWS::Logs::SubscriptionFilter", include_internal=True):
        src = node_for(graph, flt.prop("LogGroupName"), "logs", ("AWS::Logs::LogGroup",))
        for cond, arn in at(flt, "DestinationArn"):
            add_invokes(graph, src, arn, via=flt.logical_id, condition=cond, mode="async", source="logs")


@builder(order=50)
def iot_rules(graph: Graph) -> None:
    """IoT topic rule Lambda actions, including the error action."""
    for rule in graph.of_type("AWS::IoT::TopicRule", include_internal=True):
        for cond, action in items(rule, "TopicRulePayload", "Actions"):
            lam = action.get("Lambda")
            if isinstance(lam, dict):
                add_invokes(graph, rule.logical_id, lam.get("FunctionArn"), via=rule.logical_id,
                            condition=cond, mode="async", source="iot")
        for cond, arn in at(rule, "TopicRulePayload", "ErrorAction", "Lambda", "FunctionArn"):
            add_invokes(graph, rule.logical_id, arn, via=rule.logical_id, condition=cond,
                        mode="async", source="iot", error_action=True)


@builder(order=50)
def ses_receipt_rules(graph: Graph) -> None:
    """SES receipt rule Lambda actions: ``Event`` (async) unless ``RequestResponse``."""
    for rule in graph.of_type("AWS::SES::ReceiptRule", include_internal=True):
        for cond, action in items(rule, "Rule", "Actions"):
            lam = action.get("LambdaAction")
            if not isinstance(lam, dict):
                continue
            sync = cased(graph.resolver, lam.get("InvocationType"), unknown_none=True) == "REQUESTRESPONSE"
            add_invokes(graph, rule.logical_id, lam.get("FunctionArn"), via=rule.logical_id,
                        condition=cond, mode="sync" if sync else "async", source="ses")


@builder(order=50)
def codecommit_triggers(graph: Graph) -> None:
    """CodeCommit repository triggers whose destination is a function."""
    for repo in graph.of_type("AWS::CodeCommit::Repository", include_internal=True):
        for cond, trigger in items(repo, "Triggers"):
            add_invokes(graph, repo.logical_id, trigger.get("DestinationArn"), via=repo.logical_id,
                        condition=cond, mode="async", source="codecommit")


@builder(order=50)
def config_rules(graph: Graph) -> None:
    """AWS Config custom rules (``Owner: CUSTOM_LAMBDA``)."""
    for rule in graph.of_type("AWS::Config::ConfigRule", include_internal=True):
        for cond, src in at(rule, "Source"):
            owner = cased(graph.resolver, src.get("Owner"), unknown_none=True) if isinstance(src, dict) else ""
            if isinstance(src, dict) and owner in ("CUSTOM_LAMBDA", None):
                add_invokes(graph, rule.logical_id, src.get("SourceIdentifier"), via=rule.logical_id,
                            condition=cond, mode="async", source="config")


@builder(order=50)
def cognito_triggers(graph: Graph) -> None:
    """Cognito user pool triggers: the sign-in flow waits for them (sync)."""
    for pool in graph.of_type("AWS::Cognito::UserPool", include_internal=True):
        for cond, config in at(pool, "LambdaConfig"):
            if not isinstance(config, dict):
                continue
            for trigger, value in config.items():
                if trigger == "KMSKeyID":
                    continue
                if isinstance(value, dict) and "LambdaArn" in value:  # CustomSMSSender etc.
                    value = value["LambdaArn"]
                add_invokes(graph, pool.logical_id, value, via=pool.logical_id, condition=cond,
                            mode="sync", source="cognito-idp", trigger=trigger)


@builder(order=50)
def pipes(graph: Graph) -> None:
    """EventBridge Pipes: the target waits unless ``FIRE_AND_FORGET``; enrichment is always sync."""
    for pipe in graph.of_type("AWS::Pipes::Pipe", include_internal=True):
        params = pipe.prop("TargetParameters")
        fire_and_forget = False
        if isinstance(params, dict):
            for key in ("LambdaFunctionParameters", "StepFunctionStateMachineParameters"):
                section = params.get(key)
                kind = cased(graph.resolver, section.get("InvocationType"), unknown_none=True) \
                    if isinstance(section, dict) else None
                fire_and_forget = fire_and_forget or kind == "FIRE_AND_FORGET"
        for cond, target in at(pipe, "Target"):
            add_invokes(graph, pipe.logical_id, target, via=pipe.logical_id, condition=cond,
                        mode="async" if fire_and_forget else "sync", source="pipes")
        for cond, enrichment in at(pipe, "Enrichment"):
            add_invokes(graph, pipe.logical_id, enrichment, via=pipe.logical_id, condition=cond,
                        mode="sync", source="pipes", enrichment=True)
