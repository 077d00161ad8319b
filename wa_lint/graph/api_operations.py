"""API Gateway operations however they were written: the one model every API rule reads.

An operation is one method of one path: a REST ``AWS::ApiGateway::Method``, an HTTP / WebSocket
``AWS::ApiGatewayV2::Route`` (or an HTTP API's quick-create ``Target``), or an operation of an
OpenAPI ``Body`` on a ``RestApi`` / ``Api`` (what the SAM translator makes of ``Api`` / ``HttpApi``
events and ``Auth``, and what users write as ``DefinitionBody`` / ``Body``; read through
:mod:`wa_lint.graph.openapi`). For each it records the API, method and path, how it is protected
(:mod:`wa_lint.graph.api_auth`), whether a request validator checks it (REST), its integration
alternatives (type, URI, sync / async, timeout), the function it reaches, and which resource a
finding belongs on: the SAM function whose event made it, else the resource that defines it.

Computed once per graph (``graph.memo``), CDK framework internals included and marked; nothing
here adds edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from wa_lint.graph.api_auth import (
    Auth,
    body_validator,
    method_auth,
    route_auth,
    security,
    upper,
    validator,
)
from wa_lint.graph.builders.invoke_common import function_of, scalar
from wa_lint.graph.model import Graph
from wa_lint.graph.openapi import METHODS, BodyOperation, body_operations, security_schemes
from wa_lint.model import Resource
from wa_lint.values import at, cased, referenced_resources

REST_API, HTTP_API = "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"
IMPLICIT_APIS = ("ServerlessRestApi", "ServerlessHttpApi")
MAX_PATH_DEPTH = 30
INVOCATION_TYPE_HEADER = "integration.request.header.x-amz-invocation-type"
_MEMO = "wa_lint.graph.api_operations"


@dataclass(frozen=True, slots=True)
class Integration:
    """One alternative of an operation's integration (``Fn::If`` branches are separate)."""

    condition: str | None
    type: str | None  # upper case (AWS, AWS_PROXY, HTTP_PROXY, MOCK); None: absent or unknown
    uri: Any  # as written: ``Uri`` / ``IntegrationUri`` / ``uri``
    mode: Literal["sync", "async"]  # async: ``X-Amz-Invocation-Type: 'Event'`` is mapped
    timeout: Any  # ``TimeoutInMillis`` as written; None: the API's default
    via: str  # the Method, v2 Integration or Api that says so


@dataclass(frozen=True, slots=True)
class ApiOperation:
    """One method of one path of an API: where it is, how it is protected, what it reaches."""

    kind: Literal["rest", "http", "websocket"]
    method: str  # upper case; ANY for any-method / $default
    path: str  # "/orders/{id}", "$default", "$connect"
    auth: Auth
    how: str  # why there is no auth: "AuthorizationType NONE", "security NONE", "no security"
    defined_by: Resource  # the Method, Route or Api whose properties say so
    api: str | None  # logical id of the API, when in this template
    function: str | None  # the function it integrates with, when known
    report_on: Resource  # the SAM function for SAM events, else ``defined_by``
    validated: bool | None = None  # REST: a validator checks body or parameters; None: unknown
    condition: str | None = None
    from_body: bool = False
    integrations: tuple[Integration, ...] = ()
    body: BodyOperation | None = None  # the OpenAPI operation, for operations read from a ``Body``

    @property
    def route(self) -> str:
        return self.path if self.path.startswith("$") else f"{self.method} {self.path}"

    @property
    def internal(self) -> bool:
        """A CDK framework resource defines it (rules about the user's APIs skip it)."""
        return self.defined_by.internal


#: The name the auth rules have always used.
Operation = ApiOperation


def api_operations(graph: Graph) -> list[ApiOperation]:
    """Every API operation of the stack, CDK framework internals included, computed once."""
    return graph.memo(_MEMO, lambda: [*_rest_methods(graph), *_v2_routes(graph), *_bodies(graph)])


def operations(graph: Graph) -> list[ApiOperation]:
    """The operations a user wrote whose protection can be judged (no CDK internals; of a
    WebSocket API only ``$connect``, the one route that can carry an authorizer)."""
    def compute() -> list[ApiOperation]:
        found = [op for op in api_operations(graph)
                 if not op.internal and (op.kind != "websocket" or op.path == "$connect")]
        # A body's operations are listed path by path, each path's methods in METHODS order.
        first: dict[tuple[str | None, str], int] = {}
        order = list(METHODS.values())
        keys = [(first.setdefault((op.api, op.path), i), order.index(op.method)) if op.from_body else (i, 0)
                for i, op in enumerate(found)]
        return [found[i] for i in sorted(range(len(found)), key=keys.__getitem__)]

    return graph.memo(f"{_MEMO}.auth", compute)


