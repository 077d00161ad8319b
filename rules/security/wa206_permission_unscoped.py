"""WA206: a function's resource policy lets anyone, or any resource of a service, invoke it."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Resource, Severity, render, rule

SERVICE_SUFFIXES = (".amazonaws.com", ".amazonaws.com.cn", ".amazon.com")
#: Properties that tie a service principal to one source (``EventSourceToken``: Alexa's equivalent).
SCOPING = ("SourceArn", "SourceAccount", "EventSourceToken")


def _is_url_permission(graph: Graph, perm: Resource) -> bool:
    action = render(perm.prop("Action"), graph.resolver) or ""
    via_url = graph.resolver.scalar(perm.prop("InvokedViaFunctionUrl"))
    return (action.lower() == "lambda:invokefunctionurl" or via_url in (True, "true")
            or perm.prop("FunctionUrlAuthType") is not None)


def _public_urls(graph: Graph) -> dict[str, Resource]:
    """Function → its ``AWS::Lambda::Url`` with ``AuthType: NONE``."""
    found: dict[str, Resource] = {}
    for url in graph.of_type("AWS::Lambda::Url"):
        fn = graph.function_target(url.prop("TargetFunctionArn"))
        if fn is not None and graph.resolver.scalar(url.prop("AuthType")) == "NONE":
            found.setdefault(fn, url)
    return found


def _permission_problem(graph: Graph, perm: Resource, public_urls: dict[str, Resource], fn: str | None) -> str | None:
    principal = render(perm.prop("Principal"), graph.resolver)
    if principal is None:
        return None
    if principal == "*":
        if perm.prop("PrincipalOrgID") is not None:
            return None
        if fn is not None and fn in public_urls and _is_url_permission(graph, perm):
            return None  # the URL's AuthType NONE finding says it
        return "{perm} lets any AWS account invoke {fn} (Principal \"*\")"
    if principal.endswith(SERVICE_SUFFIXES):
        if any(perm.prop(p) is not None for p in SCOPING):
            return None
        service = principal.split(".", 1)[0]
        return (f"{{perm}} lets {principal} invoke {{fn}} without SourceArn or SourceAccount: any {service} "
                "resource in any account can")
    return None


@rule(
    id="WA206",
    name="lambda-permission-unscoped",
    pillar=Pillar.SECURITY,
    severity=Severity.ERROR,
    lens="SEC 2",
)
def lambda_permission_unscoped(graph: Graph) -> Iterator[Finding]:
    """A function may be invoked by anyone, or by any resource of a service in any account.

    ## Why
    An `AWS::Lambda::Permission` is a statement in the function's resource policy. `Principal: "*"`
    lets every AWS account invoke the function. A service principal (`s3.amazonaws.com`,
    `sns.amazonaws.com`, `events.amazonaws.com`, …) without `SourceArn` or `SourceAccount` lets
    *any* bucket, topic or rule of that service invoke it, including ones in other accounts (the
    confused-deputy problem). A function URL with `AuthType: NONE` is callable by anyone on the
    internet.

    ## When it fires
    - A permission with `Principal: "*"`.
    - A permission for a service principal with neither `SourceArn` nor `SourceAccount`
      (`EventSourceToken` counts for Alexa skills).
    - An `AWS::Lambda::Url` (SAM `FunctionUrlConfig`) with `AuthType: NONE`; the `Principal: "*"`
      permission that goes with it is not reported a second time.

    ## When it stays silent
    - The principal is an account (`123456789012`, `!Ref AWS::AccountId`, `arn:…:root`) or a role ARN.
    - `Principal: "*"` restricted with `PrincipalOrgID`.
    - The principal cannot be read (a parameter without a default, an import).
    - Functions that CDK creates for itself.

    ## Fix
    ```yaml
    UploadPermission:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !GetAtt Resize.Arn
        Principal: s3.amazonaws.com
        SourceArn: !GetAtt UploadBucket.Arn
        SourceAccount: !Ref AWS::AccountId
    ```
    For a function URL, use `AuthType: AWS_IAM` (and sign requests), or put it behind CloudFront
    with origin access control.
    """
    public_urls = _public_urls(graph)
    for perm in graph.of_type("AWS::Lambda::Permission"):
        fn = graph.function_target(perm.prop("FunctionName"))
        fn_res = graph.resource(fn)
        if fn_res is not None and fn_res.internal:
            continue
        problem = _permission_problem(graph, perm, public_urls, fn)
        if problem is None:
            continue
        name = graph.label(fn) if fn is not None else render(perm.prop("FunctionName"), graph.resolver) or "<unknown>"
        yield Finding.at(
            perm,
            problem.replace("{perm}", graph.label(perm.logical_id)).replace("{fn}", name),
            fix="Add SourceArn (the bucket, topic or rule) and SourceAccount, or name an account or role as Principal.",
            line=perm.prop_line("Principal"),
            related=[fn_res] if fn_res is not None else [],
        )
    for fn, url in public_urls.items():
        fn_res = graph.resource(fn)
        if fn_res is None or fn_res.internal:
            continue
        yield Finding.at(
            url,
            f"the function URL of {graph.label(fn)} has AuthType NONE: anyone on the internet can invoke it",
            fix="Use AuthType: AWS_IAM and sign requests, or front the function with API Gateway or CloudFront "
                "and an authorizer.",
            line=url.prop_line("AuthType"),
            related=[fn_res],
        )
