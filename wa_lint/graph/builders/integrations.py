"""``integrates`` edges: direct service integrations that need no function in between.

- API Gateway REST methods (and OpenAPI bodies) with an ``AWS`` integration to a service other than
  Lambda: ``arn:aws:apigateway:{region}:{service}:action/{Action}`` or ``…:path/…``;
- HTTP API first-class integrations (``IntegrationSubtype: SQS-SendMessage`` …) and WebSocket /
  HTTP ``AWS`` integrations;
- Step Functions Task states using an optimized or AWS SDK integration (``arn:aws:states:::sqs:
  sendMessage``, ``arn:aws:states:::aws-sdk:dynamodb:query``); Lambda tasks are ``invokes``;
- EventBridge Pipes whose target is not a function.

Edge attributes: ``service`` (IAM prefix: ``sqs``, ``states``, ``events``), ``action`` (API name,
None when the template does not say), and ``route`` (``POST /orders``) or ``state`` (Task name).
The cost rules (WA401–WA404) use them to recognise the good pattern and to say what to build.
:func:`api_operations` and :func:`routes_to` also let them count the routes that reach a function.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from wa_lint.graph.api_operations import rest_path, route_keys
from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import function_of, has_unknown, node_for, service_of, text
from wa_lint.graph.model import FUNCTION, STATE_MACHINE, Graph
from wa_lint.graph.openapi import body_operations
from wa_lint.graph.statemachine import Definition, read_definition, task_states
from wa_lint.model import Resource
from wa_lint.values import at, cased, intrinsic, referenced_resources

REST_API = ("AWS::ApiGateway::RestApi",)
HTTP_API = ("AWS::ApiGatewayV2::Api",)
APIGW_URI = re.compile(r"^arn:[^:]*:apigateway:[^:]*:([^:]+):(action|path)/?(.*)$")
STATES_TASK = re.compile(r":states:::(?:(aws-sdk):)?([a-z0-9-]+):([A-Za-z0-9]+)")
#: Service → resource types a direct integration may target.
TARGET_TYPES: dict[str, tuple[str, ...]] = {
    "sqs": ("AWS::SQS::Queue",),
    "sns": ("AWS::SNS::Topic",),
    "kinesis": ("AWS::Kinesis::Stream",),
    "firehose": ("AWS::KinesisFirehose::DeliveryStream",),
    "states": (STATE_MACHINE,),
    "events": ("AWS::Events::EventBus",),
    "dynamodb": ("AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable"),
    "s3": ("AWS::S3::Bucket",),
    "logs": ("AWS::Logs::LogGroup",),
}
#: SDK service ids (Step Functions ``aws-sdk:``, API Gateway subdomains) → IAM prefix.
SERVICE_IDS = {"sfn": "states", "eventbridge": "events", "sync-states": "states", "cloudwatchlogs": "logs",
               "email": "ses"}
SUBTYPES = {"EventBridge": "events", "SQS": "sqs", "Kinesis": "kinesis", "StepFunctions": "states",
            "AppConfig": "appconfig"}
#: Pipe target resource type → (service, action) the pipe calls.
PIPE_TARGETS = {
    "AWS::SQS::Queue": ("sqs", "SendMessage"), "AWS::SNS::Topic": ("sns", "Publish"),
    "AWS::Events::EventBus": ("events", "PutEvents"), STATE_MACHINE: ("states", "StartExecution"),
    "AWS::Kinesis::Stream": ("kinesis", "PutRecord"), "AWS::KinesisFirehose::DeliveryStream": ("firehose", "PutRecord"),
    "AWS::Logs::LogGroup": ("logs", "PutLogEvents"), "AWS::Events::ApiDestination": ("events", "InvokeApiDestination"),
    "AWS::Batch::JobQueue": ("batch", "SubmitJob"),
}
PIPE_ARN_ACTIONS = {"sqs": "SendMessage", "sns": "Publish", "events": "PutEvents", "states": "StartExecution",
                    "kinesis": "PutRecord", "firehose": "PutRecord", "logs": "PutLogEvents"}
S3_PATH_ACTIONS = {"GET": "GetObject", "PUT": "PutObject", "DELETE": "DeleteObject", "HEAD": "HeadObject"}
ACTION_PARAMETER = re.compile(r"Action=['\"]?([A-Za-z]+)")


def service_id(name: str) -> str:
    name = name.lower()
    name = name.rsplit(".", 1)[-1]  # "bucket.s3" subdomain form
    return SERVICE_IDS.get(name, name)


def _target(graph: Graph, service: str, *values: Any) -> str:
    """The resource a direct integration writes to, from every value that may name it."""
    types = TARGET_TYPES.get(service, ())
    found: list[str] = []
    for value in values:
        for ref in referenced_resources(value, graph.stack.resources):
            if ref not in found and (not types or graph.stack.resources[ref].type in types):
                found.append(ref)
    if len(found) == 1:
        return found[0]
    return graph.external(f"{service}:unknown")


def parse_uri(graph: Graph, uri: Any, http_method: Any = None, templates: Any = None) -> tuple[str, str | None] | None:
    """``(service, action)`` of an API Gateway ``AWS`` integration URI, or None for Lambda / unreadable.

    ``action/X`` names the action; the path form does not, so it is read from an ``Action=`` in
    the request templates or parameters (``templates``), from the verb for S3, else unknown."""
    m = APIGW_URI.match(text(graph, uri))
    if not m:
        return None
    service = service_id(m.group(1))
    if service == "lambda":
        return None
    if m.group(2) == "action":
        action = re.split(r"[?&/]", m.group(3), maxsplit=1)[0] or None
        return service, action if action and not has_unknown(action) else None
    method = cased(graph.resolver, http_method, unknown_none=True)
    if service == "s3":
        return service, S3_PATH_ACTIONS.get(method or "")
    found = ACTION_PARAMETER.search(_all_text(graph, templates))
    if found:
        return service, found.group(1)
    return service, "SendMessage" if service == "sqs" and method == "POST" else None


def _all_text(graph: Graph, value: Any) -> str:
    """Every ``key=value`` of mapping templates and parameter maps, intrinsics read as text."""
    if isinstance(value, dict) and intrinsic(value) is None:
        return " ".join(f"{k}={_all_text(graph, v)}" for k, v in value.items())
    if isinstance(value, list):
        return " ".join(_all_text(graph, v) for v in value)
    return text(graph, value) if value is not None else ""


# -- OpenAPI bodies --------------------------------------------------------------------------
def api_operations(api: Resource) -> Iterator[tuple[str | None, str, dict[str, Any]]]:
    """``(condition, "METHOD /path", integration)`` for each operation of an API's OpenAPI body."""
    for op in body_operations(api.prop("Body"), api.condition):
        if op.integration is not None:
            yield op.condition, op.route, op.integration


