"""``invokes`` edges known only from ``AWS::Lambda::Permission`` resource policies.

A permission's principal tells the invocation model even when the source itself is elsewhere
(another stack, an imported bucket). It runs after the other invocation builders and adds an edge
only for sources they did not already see, so each invoker appears once. Principals that say
nothing about the model (accounts, ARNs, ``*``) add no edge but mark the function
``unknown_invokers`` so that rules can stay silent about a function they cannot fully see.
"""

from __future__ import annotations

from typing import Any

from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import functions_in, node_for, scalar, text
from wa_lint.graph.model import STATE_MACHINE, Graph
from wa_lint.model import Resource
from wa_lint.values import referenced_resources

#: Service principal (without ``.amazonaws.com``) → invocation mode.
PRINCIPALS = {
    "s3": "async", "sns": "async", "events": "async", "logs": "async", "iot": "async",
    "ses": "async", "codecommit": "async", "config": "async", "scheduler": "async",
    "lambda.alarms.cloudwatch": "async",
    "apigateway": "sync", "elasticloadbalancing": "sync", "cognito-idp": "sync", "lex": "sync",
    "lexv2": "sync", "alexa-appkit": "sync", "states": "sync", "connect": "sync",
    "cloudformation": "sync",  # macros
}
#: Edge ``source`` when it differs from the principal's name.
SOURCE_NAMES = {"lexv2": "lex", "lambda.alarms.cloudwatch": "cloudwatch"}
#: Resource types that can be the source a permission's ``SourceArn`` names, per principal.
SOURCE_TYPES = {
    "s3": ("AWS::S3::Bucket",),
    "sns": ("AWS::SNS::Topic",),
    "events": ("AWS::Events::Rule",),
    "logs": ("AWS::Logs::LogGroup",),
    "iot": ("AWS::IoT::TopicRule",),
    "ses": ("AWS::SES::ReceiptRule", "AWS::SES::ReceiptRuleSet"),
    "codecommit": ("AWS::CodeCommit::Repository",),
    "config": ("AWS::Config::ConfigRule",),
    "scheduler": ("AWS::Scheduler::Schedule",),
    "apigateway": ("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"),
    "elasticloadbalancing": ("AWS::ElasticLoadBalancingV2::TargetGroup",),
    "cognito-idp": ("AWS::Cognito::UserPool",),
    "states": (STATE_MACHINE,),
    "lambda.alarms.cloudwatch": ("AWS::CloudWatch::Alarm",),
}
SUFFIXES = (".amazonaws.com.cn", ".amazonaws.com", ".amazon.com")


def principal_service(graph: Graph, value: Any) -> str | None:
    """The known service of a principal (``logs.eu-west-1.amazonaws.com`` → ``logs``), else None."""
    name = text(graph, value)
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    else:
        return None
    if name in PRINCIPALS:
        return name
    first = name.split(".", 1)[0]
    return first if first in PRINCIPALS else None


def _is_url(graph: Graph, perm: Resource) -> bool:
    """Function URL permissions: ``lambda:InvokeFunctionUrl`` or ``InvokedViaFunctionUrl``."""
    action = scalar(graph, perm.prop("Action"))
    return (
        (isinstance(action, str) and action.lower() == "lambda:invokefunctionurl")
        or scalar(graph, perm.prop("InvokedViaFunctionUrl")) in (True, "true")
        or perm.prop("FunctionUrlAuthType") is not None
    )


def _invokes_action(graph: Graph, perm: Resource) -> bool:
    action = scalar(graph, perm.prop("Action"))
    if not isinstance(action, str):
        return True  # unknown: assume it is an invoke permission
    action = action.lower()
    return action.startswith("lambda:invoke") or action in ("lambda:*", "*")


def _already_seen(graph: Graph, fn: str, refs: list[str], source: str) -> bool:
    """Whether an earlier builder has an edge for the source this permission is for."""
    edges = graph.invokers(fn)
    if refs:
        return any(e.src in refs or e.via in refs for e in edges)
    return any(e.get("source") == source for e in edges)


@builder(order=55)
def permissions(graph: Graph) -> None:
    """Edges from permission principals for invokers not otherwise seen."""
    for perm in graph.of_type("AWS::Lambda::Permission", include_internal=True):
        if not _invokes_action(graph, perm):
            continue
        targets = functions_in(graph, perm.prop("FunctionName"), perm.condition)
        if not targets:
            continue
        service = "lambda-url" if _is_url(graph, perm) else principal_service(graph, perm.prop("Principal"))
        if service is None:
            for fn, _qualifier, _cond in targets:
                graph.node(fn)["unknown_invokers"] = True
            continue
        mode = PRINCIPALS.get(service, "sync")  # function URLs are synchronous
        source = SOURCE_NAMES.get(service, service)
        source_arn = perm.prop("SourceArn")
        refs = referenced_resources(source_arn, graph.stack.resources)
        for fn, qualifier, cond in targets:
            if _already_seen(graph, fn, refs, source):
                continue
            src = node_for(graph, source_arn, source, SOURCE_TYPES.get(service, ()))
            if src == fn:
                continue
            graph.add_edge(src, fn, "invokes", via=perm.logical_id, condition=cond,
                           mode=mode, source=source, qualifier=qualifier)
