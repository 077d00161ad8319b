"""WA502: API Gateway stages without access logs leave no record of who called what."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, rule
from wa_lint.graph.builders.invoke_common import walk

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
      resource describes, and its `StageDescription` has no `AccessLogSetting`.

    ## When it stays silent
    - A destination is set, also when only one `Fn::If` branch sets it.
    - The stage belongs to a CDK framework construct, or is the `$default` stage API Gateway
      creates for an HTTP API quick-create `Target` (no stage resource to configure).
    - The deployment is one a `Stage` resource points at (SAM's deployments carry a `StageName`
      of their own: the stage resource is what the user configures).

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
        yield Finding.at(
            stage,
            f"{what}{of_api} writes no access logs ({prop}.DestinationArn is not set): requests, "
            "callers and errors leave no record",
            fix=SAM_FIX if stage.source_resource else CFN_FIX.format(prop=prop),
            related=[r for r in (graph.resource(api),) if r is not None],
        )
    described = {graph.target(s.prop("DeploymentId")) for s in graph.of_type("AWS::ApiGateway::Stage",
                                                                            include_internal=True)}
    for deployment in graph.of_type("AWS::ApiGateway::Deployment"):
        name = _stage_name(graph, deployment.prop("StageName"))
        if deployment.prop("StageName") is None or deployment.logical_id in described:
            continue
        if _logged(deployment, "StageDescription", "AccessLogSetting", "DestinationArn"):
            continue
        api = graph.target(deployment.prop("RestApiId"))
        yield Finding.at(
            deployment,
            f"Stage {name or '(unknown name)'} created by deployment {graph.label(deployment.logical_id)}"
            f"{' of ' + graph.label(api) if api else ''} writes no access logs "
            "(StageDescription.AccessLogSetting is not set): requests, callers and errors leave no record",
            fix="Add StageDescription.AccessLogSetting with a DestinationArn and a Format, or describe "
                "the stage with an AWS::ApiGateway::Stage resource that sets AccessLogSetting.",
            related=[r for r in (graph.resource(api),) if r is not None],
        )
