"""Which REST APIs use a feature only REST APIs have: a query module for WA406.

An HTTP API serves Lambda and HTTP proxy integrations, JWT, Lambda and IAM authorizers, CORS,
custom domains, stage variables, throttling and access logs at about a third of a REST API's
price. What it lacks: API keys and usage plans, request validators and models, AWS service
(non-proxy) integrations and mapping templates, mock integrations, caching, WAF, resource
policies, private and edge-optimized endpoints, canary deployments, X-Ray tracing, gateway
response customisation, payload compression, client certificates, documentation parts,
execution logging and edge-optimized custom domains.

Features are collected from every place they can be written (the API, its OpenAPI body, its
methods, stages, deployments, usage plans, API keys, validators, models, WAF associations). A
resource that names an API the template cannot identify may belong to any of them: then every
REST API of the stack counts as using the feature. Nothing here adds edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from wa_lint.graph.api_stages import ApiStage, api_stages
from wa_lint.graph.builders.invoke_common import walk
from wa_lint.graph.model import Graph
from wa_lint.model import Resource
from wa_lint.values import branches, referenced_resources

REST_API, METHOD = "AWS::ApiGateway::RestApi", "AWS::ApiGateway::Method"
#: Resources whose mere existence for an API is a REST-only feature, by the property naming the API.
FEATURE_RESOURCES = {
    "AWS::ApiGateway::RequestValidator": ("RestApiId", "request validator"),
    "AWS::ApiGateway::Model": ("RestApiId", "model"),
    "AWS::ApiGateway::GatewayResponse": ("RestApiId", "gateway response"),
    "AWS::ApiGateway::DocumentationPart": ("RestApiId", "documentation part"),
    "AWS::ApiGateway::DocumentationVersion": ("RestApiId", "documentation version"),
}
BASE_PATH_MAPPINGS = ("AWS::ApiGateway::BasePathMapping", "AWS::ApiGateway::BasePathMappingV2")
WAF_ASSOCIATIONS = ("AWS::WAFv2::WebACLAssociation", "AWS::WAFRegional::WebACLAssociation")
#: OpenAPI extensions only REST APIs read.
BODY_EXTENSIONS = {
    "x-amazon-apigateway-policy": "resource policy",
    "x-amazon-apigateway-request-validators": "request validator",
    "x-amazon-apigateway-request-validator": "request validator",
    "x-amazon-apigateway-api-key-source": "API keys",
    "x-amazon-apigateway-gateway-responses": "gateway response",
    "x-amazon-apigateway-minimum-compression-size": "payload compression",
}
#: Stage setting → (feature, whether the setting is a flag that must be true; else presence counts).
STAGE_SETTINGS = {
    "CacheClusterEnabled": ("caching", True),
    "TracingEnabled": ("X-Ray tracing", True),
    "CanarySetting": ("canary deployment", False),
    "ClientCertificateId": ("client certificate", False),
}
_MEMO = "wa_lint.rest_features"
ANY = "*"  # a feature resource whose API cannot be told


@dataclass(frozen=True, slots=True)
class RestApiUse:
    """A REST API and the REST-only features it uses; ``known`` is False when part of its
    definition cannot be read (an OpenAPI body outside the template)."""

    api: Resource
    features: tuple[str, ...]
    known: bool
    has_operations: bool


def _truthy(graph: Graph, value: Any) -> bool:
    """True, or not determined by the template (it may be true)."""
    if value is None:
        return False
    for _cond, alt in branches(value):
        known = graph.resolver.scalar(alt)
        if known is True or (isinstance(known, str) and known.lower() == "true") or (
                known is not None and not isinstance(known, bool | str)):
            return True
        if alt is not None and known is None:
            return True
    return False


def _logging(graph: Graph, value: Any) -> bool:
    """An execution-log level other than OFF (or one the template does not determine)."""
    if value is None:
        return False
    known = graph.resolver.scalar(value)
    return not (isinstance(known, str) and known.upper() == "OFF")


def _edge_domain(graph: Graph, value: Any) -> bool:
    """Whether a base path mapping's domain is edge-optimized, or not known to be regional."""
    domain = graph.resource(graph.target(value))
    if domain is None or domain.type not in ("AWS::ApiGateway::DomainName", "AWS::ApiGateway::DomainNameV2"):
        return True
    types = [graph.resolver.scalar(t) for _c, v in walk(domain.properties, ("EndpointConfiguration", "Types"))
             for t in (v if isinstance(v, list) else [v]) if v is not None]
    if not types:
        return domain.prop("RegionalCertificateArn") is None
    return any(not isinstance(t, str) or t.upper() != "REGIONAL" for t in types)


