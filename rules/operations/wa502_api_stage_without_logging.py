"""WA502: API Gateway stages without access logs leave no record of who called what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, each, fitting, rule, shorten, walk

#: Stage type → (access log property, API id property, kind of API).
STAGES = {
    "AWS::ApiGateway::Stage": ("AccessLogSetting", "RestApiId"),
    "AWS::ApiGatewayV2::Stage": ("AccessLogSettings", "ApiId"),
}
SAM_FIX = ("Add AccessLogSetting (REST: Api) or AccessLogSettings (HttpApi) with a DestinationArn and a "
           "Format to the API; for SAM's implicit APIs under Globals: Api / HttpApi.")
CFN_FIX = ("Add {prop}: {{DestinationArn: <log group ARN>, Format: <JSON with $context.requestId, "
           "$context.status…>}} to the stage.")


def _logged(res: Resource, *path: str) -> bool:
    """Whether a destination is set, in at least one ``Fn::If`` branch."""
    return any(v is not None for _cond, v in walk(res.properties, path, res.condition))


def _stage_name(graph: Graph, value: Any) -> str | None:
    name = graph.resolver.scalar(value)
    return name if isinstance(name, str) and name else None


@rule(
    id="WA502",
    name="api-stage-without-logging",
    pillar=Pillar.OPERATIONS,
    severity=Severity.WARNING,
    lens="OPS 1",
)
def api_stage_without_logging(graph: Graph) -> Iterator[Finding]:
    """An API Gateway stage writes no access logs.

    ## Why
    Access logs are the one record of every request an API received: caller, route, status,
    latency, integration error. Without them a spike of 4xx/5xx or a throttling incident cannot
    be traced to clients or routes after the fact, and metrics alone do not say who was affected.

    ## When it fires
    - An `AWS::ApiGateway::Stage` (REST, also SAM `AWS::Serverless::Api` and CDK `RestApi`
      stages) has no `AccessLogSetting.DestinationArn`.
    - An `AWS::ApiGatewayV2::Stage` (HTTP and WebSocket, also SAM `AWS::Serverless::HttpApi`)
      has no `AccessLogSettings.DestinationArn`.
    - An `AWS::ApiGateway::Deployment` creates a stage itself (`StageName`) that no `Stage`
      resource describes, and its `StageDescription` has no `AccessLogSetting`. This includes
      a deployment that a logged `Stage` of another name points at: SAM's deployments create a
      stage named `Stage` beside the configured one unless `OpenApiVersion` is 3.x, and that
      stage takes requests without logs.

    When execution logging is on (`LoggingLevel` `INFO` or `ERROR`), the message names its level:
    execution logs still lack a queryable record per request (caller, route, status, latency);
    `ERROR` records only errors, `INFO` how API Gateway processed each request.

    ## When it stays silent
    - A destination is set, also when only one `Fn::If` branch sets it.
    - The stage belongs to a CDK framework construct, or is the `$default` stage API Gateway
      creates for an HTTP API quick-create `Target` (no stage resource to configure).
    - The deployment is one a `Stage` resource points at and creates no stage of another name
      (or the names cannot be read).

    ## Fix
    ```yaml
    Api:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        AccessLogSetting:
          DestinationArn: !GetAtt ApiAccessLogs.Arn
          Format: '{"requestId":"$context.requestId","status":"$context.status","ip":"$context.identity.sourceIp"}'
    ```
    """
    for stage in graph.of_type(*STAGES):
        prop, api_prop = STAGES[stage.type]
        if _logged(stage, prop, "DestinationArn"):
            continue
        name = _stage_name(graph, stage.prop("StageName"))
        api = graph.target(stage.prop(api_prop))
        what = f"Stage {name}" if name else f"Stage {graph.label(stage.logical_id)}"
        of_api = f" of {graph.label(api)}" if api else ""
        levels = _execution_levels(graph, stage)
        yield Finding.at(
            stage,
            fitting(f"{what}{of_api} writes no access logs{tail}"
                    for tail in _tails(f"{prop}.DestinationArn", levels)),
            fix=SAM_FIX if stage.source_resource else CFN_FIX.format(prop=prop),
            related=[r for r in (graph.resource(api),) if r is not None],
        )
    described: dict[str | None, list[Resource]] = {}
    for stage in graph.of_type("AWS::ApiGateway::Stage", include_internal=True):
        described.setdefault(graph.target(stage.prop("DeploymentId")), []).append(stage)
    for deployment in graph.of_type("AWS::ApiGateway::Deployment"):
        if deployment.prop("StageName") is None:
            continue
        name = _stage_name(graph, deployment.prop("StageName"))
        beside = _logged_stage_beside(graph, name, described.get(deployment.logical_id, []))
        if deployment.logical_id in described and beside is None:
            continue
        if _logged(deployment, "StageDescription", "AccessLogSetting", "DestinationArn"):
            continue
        api = graph.target(deployment.prop("RestApiId"))
        of_api = f" of {graph.label(api)}" if api else ""
        levels = _execution_levels(graph, deployment, "StageDescription")
        label = graph.label(deployment.logical_id)
        if beside is not None:
            heads = [f"Deployment {label} also creates stage {name}{of_api} beside the logged stage {beside}; "
                     "that stage writes no access logs",
                     *(f"Stage {name}{of_api}, created by deployment {shorten(label, budget)} beside the logged "
                       f"stage {beside}, writes no access logs" for budget in (1000, 40))]
        else:
            heads = [f"Stage {name or '(unknown name)'} created by deployment {shorten(label, budget)}{of_api} "
                     "writes no access logs" for budget in (1000, 40)]
        yield Finding.at(
            deployment,
            fitting(head + tail for head in heads for tail in _tails("StageDescription.AccessLogSetting", levels)),
            fix=_deployment_fix(deployment, beside),
            related=[r for r in (graph.resource(api),) if r is not None],
        )


def _logged_stage_beside(graph: Graph, name: str | None, stages: list[Resource]) -> str | None:
    """The name of a logged ``Stage`` resource on this deployment whose name differs from the
    stage the deployment creates itself (SAM's ``Stage`` beside ``prod``); None when there is
    none or a name is unknown (then they may be the same stage)."""
    if name is None:
        return None
    names = [_stage_name(graph, s.prop("StageName")) for s in stages]
    if None in names or name in names:
        return None
    logged = [n for s, n in zip(stages, names, strict=True) if _logged(s, "AccessLogSetting", "DestinationArn")]
    return logged[0] if logged else None


def _deployment_fix(deployment: Resource, beside: str | None) -> str:
    if beside is not None and deployment.source_resource:
        return ("Set OpenApiVersion: '3.0.1' on the API (or under Globals: Api): SAM then stops creating the "
                "extra stage named Stage through the deployment.")
    if beside is not None:
        return (f"Remove StageName from the deployment (the Stage resource creates stage {beside}), or add "
                "StageDescription.AccessLogSetting with a DestinationArn and a Format.")
    return ("Add StageDescription.AccessLogSetting with a DestinationArn and a Format, or describe "
            "the stage with an AWS::ApiGateway::Stage resource that sets AccessLogSetting.")


def _execution_levels(graph: Graph, res: Resource, *prefix: str) -> set[str]:
    """Execution-logging levels other than ``OFF`` a stage sets anywhere: REST ``MethodSettings``
    (or a deployment's ``StageDescription.LoggingLevel``), WebSocket ``DefaultRouteSettings`` and
    ``RouteSettings``."""
    values: list[Any] = []
    for _c, level in walk(res.properties, (*prefix, "LoggingLevel"), res.condition):
        values.append(level)
    for _c, level in walk(res.properties, ("DefaultRouteSettings", "LoggingLevel"), res.condition):
        values.append(level)
    for _c, settings in walk(res.properties, (*prefix, "MethodSettings"), res.condition):
        for _c2, entry in each(settings):
            values.append(entry.get("LoggingLevel"))
    for _c, routes in walk(res.properties, ("RouteSettings",), res.condition):
        for route in routes.values() if isinstance(routes, dict) else ():
            values.append(route.get("LoggingLevel") if isinstance(route, dict) else None)
    levels = {graph.resolver.scalar(v) for v in values if v is not None}
    return {str(v).upper() for v in levels if isinstance(v, str) and v.upper() in ("INFO", "ERROR")}


def _tails(prop: str, levels: set[str]) -> list[str]:
    """The ends of the message, longest first: the property that is not set, then what is missing
    without access logs given the execution-logging levels that are on."""
    if not levels:
        return [f" ({prop} is not set): requests, callers and errors leave no record", f" ({prop} is not set)", ""]
    level = "INFO" if "INFO" in levels else "ERROR"
    scope = "how API Gateway processed requests" if level == "INFO" else "only errors"
    only = f", only execution logs (LoggingLevel {level})"
    return [f" ({prop} is not set): execution logging (LoggingLevel {level}) records {scope}, not one line per request",
            f" ({prop} is not set){only}", only]
