"""WA406: a REST API that uses nothing only REST APIs have would cost about a third as an HTTP API."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rest_api_uses, rule

IMPLICIT = "ServerlessRestApi"
FIX = {
    "sam": "Use an AWS::Serverless::HttpApi (events of Type: HttpApi) instead of the Api; move Auth to JWT or "
           "Lambda authorizers and Cors to the HttpApi's CorsConfiguration.",
    "cdk": "Use apigwv2.HttpApi with HttpLambdaIntegration routes instead of apigateway.RestApi / LambdaRestApi.",
    "cfn": "Use AWS::ApiGatewayV2::Api with ProtocolType: HTTP, AWS_PROXY integrations (PayloadFormatVersion "
           "2.0) and routes instead of the RestApi, its resources and methods.",
}


@rule(
    id="WA406",
    name="rest-api-where-http-api-fits",
    pillar=Pillar.COST,
    severity=Severity.INFO,
    lens="COST 1",
)
def rest_api_where_http_api_fits(graph: Graph) -> Iterator[Finding]:
    """A REST API uses none of the features only REST APIs have: an HTTP API costs about a third.

    ## Why
    API Gateway charges REST APIs $3.50 per million requests and HTTP APIs $1.00 (first
    tier), and HTTP APIs add less latency. HTTP APIs serve Lambda and HTTP proxy integrations,
    JWT, Lambda and IAM authorization, CORS, custom domains, stage variables, throttling and
    access logs. An API that needs nothing else pays the REST price for nothing.

    ## When it fires
    An `AWS::ApiGateway::RestApi` (SAM `Api` and the implicit API of `Api` events, CDK
    `RestApi` / `LambdaRestApi`) whose operations are in the template (methods or an OpenAPI
    body), and which uses none of these, wherever they are written:

    - API keys or usage plans (`ApiKeyRequired`, `AWS::ApiGateway::UsagePlan` / `ApiKey`,
      `ApiKeySourceType`, an OpenAPI `apiKey` security scheme, SAM `Auth.ApiKeyRequired`,
      `Auth.UsagePlan`);
    - request validators or models (`AWS::ApiGateway::RequestValidator` / `Model`,
      `RequestValidatorId`, `RequestModels`, OpenAPI validators and schemas);
    - AWS service, HTTP (non-proxy) or mock integrations, and mapping templates (request or
      response templates);
    - caching (`CacheClusterEnabled`, `MethodSettings` `CachingEnabled`);
    - a WAF web ACL association naming the API or one of its stages;
    - a resource policy (`Policy`, `x-amazon-apigateway-policy`, SAM `Auth.ResourcePolicy`);
    - a private or edge-optimized endpoint written in `EndpointConfiguration`;
    - canary settings (stage `CanarySetting`, deployment `DeploymentCanarySettings`);
    - X-Ray tracing (`TracingEnabled`);
    - gateway responses, payload compression (`MinimumCompressionSize`), client certificates,
      documentation parts;
    - execution logging (`MethodSettings` `LoggingLevel` other than `OFF`, `DataTraceEnabled`):
      HTTP APIs have access logs only;
    - an edge-optimized custom domain mapped to the API (`BasePathMapping`; SAM `Domain` with
      `EndpointConfiguration: EDGE`): HTTP APIs take regional custom domains only.

    An API left at the default endpoint type is edge-optimized, but nothing in the template asks
    for it: it still fires (write `EndpointConfiguration: EDGE` if clients need the edge).

    ## When it stays silent
    - Any of those features is used, for this API or by a resource whose API this template
      cannot identify (a usage plan, WAF association, validator or stage naming an imported or
      parameter API may be this one's).
    - CORS pre-flight `OPTIONS` methods with mock integrations (HTTP APIs answer CORS themselves).
    - The API's OpenAPI definition is not in the template (`BodyS3Location`, a SAM
      `DefinitionUri` on S3), or the stack defines no operation for it (its methods are in
      another stack).
    - HTTP and WebSocket APIs (`AWS::ApiGatewayV2::Api`).

    ## Fix
    ```yaml
    # SAM
    HttpApi:
      Type: AWS::Serverless::HttpApi
    GetOrders:
      Type: AWS::Serverless::Function
      Properties:
        Events:
          List:
            Type: HttpApi          # instead of Type: Api
            Properties: {ApiId: !Ref HttpApi, Path: /orders, Method: get}
    ```
    CloudFormation: `AWS::ApiGatewayV2::Api` with `ProtocolType: HTTP`, `AWS::ApiGatewayV2::Integration`
    (`AWS_PROXY`, `PayloadFormatVersion: "2.0"`) and `AWS::ApiGatewayV2::Route`. CDK:
    `new apigwv2.HttpApi(…)` with `HttpLambdaIntegration`. Event payloads differ (version 2.0):
    check handlers that read `event.requestContext` or multi-value headers.
    """
    for use in rest_api_uses(graph):
        if use.features or not use.known or not use.has_operations:
            continue
        api = use.api
        origin = "sam" if api.source_resource else "cdk" if api.construct_path else "cfn"
        name = graph.label(api.logical_id)
        if api.logical_id == IMPLICIT and api.source_resource:
            name = f"{IMPLICIT} (the implicit API of Api events)"
        yield Finding.at(
            api,
            f"REST API {name} uses no REST-only feature: an HTTP API would cost about a third",
            fix=FIX[origin],
        )