def _apis(graph: Graph, value: Any) -> list[str]:
    """The REST APIs of this stack a value names, or [ANY] when it names one we cannot tell."""
    ids = graph.stack.resources
    found = [r for r in referenced_resources(value, ids) if ids[r].type == REST_API]
    if found:
        return found
    stage_apis = [graph.target(ids[r].prop("RestApiId")) for r in referenced_resources(value, ids)
                  if ids[r].type in ("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment")]
    return [a for a in stage_apis if a] or [ANY]


def _integration_features(integration: Any, options: bool, keys: tuple[str, str, str, str]) -> Iterator[str]:
    """REST-only parts of one integration (a Method's ``Integration`` or an OpenAPI
    ``x-amazon-apigateway-integration``); ``keys`` name type, request templates, responses and
    response templates in that dialect. CORS pre-flight (OPTIONS) mocks do not count."""
    if not isinstance(integration, dict) or options:
        return
    type_key, request_key, responses_key, response_key = keys
    kind = integration.get(type_key)
    if isinstance(kind, str) and kind.upper() in ("AWS", "HTTP", "MOCK"):
        yield {"AWS": "AWS service integration", "HTTP": "HTTP integration with mapping",
               "MOCK": "mock integration"}[kind.upper()]
    if integration.get(request_key):
        yield "mapping template"
    responses = integration.get(responses_key)
    items = responses.values() if isinstance(responses, dict) else responses if isinstance(responses, list) else []
    if any(isinstance(r, dict) and r.get(response_key) for r in items):
        yield "mapping template"


def _body_features(body: dict[str, Any]) -> Iterator[str]:
    for key, feature in BODY_EXTENSIONS.items():
        if key in body:
            yield feature
    schemes = body.get("securityDefinitions") or (body.get("components") or {}).get("securitySchemes")
    if isinstance(schemes, dict) and any(isinstance(s, dict) and s.get("type") == "apiKey"
                                         and "x-amazon-apigateway-authorizer" not in s for s in schemes.values()):
        yield "API keys"
    models = body.get("definitions") or (body.get("components") or {}).get("schemas")
    if isinstance(models, dict) and models:
        yield "model"
    paths = body.get("paths")
    for item in paths.values() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for method, operation in item.items():
            if isinstance(operation, dict):
                yield from _integration_features(
                    operation.get("x-amazon-apigateway-integration"), str(method).lower() == "options",
                    ("type", "requestTemplates", "responses", "responseTemplates"))


def _operations(body: Any) -> bool:
    paths = body.get("paths") if isinstance(body, dict) else None
    return isinstance(paths, dict) and bool(paths)


def _add(table: dict[str, list[str]], apis: Iterable[str], feature: str) -> None:
    for api in apis:
        table.setdefault(api, []).append(feature)


def _api_features(graph: Graph, api: Resource, table: dict[str, list[str]]) -> tuple[bool, bool]:
    """Features written on the API itself; (body known, body has operations)."""
    own = [api.logical_id]
    if api.prop("Policy") is not None:
        _add(table, own, "resource policy")
    if api.prop("MinimumCompressionSize") is not None:
        _add(table, own, "payload compression")
    if api.prop("ApiKeySourceType") is not None:
        _add(table, own, "API keys")
    for _cond, types in walk(api.properties, ("EndpointConfiguration", "Types"), api.condition):
        for item in types if isinstance(types, list) else [types]:
            known = graph.resolver.scalar(item)
            if item is not None and (not isinstance(known, str) or known.upper() in ("PRIVATE", "EDGE")):
                _add(table, own, f"{known.lower() if isinstance(known, str) else 'unknown'} endpoint")
    if api.prop("BodyS3Location") is not None:
        return False, False
    body = api.prop("Body")
    if body is None:
        return True, False
    known = True
    has_operations = False
    for _cond, alt in branches(body):
        if not isinstance(alt, dict):
            known = False
            continue
        for feature in _body_features(alt):
            _add(table, own, feature)
        has_operations = has_operations or _operations(alt)
    return known, has_operations