def route_keys(graph: Graph) -> dict[str, list[str | None]]:
    """v2 integration logical id → the ``RouteKey`` of every route whose ``Target`` names it (None
    where the key cannot be read), CDK internals included; built once per graph."""
    def compute() -> dict[str, list[str | None]]:
        found: dict[str, list[str | None]] = {}
        for route in graph.of_type("AWS::ApiGatewayV2::Route", include_internal=True):
            key = scalar(graph, route.prop("RouteKey"))
            for ref in referenced_resources(route.prop("Target"), graph.stack.resources):
                found.setdefault(ref, []).append(key if isinstance(key, str) else None)
        return found

    return graph.memo(f"{_MEMO}.route_keys", compute)


def invocation_mode(graph: Graph, params: Any) -> Literal["sync", "async"]:
    """A REST integration that maps ``X-Amz-Invocation-Type: 'Event'`` invokes asynchronously:
    API Gateway answers at once and Lambda queues the event."""
    if isinstance(params, dict):
        for key, value in params.items():
            known = scalar(graph, value)
            if (str(key).lower() == INVOCATION_TYPE_HEADER and isinstance(known, str)
                    and known.strip().strip("'\"").lower() == "event"):
                return "async"
    return "sync"


KIND_NAMES = {"rest": "REST API", "http": "HTTP API", "websocket": "WebSocket API"}


def api_name(graph: Graph, api: str | None, kind: str) -> str:
    """How messages name an API: ``REST API Orders`` (the SAM API the user wrote, or the
    construct), ``the implicit SAM REST API (ServerlessRestApi)``."""
    noun = KIND_NAMES.get(kind, "API")
    res = graph.resource(api)
    if res is None:
        return f"{noun} {api.removeprefix('external:')}" if api else f"a {noun} outside this template"
    if res.logical_id in IMPLICIT_APIS and res.source_resource:
        return f"the implicit SAM {noun} ({res.logical_id})"
    if res.source_resource and not res.construct_path:
        return f"{noun} {res.source_resource}"
    return f"{noun} {graph.label(res.logical_id)}"



# -- helpers ---------------------------------------------------------------------------------
def _api_of(graph: Graph, value: Any, rtype: str) -> str | None:
    refs = [r for r in referenced_resources(value, graph.stack.resources) if graph.stack.resources[r].type == rtype]
    return refs[0] if len(refs) == 1 else None


def _report_on(graph: Graph, defined_by: Resource, function: str | None) -> Resource:
    """SAM events become paths of the API's Body: their findings belong on the function."""
    fn = graph.resource(function)
    if defined_by.source_resource and fn is not None and fn.source_resource and fn is not defined_by:
        return fn
    return defined_by


# -- REST methods ----------------------------------------------------------------------------
def _rest_methods(graph: Graph) -> Iterator[ApiOperation]:
    for method in graph.of_type("AWS::ApiGateway::Method", include_internal=True):
        verb = upper(graph, method.prop("HttpMethod"))
        if not isinstance(verb, str):
            continue
        auth, how = method_auth(graph, method)
        integration = method.prop("Integration")
        hit = function_of(graph, integration.get("Uri")) if isinstance(integration, dict) else None
        function = hit[0] if hit else None
        yield ApiOperation(
            kind="rest", method=verb, path=rest_path(graph, method.prop("ResourceId")), auth=auth, how=how,
            defined_by=method, api=_api_of(graph, method.prop("RestApiId"), REST_API), function=function,
            report_on=_report_on(graph, method, function), validated=validator(graph, method),
            condition=method.condition, integrations=tuple(_method_integrations(graph, method)),
        )


def _method_integrations(graph: Graph, method: Resource) -> Iterator[Integration]:
    for cond, integ in at(method, "Integration"):
        if isinstance(integ, dict):
            yield Integration(cond, cased(graph.resolver, integ.get("Type"), unknown_none=True), integ.get("Uri"),
                              invocation_mode(graph, integ.get("RequestParameters")), integ.get("TimeoutInMillis"),
                              method.logical_id)


def rest_path(graph: Graph, value: Any) -> str:
    """``/a/{id}`` from the chain of ``AWS::ApiGateway::Resource`` parents of a ``ResourceId``;
    ``/`` for the root. A chain that loops stops where it repeats."""
    parts: list[str] = []
    seen: set[str] = set()
    for _ in range(MAX_PATH_DEPTH):
        res = graph.resource(graph.target(value))
        if res is None or res.type != "AWS::ApiGateway::Resource" or res.logical_id in seen:
            break  # the root resource (GetAtt RestApi.RootResourceId) or an outside id
        seen.add(res.logical_id)
        part = graph.resolver.scalar(res.prop("PathPart"))
        parts.append(part if isinstance(part, str) else "<path part>")
        value = res.prop("ParentId")
    return "/" + "/".join(reversed(parts))


