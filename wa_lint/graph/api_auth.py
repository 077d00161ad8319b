"""API Gateway operations and how each is protected: a query module for WA220 and WA221.

An operation is one method of one path, however it was written: a REST ``AWS::ApiGateway::Method``,
an HTTP / WebSocket ``AWS::ApiGatewayV2::Route``, or an operation of an OpenAPI ``Body`` on a
``RestApi`` / ``Api`` (what the SAM translator makes of ``Api`` / ``HttpApi`` events and ``Auth``,
and what users write as ``DefinitionBody``/``Body``). For each it answers: is there an
authorizer, API key or IAM auth (``none`` / ``authorized`` / ``unknown``), does a request
validator check it (REST only), which function it integrates with, and which resource a finding
belongs on: the SAM function whose event made it, else the resource that defines it.

The result is computed once per graph and cached; nothing here adds edges.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from wa_lint.graph.builders.invoke_common import function_of
from wa_lint.graph.model import Graph
from wa_lint.graph.openapi import BodyOperation, body_operations, security_schemes
from wa_lint.model import Resource, Unknown
from wa_lint.values import intrinsic, referenced_resources

Auth = Literal["none", "authorized", "unknown"]
REST_API, HTTP_API = "AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"
IMPLICIT_APIS = ("ServerlessRestApi", "ServerlessHttpApi")
MAX_PATH_DEPTH = 30


@dataclass(frozen=True, slots=True)
class Operation:
    """One method of one path of an API, with its protection."""

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

    @property
    def route(self) -> str:
        return self.path if self.path.startswith("$") else f"{self.method} {self.path}"


def operations(graph: Graph) -> list[Operation]:
    """Every API operation of the stack (CDK framework internals excluded), computed once."""
    return graph.memo("wa_lint.graph.api_auth.operations",
                      lambda: [*_rest_methods(graph), *_v2_routes(graph), *_bodies(graph)])


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
def _upper(graph: Graph, value: Any) -> str | Unknown | None:
    if value is None:
        return None
    known = graph.resolver.scalar(value)
    if isinstance(known, Unknown) or known is None:
        return known
    return str(known).upper()


def _true(graph: Graph, value: Any) -> bool | None:
    """True/False for a boolean-ish value, None when unknown; absent is False."""
    if value is None:
        return False
    known = graph.resolver.scalar(value)
    if isinstance(known, Unknown):
        return None
    return known is True or (isinstance(known, str) and known.lower() == "true")


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
def _rest_methods(graph: Graph) -> Iterator[Operation]:
    for method in graph.of_type("AWS::ApiGateway::Method"):
        verb = _upper(graph, method.prop("HttpMethod"))
        if not isinstance(verb, str):
            continue
        auth, how = _method_auth(graph, method)
        integration = method.prop("Integration")
        hit = function_of(graph, integration.get("Uri")) if isinstance(integration, dict) else None
        function = hit[0] if hit else None
        yield Operation(
            kind="rest", method=verb, path=_resource_path(graph, method.prop("ResourceId")), auth=auth, how=how,
            defined_by=method, api=_api_of(graph, method.prop("RestApiId"), REST_API), function=function,
            report_on=_report_on(graph, method, function), validated=_validator(graph, method),
            condition=method.condition,
        )


def _method_auth(graph: Graph, method: Resource) -> tuple[Auth, str]:
    kind = _upper(graph, method.prop("AuthorizationType"))
    if isinstance(kind, Unknown):
        return "unknown", ""
    if kind not in (None, "NONE"):
        return "authorized", ""
    api_key = _true(graph, method.prop("ApiKeyRequired"))
    if api_key is None:
        return "unknown", ""
    if api_key:
        return "authorized", ""
    return "none", "AuthorizationType NONE" if kind else "no AuthorizationType"


def _resource_path(graph: Graph, value: Any) -> str:
    """``/a/{id}`` from the chain of ``AWS::ApiGateway::Resource`` parents; ``/`` for the root."""
    parts: list[str] = []
    for _ in range(MAX_PATH_DEPTH):
        node = graph.target(value)
        res = graph.resource(node)
        if res is None or res.type != "AWS::ApiGateway::Resource":
            break  # the root resource (GetAtt RestApi.RootResourceId) or an outside id
        part = graph.resolver.scalar(res.prop("PathPart"))
        parts.append(part if isinstance(part, str) else "<path part>")
        value = res.prop("ParentId")
    return "/" + "/".join(reversed(parts))


def _validator(graph: Graph, method: Resource) -> bool | None:
    value = method.prop("RequestValidatorId")
    if value is None:
        return False
    node = graph.target(value)
    res = graph.resource(node)
    if res is None or res.type != "AWS::ApiGateway::RequestValidator":
        return True  # a validator id from outside the template: trust it
    body = _true(graph, res.prop("ValidateRequestBody"))
    params = _true(graph, res.prop("ValidateRequestParameters"))
    if body or params:
        return True
    return None if body is None or params is None else False


# -- HTTP / WebSocket routes -----------------------------------------------------------------
def _v2_routes(graph: Graph) -> Iterator[Operation]:
    for route in graph.of_type("AWS::ApiGatewayV2::Route"):
        key = graph.resolver.scalar(route.prop("RouteKey"))
        if not isinstance(key, str) or not key:
            continue
        api = _api_of(graph, route.prop("ApiId"), HTTP_API)
        kind = _protocol(graph, api, key)
        if kind is None or (kind == "websocket" and key != "$connect"):
            continue  # only $connect of a WebSocket API can have an authorizer
        auth, how = _route_auth(graph, route, kind)
        method, _, path = key.partition(" ")
        if not path:
            method, path = ("CONNECT" if key == "$connect" else "ANY"), key
        function = _route_function(graph, route)
        yield Operation(
            kind=kind, method=method.upper(), path=path, auth=auth, how=how, defined_by=route, api=api,
            function=function, report_on=_report_on(graph, route, function), condition=route.condition,
        )
    for quick in graph.of_type(HTTP_API):
        if quick.prop("Target") is not None and quick.prop("Body") is None:
            function = _function_of(graph, quick.prop("Target"))
            yield Operation(kind="http", method="ANY", path="$default", auth="none", how="quick-create Target",
                            defined_by=quick, api=quick.logical_id, function=function,
                            report_on=_report_on(graph, quick, function), condition=quick.condition)


def _protocol(graph: Graph, api: str | None, key: str) -> Literal["http", "websocket"] | None:
    res = graph.resource(api)
    if res is not None:
        protocol = _upper(graph, res.prop("ProtocolType"))
        if protocol == "WEBSOCKET":
            return "websocket"
        if protocol == "HTTP" or (protocol is None and res.prop("Body") is not None):
            return "http"
        if protocol is not None:
            return None
    if " " in key:
        return "http"
    if key == "$connect":
        return "websocket"
    return None


def _route_auth(graph: Graph, route: Resource, kind: str) -> tuple[Auth, str]:
    auth = _upper(graph, route.prop("AuthorizationType"))
    if isinstance(auth, Unknown):
        return "unknown", ""
    if auth not in (None, "NONE"):
        return "authorized", ""
    if kind == "websocket":
        api_key = _true(graph, route.prop("ApiKeyRequired"))
        if api_key is None:
            return "unknown", ""
        if api_key:
            return "authorized", ""
    return "none", "AuthorizationType NONE" if auth else "no AuthorizationType"


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
def _bodies(graph: Graph) -> Iterator[Operation]:
    for api in graph.of_type(REST_API, HTTP_API):
        kind: Literal["rest", "http"] = "rest" if api.type == REST_API else "http"
        if kind == "http" and _upper(graph, api.prop("ProtocolType")) == "WEBSOCKET":
            continue
        for op in body_operations(api.prop("Body"), api.condition, by_method=True):
            yield _body_operation(graph, api, kind, op)


def _body_operation(graph: Graph, api: Resource, kind: Literal["rest", "http"], op: BodyOperation) -> Operation:
    auth, how = _security(op.get("security"), security_schemes(op.document))
    integration = op.integration
    function = _function_of(graph, integration.get("uri")) if integration is not None else None
    validated: bool | None = None
    if kind == "rest":
        validators = op.document.get("x-amazon-apigateway-request-validators")
        validated = _body_validator(op.get("x-amazon-apigateway-request-validator"),
                                    validators if isinstance(validators, dict) else {})
    return Operation(
        kind=kind, method=op.method, path=op.path, auth=auth, how=how, defined_by=api, api=api.logical_id,
        function=function, report_on=_report_on(graph, api, function), validated=validated,
        condition=op.condition, from_body=True,
    )


def _security(security: Any, schemes: dict[str, Any]) -> tuple[Auth, str]:
    """OpenAPI ``security``: a list of alternatives, each naming schemes that must all hold.
    Open only when every alternative is empty or SAM's ``NONE``; protected only when every
    alternative names a defined scheme (any defined scheme is an authorizer, API key or IAM)."""
    if security is None:
        return "none", "no security"
    if not isinstance(security, list):
        return "unknown", ""
    if not security:
        return "none", "security: []"
    verdicts = set()
    for requirement in security:
        if not isinstance(requirement, dict) or intrinsic(requirement) is not None:
            return "unknown", ""
        names = [n for n in requirement if not (n == "NONE" and n not in schemes)]
        if not names:
            verdicts.add("none")
        elif all(n in schemes for n in names):
            verdicts.add("authorized")
        else:
            verdicts.add("unknown")
    if verdicts == {"none"}:
        explicit = any(isinstance(r, dict) and "NONE" in r for r in security)
        return "none", "Authorizer: NONE" if explicit else "empty security"
    if verdicts == {"authorized"}:
        return "authorized", ""
    return "unknown", ""


def _body_validator(name: Any, validators: dict[str, Any]) -> bool | None:
    if name is None:
        return False
    if not isinstance(name, str) or name not in validators:
        return None
    spec = validators[name]
    if not isinstance(spec, dict):
        return None
    flags = [spec.get("validateRequestBody"), spec.get("validateRequestParameters")]
    if any(f is True or (isinstance(f, str) and f.lower() == "true") for f in flags):
        return True
    if all(f is None or f is False or (isinstance(f, str) and f.lower() == "false") for f in flags):
        return False
    return None