def _route_index(graph: Graph) -> dict[tuple[str, str], list[str]]:
    """(api node, function) → route names, from OpenAPI bodies, REST methods and HTTP API routes."""
    return graph.memo("wa_lint.graph.builders.integrations.routes", lambda: _find_routes(graph))


def _find_routes(graph: Graph) -> dict[tuple[str, str], list[str]]:
    index: dict[tuple[str, str], list[str]] = {}
    for api_res in graph.of_type(*REST_API, *HTTP_API, include_internal=True):
        for _cond, route, integ in api_operations(api_res):
            hit = function_of(graph, integ.get("uri"))
            if hit is not None:
                index.setdefault((api_res.logical_id, hit[0]), []).append(route)
    for method in graph.of_type("AWS::ApiGateway::Method", include_internal=True):
        hit = function_of(graph, method.prop("Integration", "Uri"))
        if hit is None:
            continue
        api = node_for(graph, method.prop("RestApiId"), "apigateway", REST_API)
        verb = graph.resolver.scalar(method.prop("HttpMethod"))
        path = rest_path(graph, method.prop("ResourceId"))
        index.setdefault((api, hit[0]), []).append(f"{verb if isinstance(verb, str) else '<method>'} {path}")
    routes_by_integration = _v2_routes(graph)
    for v2 in graph.of_type("AWS::ApiGatewayV2::Integration", include_internal=True):
        hit = function_of(graph, v2.prop("IntegrationUri"))
        if hit is not None:
            api = node_for(graph, v2.prop("ApiId"), "apigateway", HTTP_API)
            index.setdefault((api, hit[0]), []).extend(routes_by_integration.get(v2.logical_id, ["<route>"]))
    for http_api in graph.of_type(*HTTP_API, include_internal=True):
        hit = function_of(graph, http_api.prop("Target"))
        if hit is not None:
            index.setdefault((http_api.logical_id, hit[0]), []).append("$default")
    return index