# -- HTTP / WebSocket routes -----------------------------------------------------------------
def _v2_routes(graph: Graph) -> Iterator[ApiOperation]:
    for route in graph.of_type("AWS::ApiGatewayV2::Route", include_internal=True):
        key = graph.resolver.scalar(route.prop("RouteKey"))
        if not isinstance(key, str) or not key:
            continue
        api = _api_of(graph, route.prop("ApiId"), HTTP_API)
        kind = _protocol(graph, api, key)
        if kind is None:
            continue
        auth, how = route_auth(graph, route, kind)
        method, _, path = key.partition(" ")
        if not path:
            method, path = ("CONNECT" if key == "$connect" else "ANY"), key
        function = _route_function(graph, route)
        yield ApiOperation(
            kind=kind, method=method.upper(), path=path, auth=auth, how=how, defined_by=route, api=api,
            function=function, report_on=_report_on(graph, route, function), condition=route.condition,
            integrations=tuple(_route_integrations(graph, route)),
        )
    for quick in graph.of_type(HTTP_API, include_internal=True):
        if quick.prop("Target") is not None and quick.prop("Body") is None:
            function = _function_of(graph, quick.prop("Target"))
            yield ApiOperation(kind="http", method="ANY", path="$default", auth="none", how="quick-create Target",
                            defined_by=quick, api=quick.logical_id, function=function,
                            report_on=_report_on(graph, quick, function), condition=quick.condition,
                            integrations=(Integration(quick.condition, "AWS_PROXY", quick.prop("Target"), "sync",
                                                      None, quick.logical_id),))


def api_kind(graph: Graph, api: str | None) -> Literal["rest", "http", "websocket"] | None:
    """The kind of an API of this template: its type, and for v2 its ``ProtocolType`` (none but a
    ``Body``: an HTTP API, as SAM's ``HttpApi`` writes it); None outside the template or unknown."""
    res = graph.resource(api)
    if res is None or res.type not in (REST_API, HTTP_API):
        return None
    if res.type == REST_API:
        return "rest"
    protocol = upper(graph, res.prop("ProtocolType"))
    if protocol == "WEBSOCKET":
        return "websocket"
    return "http" if protocol == "HTTP" or (protocol is None and res.prop("Body") is not None) else None


def _protocol(graph: Graph, api: str | None, key: str) -> Literal["http", "websocket"] | None:
    res = graph.resource(api)
    if res is not None and (res.prop("ProtocolType") is not None or res.prop("Body") is not None):
        kind = api_kind(graph, api)
        return kind if kind != "rest" else None
    if " " in key:
        return "http"
    if key == "$connect":
        return "websocket"
    return None


def _route_integrations(graph: Graph, route: Resource) -> Iterator[Integration]:
    """The v2 integrations a route's ``Target`` (``integrations/<id>``) names."""
    for node in referenced_resources(route.prop("Target"), graph.stack.resources):
        integ = graph.stack.resources[node]
        if integ.type == "AWS::ApiGatewayV2::Integration":
            yield Integration(integ.condition, cased(graph.resolver, integ.prop("IntegrationType"), unknown_none=True),
                              integ.prop("IntegrationUri"), "sync", integ.prop("TimeoutInMillis"), integ.logical_id)


def _route_function(graph: Graph, route: Resource) -> str | None:
    for node in referenced_resources(route.prop("Target"), graph.stack.resources):
        res = graph.stack.resources[node]
        if res.type == "AWS::ApiGatewayV2::Integration":
            return _function_of(graph, res.prop("IntegrationUri"))
    return None


def _function_of(graph: Graph, value: Any) -> str | None:
    hit = function_of(graph, value) if value is not None else None
    return hit[0] if hit else None


# -- OpenAPI bodies --------------------------------------------------------------------------
def _bodies(graph: Graph) -> Iterator[ApiOperation]:
    for api in graph.of_type(REST_API, HTTP_API, include_internal=True):
        kind: Literal["rest", "http"] = "rest" if api.type == REST_API else "http"
        if kind == "http" and api_kind(graph, api.logical_id) == "websocket":
            continue
        for op in body_operations(api.prop("Body"), api.condition):
            yield _body_operation(graph, api, kind, op)


def _body_operation(graph: Graph, api: Resource, kind: Literal["rest", "http"], op: BodyOperation) -> ApiOperation:
    auth, how = security(op.get("security"), security_schemes(op.document))
    integration = op.integration
    function = _function_of(graph, integration.get("uri")) if integration is not None else None
    validated: bool | None = None
    if kind == "rest":
        validators = op.document.get("x-amazon-apigateway-request-validators")
        validated = body_validator(op.get("x-amazon-apigateway-request-validator"),
                                    validators if isinstance(validators, dict) else {})
    return ApiOperation(
        kind=kind, method=op.method, path=op.path, auth=auth, how=how, defined_by=api, api=api.logical_id,
        function=function, report_on=_report_on(graph, api, function), validated=validated,
        condition=op.condition, from_body=True, integrations=_body_integrations(graph, api, op), body=op,
    )


def _body_integrations(graph: Graph, api: Resource, op: BodyOperation) -> tuple[Integration, ...]:
    integ = op.integration
    if integ is None:
        return ()
    return (Integration(op.condition, cased(graph.resolver, integ.get("type"), unknown_none=True), integ.get("uri"),
                        invocation_mode(graph, integ.get("requestParameters")), integ.get("timeoutInMillis"),
                        api.logical_id),)


