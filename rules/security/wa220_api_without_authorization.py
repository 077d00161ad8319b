"""WA220: API Gateway methods and routes that anyone can call."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Operation, Pillar, Severity, api_name, is_private, operations, rule

MAX_ROUTES = 5
SAM_FIX = {
    "rest": "Set Auth.DefaultAuthorizer (with Auth.Authorizers) on the API, or Auth.Authorizer (an authorizer or "
            "AWS_IAM) / Auth.ApiKeyRequired: true on the event; remove Authorizer: NONE where it is not meant.",
    "http": "Set Auth.DefaultAuthorizer (with Auth.Authorizers, or AWS_IAM with Auth.EnableIamAuthorizer) on the "
            "HttpApi, or Auth.Authorizer on the event; remove Authorizer: NONE where it is not meant.",
}
MEANS = {"rest": "authorizer, API key or IAM auth", "http": "authorizer or IAM auth"}
BODY_FIX = ("Add a security requirement (root-level or per operation) naming a scheme with an "
            "x-amazon-apigateway-authorizer, x-amazon-apigateway-authtype: awsSigv4 (IAM) or the x-api-key API key.")
FIX = {
    "rest": "Set AuthorizationType: AWS_IAM, COGNITO_USER_POOLS or CUSTOM (with AuthorizerId), "
            "or ApiKeyRequired: true.",
    "http": "Set AuthorizationType: JWT or CUSTOM (with AuthorizerId), or AWS_IAM.",
    "websocket": "Set AuthorizationType: AWS_IAM or CUSTOM (with AuthorizerId) on $connect, or ApiKeyRequired: true.",
}


@rule(
    id="WA220",
    name="api-without-authorization",
    pillar=Pillar.SECURITY,
    severity=Severity.WARNING,
    lens="SEC 1",
)
def api_without_authorization(graph: Graph) -> Iterator[Finding]:
    """An API Gateway method or route has no authorizer, API key or IAM authorization.

    ## Why
    An API Gateway endpoint is public on the internet. Without an authorizer (Lambda, Cognito,
    JWT), IAM authorization or at least an API key, anyone who finds the URL can call the
    function behind it, read its data and run up its bill.

    ## When it fires
    - A REST `AWS::ApiGateway::Method` with `AuthorizationType` `NONE` (the default) and no
      `ApiKeyRequired: true`.
    - An HTTP API `AWS::ApiGatewayV2::Route` with `AuthorizationType` `NONE` (the default), an
      HTTP API quick-created with `Target`, or a WebSocket API whose `$connect` route has neither
      authorization nor `ApiKeyRequired` (only `$connect` can carry them).
    - An operation of an OpenAPI `Body` / `DefinitionBody` without `security` (or with empty
      security). SAM `Api` / `HttpApi` events arrive this way: an event with no `Auth` on an API
      without `Auth.DefaultAuthorizer`, or with `Auth: {Authorizer: NONE}`; the finding is on the
      function whose event it is, and lists its routes.

    ## When it stays silent
    - The method is `OPTIONS` (CORS pre-flight must be unauthenticated).
    - The authorization cannot be read (a parameter without a default, `Fn::If`, a security
      scheme the definition does not declare, a `BodyS3Location`).
    - WebSocket routes other than `$connect`.

    ## Fix
    ```yaml
    OrdersApi:
      Type: AWS::Serverless::Api
      Properties:
        StageName: prod
        Auth:
          DefaultAuthorizer: Cognito
          Authorizers:
            Cognito: {UserPoolArn: !GetAtt UserPool.Arn}
    ```
    """
    groups: dict[tuple[str, str | None, bool], list[Operation]] = {}
    for op in operations(graph):
        if op.auth != "none" or op.method == "OPTIONS":
            continue
        groups.setdefault((op.report_on.logical_id, op.api, op.from_body), []).append(op)
    for ops in groups.values():
        finding = _finding(graph, ops)
        finding.subjects = {"routes": list(dict.fromkeys(op.route for op in ops))}
        yield finding


def routes_text(ops: list[Operation]) -> tuple[str, bool]:
    """``GET /a, POST /b (Authorizer: NONE) and 3 more``, and whether that is more than one route."""
    names = list(dict.fromkeys(
        op.route + (" (Authorizer: NONE)" if op.how == "Authorizer: NONE" else "") for op in ops
    ))
    text = ", ".join(names[:MAX_ROUTES])
    if len(names) > MAX_ROUTES:
        text += f" and {len(names) - MAX_ROUTES} more"
    return text, len(names) > 1


def _finding(graph: Graph, ops: list[Operation]) -> Finding:
    first = ops[0]
    api = api_name(graph, first.api, first.kind)
    conditions = {op.condition for op in ops}
    condition = conditions.pop() if len(conditions) == 1 else None
    api_res = graph.resource(first.api)
    related = [api_res] if api_res is not None and api_res is not first.report_on else []
    # a private REST API answers only through VPC endpoints: "anyone" would overstate who can call
    anyone = "any caller that reaches its VPC endpoint" if first.kind == "rest" and is_private(graph, first.api) \
        else "anyone"
    if first.from_body:
        routes, many = routes_text(ops)
        verb = "have" if many else "has"
        kind = "rest" if first.kind == "rest" else "http"
        if first.report_on is not first.defined_by:  # a SAM function's events
            message = (f"{graph.label(first.report_on.logical_id)} can be called by {anyone} through "
                       f"{api}: {routes} {verb} no {MEANS[kind]}")
            fix = SAM_FIX[kind]
        else:
            message = (f"{api} has operations {anyone} can call: {routes} {verb} no security requirement "
                       f"naming an {MEANS[kind]} scheme")
            fix = SAM_FIX[kind] if first.defined_by.source_resource else BODY_FIX
        return Finding.at(first.report_on, message, fix=fix, related=related, condition=condition)
    if first.how == "quick-create Target":
        message = f"{api} is quick-created with Target: its $default route has no authorization"
        fix = "Define the routes explicitly (AWS::ApiGatewayV2::Route) with an authorizer or AWS_IAM."
        return Finding.at(first.report_on, message, fix=fix, condition=condition)
    target = f"The {first.route} route" if first.kind != "rest" else f"{first.method} {first.path}"
    who = "any client can connect" if first.kind == "websocket" else f"{anyone} can call it"
    means = "authorizer or IAM authorization" if first.kind == "http" else "authorizer, API key or IAM authorization"
    message = f"{target} of {api} has no {means} ({first.how}): {who}"
    res = first.defined_by
    line = res.prop_line("AuthorizationType") if res.prop("AuthorizationType") is not None else None
    return Finding.at(first.report_on, message, fix=FIX[first.kind], related=related, line=line,
                      condition=condition)