def _v2_routes(graph: Graph) -> dict[str, list[str]]:
    """HTTP / WebSocket integration logical id → the route keys that target it."""
    return {integ: [k if k is not None else "<route key>" for k in keys] for integ, keys in route_keys(graph).items()}


def routes_to(graph: Graph, api: str, fn: str) -> list[str]:
    """The routes (``POST /orders``) of one API that reach one function."""
    return _route_index(graph).get((api, fn), [])


# -- builders --------------------------------------------------------------------------------
def _add(graph: Graph, src: str, dst: str, via: str, condition: str | None, service: str, action: str | None,
         **attrs: Any) -> None:
    """One edge per (source, target, expressing resource); ``routes`` / ``states`` list them all."""
    if src != dst:
        graph.add_edge(src, dst, "integrates", via=via, condition=condition, service=service, action=action, **attrs)


@builder(order=60)
def api_integrations(graph: Graph) -> None:
    """REST methods and OpenAPI bodies with ``AWS`` integrations; HTTP API service integrations."""
    for method in graph.of_type("AWS::ApiGateway::Method", include_internal=True):
        api = node_for(graph, method.prop("RestApiId"), "apigateway", REST_API)
        verb = graph.resolver.scalar(method.prop("HttpMethod"))
        path = rest_path(graph, method.prop("ResourceId"))
        route = f"{verb if isinstance(verb, str) else '<method>'} {path}"
        for cond, integ in at(method, "Integration"):
            if not isinstance(integ, dict) or cased(graph.resolver, integ.get("Type"), unknown_none=True) != "AWS":
                continue
            found = parse_uri(graph, integ.get("Uri"), integ.get("IntegrationHttpMethod"),
                              [integ.get("RequestTemplates"), integ.get("RequestParameters")])
            if found is not None:
                dst = _target(graph, found[0], integ.get("Uri"), integ.get("RequestTemplates"),
                              integ.get("RequestParameters"))
                _add(graph, api, dst, method.logical_id, cond, found[0], found[1], route=route, routes=[route])
    for api_res in graph.of_type(*REST_API, *HTTP_API, include_internal=True):
        found_here: dict[tuple[str, str, str | None], list[tuple[str | None, str]]] = {}
        for cond, route, body_integ in api_operations(api_res):
            found = _openapi_integration(graph, body_integ)
            if found is not None:
                dst = _target(graph, found[0], body_integ.get("uri"), body_integ.get("requestTemplates"),
                              body_integ.get("requestParameters"))
                found_here.setdefault((dst, *found), []).append((cond, route))
        for (dst, service, action), routes in found_here.items():
            conds = {c for c, _r in routes}
            _add(graph, api_res.logical_id, dst, api_res.logical_id,
                 conds.pop() if len(conds) == 1 else api_res.condition,
                 service, action, route=routes[0][1], routes=[r for _c, r in routes])
    for v2 in graph.of_type("AWS::ApiGatewayV2::Integration", include_internal=True):
        found = _v2_integration(graph, v2)
        if found is not None:
            api = node_for(graph, v2.prop("ApiId"), "apigateway", HTTP_API)
            dst = _target(graph, found[0], v2.prop("IntegrationUri"), v2.prop("RequestParameters"),
                          v2.prop("RequestTemplates"))
            _add(graph, api, dst, v2.logical_id, v2.condition, found[0], found[1],
                 route=None, routes=_v2_routes(graph).get(v2.logical_id, []))