def _add_stage_features(graph: Graph, stage: ApiStage, table: dict[str, list[str]]) -> None:
    """The REST-only features a stage's settings and method settings turn on."""
    targets = [stage.api] if stage.api else [ANY]
    for setting, (feature, flag) in STAGE_SETTINGS.items():
        if any(_truthy(graph, v) if flag else v is not None for _c, v in stage.values(setting)):
            _add(table, targets, feature)
    settings = [v for _c, v in stage.values("MethodSettings")]
    if stage.prefix:  # a deployment's own stage: StageDescription also holds the settings of "/*/*"
        settings.append([{k: next((v for _c, v in stage.values(k) if v is not None), None)
                          for k in ("CachingEnabled", "LoggingLevel", "DataTraceEnabled")}])
    for value in settings:
        for item in value if isinstance(value, list) else []:
            if not isinstance(item, dict):
                continue
            if _truthy(graph, item.get("CachingEnabled")):
                _add(table, targets, "caching")
            if _logging(graph, item.get("LoggingLevel")) or _truthy(graph, item.get("DataTraceEnabled")):
                _add(table, targets, "execution logging")


def _collect(graph: Graph) -> list[RestApiUse]:
    table: dict[str, list[str]] = {}
    apis = graph.of_type(REST_API)
    body_state = {api.logical_id: _api_features(graph, api, table) for api in apis}
    methods: set[str] = set()
    for method in graph.of_type(METHOD, include_internal=True):
        targets = _apis(graph, method.prop("RestApiId"))
        methods.update(targets)
        http = graph.resolver.scalar(method.prop("HttpMethod"))
        options = isinstance(http, str) and http.upper() == "OPTIONS"
        if _truthy(graph, method.prop("ApiKeyRequired")) and not options:
            _add(table, targets, "API keys")
        if method.prop("RequestValidatorId") is not None:
            _add(table, targets, "request validator")
        if method.prop("RequestModels"):
            _add(table, targets, "model")
        for feature in _integration_features(method.prop("Integration"), options,
                                             ("Type", "RequestTemplates", "IntegrationResponses",
                                              "ResponseTemplates")):
            _add(table, targets, feature)
    for rtype, (prop, feature) in FEATURE_RESOURCES.items():
        for res in graph.of_type(rtype, include_internal=True):
            _add(table, _apis(graph, res.prop(prop)), feature)
    for plan in graph.of_type("AWS::ApiGateway::UsagePlan", include_internal=True):
        stages = plan.prop("ApiStages")
        listed = [s.get("ApiId") for s in stages if isinstance(s, dict)] if isinstance(stages, list) else []
        _add(table, [a for value in listed for a in _apis(graph, value)] or [ANY], "usage plan")
    for key in graph.of_type("AWS::ApiGateway::ApiKey", include_internal=True):
        stage_keys = key.prop("StageKeys")
        listed = [s.get("RestApiId") for s in stage_keys if isinstance(s, dict)] if isinstance(stage_keys, list) else []
        _add(table, [a for value in listed for a in _apis(graph, value)], "API keys")
    for assoc in graph.of_type(*WAF_ASSOCIATIONS, include_internal=True):
        _add(table, _apis(graph, assoc.prop("ResourceArn")), "WAF")
    for stage in api_stages(graph):
        if stage.kind == "rest":
            _add_stage_features(graph, stage, table)
    for mapping in graph.of_type(*BASE_PATH_MAPPINGS, include_internal=True):
        if _edge_domain(graph, mapping.prop("DomainName")):
            _add(table, _apis(graph, mapping.prop("RestApiId")), "edge-optimized custom domain")
    for deployment in graph.of_type("AWS::ApiGateway::Deployment", include_internal=True):
        if deployment.prop("DeploymentCanarySettings") is not None:
            _add(table, _apis(graph, deployment.prop("RestApiId")), "canary deployment")
    anywhere = table.get(ANY, [])
    found = []
    for api in apis:
        known, in_body = body_state[api.logical_id]
        features = tuple(dict.fromkeys([*table.get(api.logical_id, []), *anywhere]))
        found.append(RestApiUse(api, features, known, in_body or api.logical_id in methods))
    return found


def rest_api_uses(graph: Graph) -> list[RestApiUse]:
    """Every REST API of the stack (CDK internals excluded) with the REST-only features it uses."""
    return graph.memo(_MEMO, lambda: _collect(graph))
