"""WA111: an API stage without throttling lets one client spend the account's whole concurrency."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.api import (
    ApiStage,
    Finding,
    Graph,
    Pillar,
    Resource,
    Severity,
    api_stages,
    each,
    is_private,
    operations,
    rule,
    walk,
)

LIMITS = ("ThrottlingRateLimit", "ThrottlingBurstLimit")
USAGE_PLAN = "AWS::ApiGateway::UsagePlan"
REST_SAM_FIX = ("Add MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, "
                "ThrottlingBurstLimit: 50}] to the Api (Globals: Api for the implicit one).")
REST_CFN_FIX = ("Add MethodSettings: [{ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, "
                "ThrottlingBurstLimit: 50}] to the stage.")
REST_CDK_FIX = "Pass deployOptions: {throttlingRateLimit: 100, throttlingBurstLimit: 50} to the RestApi."
DEPLOYMENT_FIX = "Add ThrottlingRateLimit and ThrottlingBurstLimit to the deployment's StageDescription."
HTTP_SAM_FIX = "Add DefaultRouteSettings: {ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50} to the HttpApi."
HTTP_CFN_FIX = ("Add DefaultRouteSettings: {ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50} to the stage "
                "(CDK: throttle on the HttpApi's stage).")


def _throttled(settings: Any) -> bool:
    """Whether a settings mapping sets a rate or burst limit (in some ``Fn::If`` alternative)."""
    return any(v is not None for key in LIMITS for _c, v in walk(settings, (key,)))


def _decode_path(graph: Graph, value: Any) -> str | None:
    """``MethodSettings.ResourcePath`` as a path (``/~1orders`` is ``/orders``); ``*`` for all."""
    path = graph.resolver.scalar(value)
    if not isinstance(path, str):
        return None
    if path in ("/*", "*"):
        return "*"
    return "/" + path[1:].replace("~1", "/").lstrip("/") if path.startswith("/") else None


def _rest_settings(graph: Graph, stage: ApiStage) -> tuple[bool, set[tuple[str, str]]]:
    """(every method throttled, the (path, method) pairs throttled one by one)."""
    if stage.prefix and any(stage.is_set(k) for k in LIMITS):
        return True, set()  # a deployment's StageDescription limits apply to /*/*
    pairs: set[tuple[str, str]] = set()
    for _c, settings in stage.values("MethodSettings"):
        for _c2, entry in each(settings):
            if not _throttled(entry):
                continue
            path = _decode_path(graph, entry.get("ResourcePath", "/*"))
            method = graph.resolver.scalar(entry.get("HttpMethod", "*"))
            if path is None or not isinstance(method, str):
                return True, set()  # cannot tell which methods: assume covered
            if path == "*" and method == "*":
                return True, set()
            pairs.add((path, method.upper()))
    return False, pairs


def _covers_rest(pairs: set[tuple[str, str]], ops: list[tuple[str, str]]) -> bool | None:
    """Whether per-method settings cover every operation; None when the operations are unknown."""
    if not ops:
        return None
    return all(any(p in ("*", path) and m in ("*", method) for p, m in pairs) for path, method in ops)


def _usage_plan_stages(graph: Graph) -> list[tuple[Resource, Any, Any]]:
    """(plan, ApiId, Stage) of every usage plan that sets a throttle, on the plan or per stage."""
    found = []
    for plan in graph.of_type(USAGE_PLAN, include_internal=True):
        plan_throttle = any(v is not None for _c, v in walk(plan.properties, ("Throttle",)))
        for _c, entry in each(plan.prop("ApiStages")):
            stage_throttle = any(v for _c2, v in walk(entry, ("Throttle",)))
            if plan_throttle or stage_throttle:
                found.append((plan, entry.get("ApiId"), entry.get("Stage")))
    return found


def _plan_covers(graph: Graph, stage: ApiStage, plans: list[tuple[Resource, Any, Any]]) -> bool:
    for _plan, api_id, stage_value in plans:
        api = graph.target(api_id)
        if api is not None and api != stage.api:
            continue
        if api is None and graph.resolver.scalar(api_id) is not None and stage.api is not None:
            continue  # a literal or imported API id is not this stack's API
        target = graph.target(stage_value)
        if target == stage.resource.logical_id:
            return True
        name = graph.resolver.scalar(stage_value)
        if target is None and (not isinstance(name, str) or stage.name is None or name == stage.name):
            return True  # the stage name cannot be compared: it may be this stage
    return False


def _http_covered(stage: ApiStage, routes: list[str]) -> bool | None:
    if any(_throttled(v) for _c, v in stage.values("DefaultRouteSettings")):
        return True
    throttled: set[str] = set()
    for _c, settings in stage.values("RouteSettings"):
        if not isinstance(settings, dict):
            return None if settings is not None else False
        throttled |= {key for key, value in settings.items() if _throttled(value)}
    if not throttled:
        return False
    if not routes:
        return None
    return all(route in throttled for route in routes)


def stages(graph: Graph) -> list[Resource]:
    """The stages WA111 judges: REST stages (also a deployment's own) and HTTP API stages."""
    return [s.resource for s in api_stages(graph) if s.kind in ("rest", "http")]


@rule(
    id="WA111",
    name="api-without-throttling",
    pillar=Pillar.RELIABILITY,
    severity=Severity.WARNING,
    lens="REL 1",
    applies_to=stages,
)
def api_without_throttling(graph: Graph) -> Iterator[Finding]:
    """An API stage has no throttling: one client can spend the whole account's concurrency.

    ## Why
    Without a stage or usage-plan limit, an API accepts requests up to the account's regional
    API Gateway limit (10,000 requests per second by default) and passes them on. One runaway
    client or a retry storm then consumes the functions' shared account concurrency, and every
    other function of the account is throttled with it. A stage limit turns the excess into
    `429 Too Many Requests` at the edge, where clients can back off.

    ## When it fires
    - A REST API stage (`AWS::ApiGateway::Stage`, SAM `Api` and its implicit
      `ServerlessRestApi`, CDK `RestApi` `deployOptions`, or the stage a deployment creates with
      `StageName`) has no `MethodSettings` entry with `ThrottlingRateLimit` or
      `ThrottlingBurstLimit` for `ResourcePath: /*` and `HttpMethod: *`, no such entries for
      every method of the API, and no `AWS::ApiGateway::UsagePlan` with a `Throttle` lists
      the stage in its `ApiStages`.
    - An HTTP API stage (`AWS::ApiGatewayV2::Stage`, SAM `HttpApi` and its implicit
      `ServerlessHttpApi`) has no `DefaultRouteSettings` throttling and no `RouteSettings`
      throttling for every route.

    ## When it stays silent
    - Throttling covers every method or route (through `/*/*`, per-method settings for every
      method, a deployment's `StageDescription` limits, or a usage plan with `Throttle`).
    - The REST API is private (`EndpointConfiguration` `PRIVATE`): only callers in your VPCs
      reach it.
    - Per-method or per-route settings exist but the API's methods or routes cannot be listed
      (an OpenAPI body from S3), or the usage plan's stage or a setting cannot be read.
    - The stage is a WebSocket stage or belongs to a CDK framework internal.

    ## Fix
    ```yaml
    Api:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        MethodSettings:
          - ResourcePath: '/*'
            HttpMethod: '*'
            ThrottlingRateLimit: 100
            ThrottlingBurstLimit: 50
    ```
    For an HTTP API, `DefaultRouteSettings: {ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50}`.
    In CDK: `deployOptions: {throttlingRateLimit: 100, throttlingBurstLimit: 50}` on a
    `RestApi`, or `throttle: {rateLimit, burstLimit}` on an HTTP API stage.
    """
    plans = _usage_plan_stages(graph)
    rest_ops: dict[str | None, list[tuple[str, str]]] = {}
    http_routes: dict[str | None, list[str]] = {}
    for op in operations(graph):
        if op.kind == "rest":
            rest_ops.setdefault(op.api, []).append((op.path, op.method))
        elif op.kind == "http":
            http_routes.setdefault(op.api, []).append(op.route)
    for stage in api_stages(graph):
        if stage.kind == "rest":
            if is_private(graph, stage.api):
                continue
            everything, pairs = _rest_settings(graph, stage)
            if everything or _plan_covers(graph, stage, plans):
                continue
            if pairs and _covers_rest(pairs, rest_ops.get(stage.api, [])) is not False:
                continue
            partial, setting = bool(pairs), "MethodSettings"
            fix = (DEPLOYMENT_FIX if stage.prefix else REST_SAM_FIX if stage.resource.source_resource
                   else REST_CDK_FIX if stage.resource.construct_path else REST_CFN_FIX)
        elif stage.kind == "http":
            covered = _http_covered(stage, http_routes.get(stage.api, []))
            if covered is not False:
                continue
            partial, setting = stage.is_set("RouteSettings"), "DefaultRouteSettings"
            fix = HTTP_SAM_FIX if stage.resource.source_resource else HTTP_CFN_FIX
        else:
            continue
        yield Finding.at(stage.resource, _message(graph, stage, partial), fix=fix,
                         related=[r for r in (graph.resource(stage.api),) if r is not None],
                         line=stage.line(setting))


def _message(graph: Graph, stage: ApiStage, partial: bool) -> str:
    name = stage.name or graph.label(stage.resource.logical_id)
    api = f" of {graph.label(stage.api)}" if stage.api else ""
    if stage.kind == "http":
        what = "RouteSettings throttle only some routes" if partial else "no DefaultRouteSettings throttling"
    else:
        what = ("MethodSettings throttle only some methods" if partial
                else "neither MethodSettings nor a usage plan sets a limit")
    return f"API stage {name}{api} has no throttling ({what}): one client can take the account's concurrency"