def _subtype(graph: Graph, value: Any) -> tuple[str, str | None] | None:
    known = graph.resolver.scalar(value)
    if not isinstance(known, str) or "-" not in known:
        return None
    prefix, action = known.split("-", 1)
    return SUBTYPES.get(prefix, prefix.lower()), action


def _openapi_integration(graph: Graph, integ: dict[str, Any]) -> tuple[str, str | None] | None:
    kind = graph.resolver.scalar(integ.get("type"))
    kind = kind.upper() if isinstance(kind, str) else None
    if integ.get("integrationSubtype") is not None:
        return _subtype(graph, integ.get("integrationSubtype"))
    if kind == "AWS":
        return parse_uri(graph, integ.get("uri"), integ.get("httpMethod"),
                         [integ.get("requestTemplates"), integ.get("requestParameters")])
    return None


def _v2_integration(graph: Graph, integ: Resource) -> tuple[str, str | None] | None:
    if integ.prop("IntegrationSubtype") is not None:
        return _subtype(graph, integ.prop("IntegrationSubtype"))
    if cased(graph.resolver, integ.prop("IntegrationType"), unknown_none=True) == "AWS":
        return parse_uri(graph, integ.prop("IntegrationUri"), integ.prop("IntegrationMethod"),
                         [integ.prop("RequestTemplates"), integ.prop("RequestParameters")])
    return None


def task_integration(definition: Definition, state: dict[str, Any], graph: Graph) -> tuple[str, str] | None:
    """``(service, Action)`` of a Task state using a service integration other than Lambda."""
    resource = text(graph, definition.value(state.get("Resource")))
    m = STATES_TASK.search(resource)
    if not m:
        return None
    service = service_id(m.group(2))
    if service == "lambda":
        return None
    action = m.group(3)
    return service, action[:1].upper() + action[1:]


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


@builder(order=60)
def state_machine_integrations(graph: Graph) -> None:
    """Task states with optimized / AWS SDK integrations."""
    for sm in graph.of_type(STATE_MACHINE, include_internal=True):
        definition = read_definition(sm, graph)
        if definition is None:
            continue
        found_here: dict[tuple[str, str, str], list[str]] = {}
        for name, state in task_states(definition):
            found = task_integration(definition, state, graph)
            if found is None:
                continue
            args = state.get("Parameters") if isinstance(state.get("Parameters"), dict) else state.get("Arguments")
            dst = _target(graph, found[0], [definition.value(s) for s in _strings(args)])
            found_here.setdefault((dst, *found), []).append(name)
        for (dst, service, action), names in found_here.items():
            _add(graph, sm.logical_id, dst, sm.logical_id, sm.condition, service, action, state=names[0], states=names)


@builder(order=60)
def pipe_integrations(graph: Graph) -> None:
    """Pipes whose target is a service (a function target is an ``invokes`` edge)."""
    for pipe in graph.of_type("AWS::Pipes::Pipe", include_internal=True):
        for cond, target in at(pipe, "Target"):
            node = graph.target(target)
            res = graph.resource(node)
            if res is not None and res.type == FUNCTION:
                continue
            if res is not None and node is not None:
                found = PIPE_TARGETS.get(res.type)
                service, action = found if found else (res.type.split("::")[1].lower(), None)
                dst = node
            else:
                service = service_of(graph, target) or "unknown"
                if service in ("lambda", "unknown"):
                    continue
                action = PIPE_ARN_ACTIONS.get(service)
                dst = node_for(graph, target, service)
            _add(graph, pipe.logical_id, dst, pipe.logical_id, cond, service, action)
