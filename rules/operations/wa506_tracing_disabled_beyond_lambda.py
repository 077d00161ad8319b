"""WA506: API stages, state machines and AppSync APIs without X-Ray tracing break every trace."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, api_stages, rule, walk

STATE_MACHINE, APPSYNC = "AWS::StepFunctions::StateMachine", "AWS::AppSync::GraphQLApi"
FIXES = {
    ("rest", True): "Set TracingEnabled: true on the Api (or under Globals: Api).",
    ("rest", False): "Set TracingEnabled: true on the stage (CDK: deployOptions: {tracingEnabled: true}).",
    ("deployment", False): "Set StageDescription.TracingEnabled: true on the deployment.",
    ("sfn", True): "Set Tracing: {Enabled: true} on the state machine (or under Globals: StateMachine).",
    ("sfn", False): "Set TracingConfiguration: {Enabled: true} (CDK: tracingEnabled: true).",
    ("appsync", False): "Set XrayEnabled: true on the GraphQL API (CDK: xrayEnabled: true).",
}


def traceable(graph: Graph) -> list[Resource]:
    """The resources WA506 judges: REST API stages, state machines and AppSync GraphQL APIs."""
    stages = [s.resource for s in api_stages(graph) if s.kind == "rest"]
    return [*stages, *graph.of_type(STATE_MACHINE, APPSYNC)]


def _sam(res: Resource) -> bool:
    return bool(res.source_resource)


@rule(
    id="WA506",
    name="tracing-disabled-beyond-lambda",
    pillar=Pillar.OPERATIONS,
    severity=Severity.INFO,
    lens="OPS 1",
    applies_to=traceable,
)
def tracing_disabled_beyond_lambda(graph: Graph) -> Iterator[Finding]:
    """An API stage, state machine or AppSync API records no X-Ray traces.

    ## Why
    A trace is only as complete as its least traced hop. When the API in front of functions, or
    the state machine that orchestrates them, does not record segments, a trace starts in the
    middle (no API latency, no integration errors) or splits into unrelated pieces per task, and
    the service map misses the resource that users actually call.

    ## When it fires
    - A REST API stage (`AWS::ApiGateway::Stage`, SAM `Api` and its implicit
      `ServerlessRestApi`, CDK `RestApi` `deployOptions`, or the stage a deployment creates with
      `StageName`) has no `TracingEnabled: true` (SAM `TracingEnabled`, also under
      `Globals: Api`).
    - An `AWS::StepFunctions::StateMachine` has no `TracingConfiguration.Enabled: true` (SAM
      `Tracing`, also under `Globals: StateMachine`).
    - An `AWS::AppSync::GraphQLApi` has no `XrayEnabled: true`.

    HTTP and WebSocket APIs do not support X-Ray and are not judged.

    ## When it stays silent
    - Tracing is on, also when only one `Fn::If` branch turns it on.
    - The value cannot be read (a parameter without a default).
    - The resource is a CDK framework internal.

    ## Fix
    ```yaml
    Globals:
      Api:
        TracingEnabled: true
      StateMachine:
        Tracing:
          Enabled: true
    ```
    """
    for stage in api_stages(graph):
        if stage.kind != "rest":
            continue
        if graph.resolver.switch([v for _c, v in stage.values("TracingEnabled")]) != "off":
            continue
        name = stage.name or graph.label(stage.resource.logical_id)
        api = f" of {graph.label(stage.api)}" if stage.api else ""
        fix = FIXES[("deployment", False)] if stage.prefix else FIXES[("rest", _sam(stage.resource))]
        yield Finding.at(stage.resource, f"API stage {name}{api} records no X-Ray traces (TracingEnabled is not "
                         "true): traces start behind the API", fix=fix,
                         related=[r for r in (graph.resource(stage.api),) if r is not None],
                         line=stage.line("TracingEnabled"))
    for machine in graph.of_type(STATE_MACHINE):
        values = [v for _c, v in walk(machine.properties, ("TracingConfiguration", "Enabled"), machine.condition)]
        if graph.resolver.switch(values) != "off":
            continue
        yield Finding.at(machine, f"State machine {graph.label(machine.logical_id)} records no X-Ray traces "
                         "(TracingConfiguration.Enabled is not true): its tasks appear as unrelated traces",
                         fix=FIXES[("sfn", _sam(machine))], line=machine.prop_line("TracingConfiguration"))
    for graphql in graph.of_type(APPSYNC):
        values = [v for _c, v in walk(graphql.properties, ("XrayEnabled",), graphql.condition)]
        if graph.resolver.switch(values) != "off":
            continue
        name = graph.label(graphql.logical_id)
        yield Finding.at(graphql, f"AppSync API {name} records no X-Ray traces (XrayEnabled is not true): resolver "
                         "latency and errors are missing from traces",
                         fix=FIXES[("appsync", False)], line=graphql.prop_line("XrayEnabled"))
