"""API Gateway stages however they were written: a query module for WA111, WA506, WA508 and WA505.

A stage is an ``AWS::ApiGateway::Stage`` (REST, also SAM ``Api`` and CDK ``RestApi`` stages), an
``AWS::ApiGatewayV2::Stage`` (HTTP and WebSocket), or the stage an ``AWS::ApiGateway::Deployment``
creates through its own ``StageName`` when no ``Stage`` resource describes that deployment (its
settings then live under ``StageDescription``). For each stage it answers which API it belongs to,
what kind that API is, its name, and where its settings are, so rules read settings one way.

Computed once per graph (``graph.memo``); nothing here adds edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from wa_lint.graph.builders.invoke_common import walk
from wa_lint.graph.model import Graph
from wa_lint.model import Resource
from wa_lint.values import branches

REST_STAGE, HTTP_STAGE = "AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"
DEPLOYMENT, REST_API, V2_API = "AWS::ApiGateway::Deployment", "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"
ApiKind = Literal["rest", "http", "websocket", "unknown"]
_MEMO = "wa_lint.api_stages"


@dataclass(frozen=True, slots=True)
class ApiStage:
    """One stage. ``prefix`` leads from the resource's properties to the stage settings
    (``("StageDescription",)`` for a deployment's own stage); ``api`` is the API's logical id
    when it is in this stack; ``name`` the stage name when the template determines it."""

    resource: Resource
    kind: ApiKind
    api: str | None
    name: str | None
    prefix: tuple[str, ...] = ()

    @property
    def access_log_key(self) -> str:
        """``AccessLogSetting`` (REST) or ``AccessLogSettings`` (HTTP / WebSocket)."""
        return "AccessLogSetting" if self.kind == "rest" else "AccessLogSettings"

    def values(self, *path: str) -> Iterator[tuple[str | None, Any]]:
        """Each ``Fn::If`` alternative of a stage setting, with its condition; None: absent."""
        return walk(self.resource.properties, (*self.prefix, *path), self.resource.condition)

    def is_set(self, *path: str) -> bool:
        """Whether the setting is present in at least one alternative."""
        return any(v is not None for _c, v in self.values(*path))

    def line(self, *path: str) -> int:
        """The line of the setting (or of the nearest part of it that is written)."""
        for depth in range(len(self.prefix) + len(path), 0, -1):
            keys = (*self.prefix, *path)[:depth]
            if self.resource.prop(*keys) is not None:
                return self.resource.prop_line(*keys)
        return self.resource.line


def api_stages(graph: Graph) -> list[ApiStage]:
    """Every API Gateway stage of the stack (CDK framework internals excluded), computed once."""
    return graph.memo(_MEMO, lambda: list(_stages(graph)))


def stage_name(graph: Graph, value: Any) -> str | None:
    name = graph.resolver.scalar(value)
    return name if isinstance(name, str) and name else None


def api_kind(graph: Graph, api: str | None, stage_type: str) -> ApiKind:
    """REST for ``AWS::ApiGateway`` stages; for V2 stages the API's ``ProtocolType``."""
    if stage_type != HTTP_STAGE:
        return "rest"
    res = graph.resource(api)
    if res is None or res.type != V2_API:
        return "unknown"
    protocol = graph.resolver.scalar(res.prop("ProtocolType"))
    if isinstance(protocol, str) and protocol.upper() in ("HTTP", "WEBSOCKET"):
        return "http" if protocol.upper() == "HTTP" else "websocket"
    if protocol is None and res.prop("Body") is not None:
        return "http"  # SAM's HttpApi writes ProtocolType into the Body only
    return "unknown"


def is_private(graph: Graph, api: str | None) -> bool:
    """Whether a REST API is private (``EndpointConfiguration.Types`` names ``PRIVATE`` in some
    alternative, or SAM's string form)."""
    res = graph.resource(api)
    if res is None:
        return False
    for _cond, types in walk(res.properties, ("EndpointConfiguration", "Types"), res.condition):
        for _c, items in branches(types):
            for item in items if isinstance(items, list) else [items]:
                known = graph.resolver.scalar(item)
                if isinstance(known, str) and known.upper() == "PRIVATE":
                    return True
    return False


def _stages(graph: Graph) -> Iterator[ApiStage]:
    for stage in graph.of_type(REST_STAGE, HTTP_STAGE):
        api_prop = "RestApiId" if stage.type == REST_STAGE else "ApiId"
        api = graph.target(stage.prop(api_prop))
        yield ApiStage(stage, api_kind(graph, api, stage.type), api, stage_name(graph, stage.prop("StageName")))
    described = {graph.target(s.prop("DeploymentId")) for s in graph.of_type(REST_STAGE, include_internal=True)}
    for deployment in graph.of_type(DEPLOYMENT):
        if deployment.prop("StageName") is None or deployment.logical_id in described:
            continue
        api = graph.target(deployment.prop("RestApiId"))
        yield ApiStage(deployment, "rest", api, stage_name(graph, deployment.prop("StageName")),
                       prefix=("StageDescription",))
