"""WA221: REST methods that accept a body nobody validates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from wa_lint.api import (
    Finding,
    Graph,
    Operation,
    Pillar,
    Severity,
    api_name,
    cased,
    code_facts,
    fitting,
    operations,
    rule,
    shorten,
    text,
)

BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_ROUTES = 5
CFN_FIX = ("Add an AWS::ApiGateway::RequestValidator with ValidateRequestBody: true and set the method's "
           "RequestValidatorId (and RequestModels for the body schema).")
SAM_FIX = "Add RequestModel: {Model: <model>, Required: true, ValidateBody: true} to the event (Models on the API)."
#: Mapping-template expressions that read the request body.
BODY_VTL = ("$input.body", "$input.json(", "$input.path(")
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

    The method must show it takes a body: a body model (`RequestModels`, an OpenAPI
    `requestBody` or `in: body` parameter, a SAM `RequestModel`), a mapping template that reads
    it (`$input.body`, `$input.json(…)`, `$input.path(…)`), a non-proxy AWS integration that
    passes it through, or a readable handler (inline `ZipFile`, local `CodeUri`, CDK asset) that
    reads it (`event["body"]`, `event.body`, Powertools `json_body`). The finding names that
    evidence.

    ## When it stays silent
    - No such evidence: a `POST /cart/checkout` whose handler takes the id from the path and the
      user from the token, a `MOCK` integration, a handler that cannot be read, an HTTP backend.
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
    groups: dict[tuple[str, str | None, bool], list[tuple[Operation, str]]] = {}
    for op in operations(graph):
        if op.kind != "rest" or op.method not in BODY_METHODS or op.validated is not False:
            continue
        evidence = _body_evidence(graph, op)
        if evidence is not None:
            groups.setdefault((op.report_on.logical_id, op.api, op.from_body), []).append((op, evidence))
    for found in groups.values():
        finding = _finding(graph, found)
        finding.subjects = {"routes": list(dict.fromkeys(op.route for op, _ in found))}
        yield finding


def _reads_body(graph: Graph, templates: Any) -> bool:
    """Whether a mapping template (plain, or in ``Fn::Sub``/``Fn::Join``) reads the body."""
    return isinstance(templates, dict) and any(
        any(v in text(graph, t) for v in BODY_VTL) for t in templates.values())


def _body_evidence(graph: Graph, op: Operation) -> str | None:
    """Why the operation takes a body, in words a message can quote; None without evidence."""
    if op.body is not None:
        spec = op.body.operation
        params = spec.get("parameters")
        if spec.get("requestBody") is not None or (isinstance(params, list) and any(
                isinstance(p, dict) and p.get("in") == "body" for p in params)):
            return "it declares a body model"
        integration = op.body.integration or {}
        kind, templates = integration.get("type"), integration.get("requestTemplates")
    else:
        models = op.defined_by.prop("RequestModels")
        if isinstance(models, dict) and any(m != "Empty" for m in models.values()):  # Empty: no schema
            return "it declares RequestModels"
        integration = op.defined_by.prop("Integration")
        integration = integration if isinstance(integration, dict) else {}
        kind, templates = integration.get("Type"), integration.get("RequestTemplates")
    if _reads_body(graph, templates):
        return "its mapping template reads it"
    if cased(graph.resolver, kind) == "AWS" and templates is None:
        return "its AWS integration passes it through"
    fn = graph.resource(op.function)
    facts = code_facts(fn, graph.resolver) if fn is not None and op.function is not None else None
    if facts is not None and facts.body_reads:
        return f"{facts.path} reads {facts.body_reads[0]}"
    return None


def _routes(names: list[str], most: int) -> str:
    """``POST /a, PUT /b and 3 more``: at most ``most`` routes named."""
    return ", ".join(names[:most]) + (f" and {len(names) - most} more" if len(names) > most else "")


def _finding(graph: Graph, found: list[tuple[Operation, str]]) -> Finding:
    """One finding for the routes of one method or function, naming the evidence of a body when
    every route has the same (a body model, a mapping template, the handler's line)."""
    ops = [op for op, _ in found]
    evidences = {evidence for _, evidence in found}
    because = f" ({evidences.pop()})" if len(evidences) == 1 else ""
    first = ops[0]
    api = api_name(graph, first.api, "rest")
    names = list(dict.fromkeys(op.route for op in ops))
    verbs = ("take", "have") if len(names) > 1 else ("takes", "has")
    conditions = {op.condition for op in ops}
    condition = conditions.pop() if len(conditions) == 1 else None
    api_res = graph.resource(first.api)
    related = [api_res] if api_res is not None and api_res is not first.report_on else []
    owner = shorten(graph.label(first.report_on.logical_id))
    where: Callable[[str], str]
    if not first.from_body:
        fix, where = CFN_FIX, lambda routes: f"{routes} of {api}"
    elif first.report_on is not first.defined_by:  # a SAM function's events
        fix, where = SAM_FIX, lambda routes: f"{owner}: {routes} on {api}"
    else:
        fix, where = (SAM_FIX if first.defined_by.source_resource else BODY_FIX), lambda routes: f"{api}: {routes}"
    lacks = f"{verbs[1]} no request validator"
    if not first.from_body and first.defined_by.prop("RequestValidatorId") is not None:
        lacks = "its request validator checks neither body nor parameters"
    effect = ": malformed input reaches the integration"
    variants = ((because, effect), (because, ""), ("", effect), ("", ""))
    message = fitting(f"{where(_routes(names, n))} {verbs[0]} a request body{why} but {lacks}{then}"
                      for n in (MAX_ROUTES, 2, 1) for why, then in variants)
    return Finding.at(first.report_on, message, fix=fix, related=related, condition=condition)
