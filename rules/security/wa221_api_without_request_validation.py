"""WA221: REST methods that accept a body nobody validates."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Graph, Pillar, Severity, rule
from wa_lint.graph.api_auth import Operation, api_name, operations

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_ROUTES = 5
CFN_FIX = ("Add an AWS::ApiGateway::RequestValidator with ValidateRequestBody: true and set the method's "
           "RequestValidatorId (and RequestModels for the body schema).")
SAM_FIX = "Add RequestModel: {Model: <model>, Required: true, ValidateBody: true} to the event (Models on the API)."
BODY_FIX = ("Declare x-amazon-apigateway-request-validators (validateRequestBody: true) and set "
            "x-amazon-apigateway-request-validator at the root or on the operation.")


@rule(
    id="WA221",
    name="api-without-request-validation",
    pillar=Pillar.SECURITY,
    severity=Severity.INFO,
    lens="SEC 3",
)
def api_without_request_validation(graph: Graph) -> Iterator[Finding]:
    """A REST API method that takes a body has no request validator.

    ## Why
    API Gateway can reject malformed requests (missing parameters, a body that does not match
    the model) before they reach the function: fewer invocations paid for, and a first line of
    defence against injection and unexpected input (Serverless Lens SEC 3, "validate inbound
    events").

    ## When it fires
    A REST API `POST`, `PUT` or `PATCH` method (an `AWS::ApiGateway::Method`, or an operation of
    the API's OpenAPI body, which is what SAM `Api` events become) has no request validator, or
    one that validates neither body nor parameters.

    ## When it stays silent
    - Other methods, including `ANY` (a proxy that mostly serves reads) and `OPTIONS`.
    - HTTP and WebSocket APIs (they have no request validators).
    - The validator is defined outside the template, or cannot be read.

    ## Fix
    ```yaml
    Events:
      Create:
        Type: Api
        Properties:
          Path: /orders
          Method: post
          RequestModel: {Model: Order, Required: true, ValidateBody: true}
    ```
    """
    groups: dict[tuple[str, str | None, bool], list[Operation]] = {}
    for op in operations(graph):
        if op.kind != "rest" or op.method not in BODY_METHODS or op.validated is not False:
            continue
        groups.setdefault((op.report_on.logical_id, op.api, op.from_body), []).append(op)
    for ops in groups.values():
        yield _finding(graph, ops)


def _finding(graph: Graph, ops: list[Operation]) -> Finding:
    first = ops[0]
    api = api_name(graph, first.api, "rest")
    names = list(dict.fromkeys(op.route for op in ops))
    routes = ", ".join(names[:MAX_ROUTES])
    if len(names) > MAX_ROUTES:
        routes += f" and {len(names) - MAX_ROUTES} more"
    verbs = ("take", "have") if len(names) > 1 else ("takes", "has")
    conditions = {op.condition for op in ops}
    condition = conditions.pop() if len(conditions) == 1 else None
    api_res = graph.resource(first.api)
    related = [api_res] if api_res is not None and api_res is not first.report_on else []
    if not first.from_body:
        fix, where = CFN_FIX, f"{routes} of {api}"
    elif first.report_on is not first.defined_by:  # a SAM function's events
        fix, where = SAM_FIX, f"{graph.label(first.report_on.logical_id)}: {routes} on {api}"
    else:
        fix, where = (SAM_FIX if first.defined_by.source_resource else BODY_FIX), f"{api}: {routes}"
    lacks = f"{verbs[1]} no request validator"
    if not first.from_body and first.defined_by.prop("RequestValidatorId") is not None:
        lacks = "its request validator checks neither body nor parameters"
    message = f"{where} {verbs[0]} a request body but {lacks}: malformed input reaches the integration"
    return Finding.at(first.report_on, message, fix=fix, related=related, condition=condition)
