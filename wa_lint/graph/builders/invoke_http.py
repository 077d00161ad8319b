"""``invokes`` edges from request/response front doors: API Gateway (REST, HTTP, WebSocket),
ALB, function URLs, CloudFront Lambda@Edge and AppSync.

All synchronous: the caller gets the error, Lambda never retries, and a DLQ or ``OnFailure``
destination on the function would never fire. Knowing these keeps WA101 from demanding one.
The SAM translator writes API events into the API's OpenAPI ``Body``, so that is read too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wa_lint.graph.api_operations import invocation_mode
from wa_lint.graph.builders import builder
from wa_lint.graph.builders.invoke_common import add_invokes, node_for
from wa_lint.graph.model import Graph
from wa_lint.graph.openapi import authorizers, body_operations
from wa_lint.values import at, cased, each, items

REST_API = ("AWS::ApiGateway::RestApi",)
HTTP_API = ("AWS::ApiGatewayV2::Api",)
LAMBDA_TYPES = ("AWS", "AWS_PROXY", None)


def _openapi(graph: Graph, body: Any, cond: str | None) -> Iterator[tuple[str | None, str, Any, str]]:
    """``(condition, "integration" | "authorizer", uri, mode)`` for every Lambda integration or
    Lambda authorizer of an OpenAPI body."""
    for op in body_operations(body, cond):
        item = op.integration
        if item is None:
            continue
        kind = item.get("type")
        if (not isinstance(kind, str) or kind.upper() in ("AWS", "AWS_PROXY")) and not item.get("integrationSubtype"):
            yield op.condition, "integration", item.get("uri"), invocation_mode(graph, item.get("requestParameters"))
    for cond2, _name, authorizer in authorizers(body, cond):
        yield cond2, "authorizer", authorizer.get("authorizerUri"), "sync"


@builder(order=50)
def rest_apis(graph: Graph) -> None:
    """REST API methods, Lambda authorizers and OpenAPI bodies; the source is the RestApi."""
    for method in graph.of_type("AWS::ApiGateway::Method", include_internal=True):
        src = node_for(graph, method.prop("RestApiId"), "apigateway", REST_API)
        for cond, integ in at(method, "Integration"):
            if isinstance(integ, dict) and cased(graph.resolver, integ.get("Type"), unknown_none=True) in LAMBDA_TYPES:
                add_invokes(graph, src, integ.get("Uri"), via=method.logical_id, condition=cond,
                            mode=invocation_mode(graph, integ.get("RequestParameters")), source="apigateway")
    for auth in graph.of_type("AWS::ApiGateway::Authorizer", include_internal=True):
        src = node_for(graph, auth.prop("RestApiId"), "apigateway", REST_API)
        for cond, uri in at(auth, "AuthorizerUri"):
            add_invokes(graph, src, uri, via=auth.logical_id, condition=cond, mode="sync",
                        source="apigateway", authorizer=True)
    for api in graph.of_type(*REST_API, *HTTP_API, include_internal=True):
        for cond, kind, uri, mode in _openapi(graph, api.prop("Body"), api.condition):
            add_invokes(graph, api.logical_id, uri, via=api.logical_id, condition=cond, mode=mode,
                        source="apigateway", **({"authorizer": True} if kind == "authorizer" else {}))


@builder(order=50)
def http_apis(graph: Graph) -> None:
    """HTTP / WebSocket API integrations and authorizers (source: the Api), and quick-create
    ``Target``. Service integrations (``IntegrationSubtype``) are not invocations."""
    for integ in graph.of_type("AWS::ApiGatewayV2::Integration", include_internal=True):
        if integ.prop("IntegrationSubtype") is not None:
            continue
        if cased(graph.resolver, integ.prop("IntegrationType"), unknown_none=True) not in LAMBDA_TYPES:
            continue
        src = node_for(graph, integ.prop("ApiId"), "apigateway", HTTP_API)
        for cond, uri in at(integ, "IntegrationUri"):
            add_invokes(graph, src, uri, via=integ.logical_id, condition=cond, mode="sync", source="apigateway")
    for auth in graph.of_type("AWS::ApiGatewayV2::Authorizer", include_internal=True):
        src = node_for(graph, auth.prop("ApiId"), "apigateway", HTTP_API)
        for cond, uri in at(auth, "AuthorizerUri"):
            add_invokes(graph, src, uri, via=auth.logical_id, condition=cond, mode="sync",
                        source="apigateway", authorizer=True)
    for api in graph.of_type(*HTTP_API, include_internal=True):
        for cond, target in at(api, "Target"):
            add_invokes(graph, api.logical_id, target, via=api.logical_id, condition=cond,
                        mode="sync", source="apigateway")


@builder(order=50)
def load_balancers(graph: Graph) -> None:
    """ALB target groups of type lambda."""
    for group in graph.of_type("AWS::ElasticLoadBalancingV2::TargetGroup", include_internal=True):
        # TargetType defaults to "instance"; an unresolvable value may still be lambda.
        kind = group.prop("TargetType")
        if kind is None or cased(graph.resolver, kind, unknown_none=True) not in ("LAMBDA", None):
            continue
        for cond, target in items(group, "Targets"):
            add_invokes(graph, group.logical_id, target.get("Id"), via=group.logical_id,
                        condition=cond, mode="sync", source="elasticloadbalancing")


@builder(order=50)
def function_urls(graph: Graph) -> None:
    """Lambda function URLs."""
    for url in graph.of_type("AWS::Lambda::Url", include_internal=True):
        for cond, arn in at(url, "TargetFunctionArn"):
            add_invokes(graph, url.logical_id, arn, via=url.logical_id, condition=cond,
                        mode="sync", source="lambda-url")


@builder(order=50)
def cloudfront(graph: Graph) -> None:
    """Lambda@Edge associations of a distribution's default and other cache behaviours."""
    for dist in graph.of_type("AWS::CloudFront::Distribution", include_internal=True):
        behaviours = list(at(dist, "DistributionConfig", "DefaultCacheBehavior"))
        behaviours += list(items(dist, "DistributionConfig", "CacheBehaviors"))
        for cond, behaviour in behaviours:
            if not isinstance(behaviour, dict):
                continue
            for cond2, assoc in each(behaviour.get("LambdaFunctionAssociations"), cond):
                add_invokes(graph, dist.logical_id, assoc.get("LambdaFunctionARN"), via=dist.logical_id,
                            condition=cond2, mode="sync", source="cloudfront")


@builder(order=50)
def appsync(graph: Graph) -> None:
    """AppSync Lambda data sources and Lambda authorizers (source: the GraphQL API)."""
    for ds in graph.of_type("AWS::AppSync::DataSource", include_internal=True):
        src = node_for(graph, ds.prop("ApiId"), "appsync", ("AWS::AppSync::GraphQLApi",))
        for cond, arn in at(ds, "LambdaConfig", "LambdaFunctionArn"):
            add_invokes(graph, src, arn, via=ds.logical_id, condition=cond, mode="sync", source="appsync")
    for api in graph.of_type("AWS::AppSync::GraphQLApi", include_internal=True):
        configs = list(at(api, "LambdaAuthorizerConfig"))
        for cond, provider in items(api, "AdditionalAuthenticationProviders"):
            configs.append((cond, provider.get("LambdaAuthorizerConfig")))
        for cond, config in configs:
            if isinstance(config, dict):
                add_invokes(graph, api.logical_id, config.get("AuthorizerUri"), via=api.logical_id,
                            condition=cond, mode="sync", source="appsync", authorizer=True)
