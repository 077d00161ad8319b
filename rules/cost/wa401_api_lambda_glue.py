"""WA401: an API Gateway route whose function only forwards the request to one AWS service call."""

from __future__ import annotations

from collections.abc import Iterator

from wa_lint.api import Finding, Glue, Graph, Pillar, Severity, api_kind, fitting, glue_functions, rule, shorten
from wa_lint.api import forwards_verb as _verb

from . import _fixes

#: The calls API Gateway can make itself (REST ``AWS`` integrations; some also HTTP API subtypes).
API_ACTIONS = frozenset(
    {
        ("sqs", "SendMessage"), ("sns", "Publish"), ("kinesis", "PutRecord"), ("kinesis", "PutRecords"),
        ("firehose", "PutRecord"), ("firehose", "PutRecordBatch"), ("states", "StartExecution"),
        ("states", "StartSyncExecution"), ("events", "PutEvents"), ("dynamodb", "PutItem"),
        ("dynamodb", "GetItem"), ("dynamodb", "Query"), ("dynamodb", "UpdateItem"), ("dynamodb", "DeleteItem"),
    }
)


def _fix(graph: Graph, glue: Glue, kind: str) -> str:
    http = _fixes.http_integration(graph, glue) if kind == "http" else None
    if http is not None:
        return (f"Delete the function and give the route an HTTP API first-class integration "
                f"(IntegrationSubtype) that calls {glue.api_name}:\n{http}")
    lead = (f"HTTP APIs have no first-class integration for {glue.api_name}: move the route to a REST API "
            "and give its method" if kind == "http" else "Delete the function and give the method")
    return f"{lead} an AWS service integration that calls {glue.api_name}:\n{_fixes.rest_integration(graph, glue)}"


@rule(
    id="WA401",
    name="api-lambda-glue",
    pillar=Pillar.COST,
    severity=Severity.WARNING,
    lens="COST 1 / PERF 1",
)
def api_lambda_glue(graph: Graph) -> Iterator[Finding]:
    """An API Gateway route runs a function whose only job is one call API Gateway can make itself.

    ## Why
    A function that takes the request and passes it to SQS, SNS, Kinesis, Firehose, Step
    Functions, EventBridge or DynamoDB adds a cold start, per-request compute cost, code to
    maintain and a second place to fail. API Gateway REST APIs call those services directly
    with an `AWS` integration (a request template maps the body), and HTTP APIs have
    first-class integrations for SQS `SendMessage`, Kinesis `PutRecord`, Step Functions
    `StartExecution`/`StartSyncExecution` and EventBridge `PutEvents`.

    ## When it fires
    A function invoked by exactly one route of one REST or HTTP API (and by nothing else)
    forwards to one of: SQS `SendMessage`, SNS `Publish`, Kinesis `PutRecord(s)`, Firehose
    `PutRecord(Batch)`, Step Functions `StartExecution`/`StartSyncExecution`, EventBridge
    `PutEvents`, DynamoDB `PutItem`/`GetItem`/`Query`/`UpdateItem`/`DeleteItem`. The evidence:

    - **graph**: one invoker, one route;
    - **permissions**: apart from logs, X-Ray, VPC networking, KMS, look-ups
      (`sqs:GetQueueUrl`, `dynamodb:DescribeTable`…) and delivery to the function's own
      dead-letter queue or destinations (Lambda uses the role for those), the role grants that
      one action (or its batch form) on exactly one resource;
    - **code**, when readable (inline `ZipFile`, a local SAM `CodeUri`, a CDK asset; Python or
      Node.js): the handler makes exactly that SDK call and otherwise only passes the event
      through. *Trivial* work still counts as passing through: reading fields, building a new
      object from them, JSON / base64 encoding, adding a generated id or timestamp, null / missing
      checks with an early return, logging, Powertools logging/tracing/metrics.

    With code evidence the finding is a warning; on graph and permissions alone it is info.

    ## When it stays silent
    - The handler code is readable and does more: branches or compares on data (validation
      beyond a null check), arithmetic or string manipulation, calls another library, an HTTP
      endpoint or a second AWS call, defines classes.
    - The function has more than one target: permissions on two resources or two services, or
      code calling two actions.
    - The function serves several routes, several invokers, or is an authorizer.
    - Its role is outside the template, uses an AWS managed policy other than the basic
      execution ones, `NotAction`/`NotResource`, or grants the action on `Resource: "*"`.
    - Without readable code: the role grants several DynamoDB actions (a CRUD backend), the
      function is in a VPC, or its environment names an endpoint, host, database or secret.
    - The API is a WebSocket API or is not defined in the template.

    ## Fix
    ```yaml
    SendOrder:                      # REST API method instead of the function
      Type: AWS::ApiGateway::Method
      Properties:
        Integration:
          Type: AWS
          IntegrationHttpMethod: POST
          Uri: !Sub arn:${AWS::Partition}:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${OrdersQueue.QueueName}
          Credentials: !GetAtt ApiGatewayRole.Arn
          RequestParameters:
            integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"
          RequestTemplates:
            application/json: "Action=SendMessage&MessageBody=$util.urlEncode($input.body)"
    ```
    For an HTTP API: an `AWS::ApiGatewayV2::Integration` with `IntegrationType: AWS_PROXY`,
    `IntegrationSubtype: SQS-SendMessage`, `PayloadFormatVersion: "1.0"` and
    `RequestParameters: {QueueUrl: !Ref OrdersQueue, MessageBody: $request.body}`.
    """
    for glue in glue_functions(graph).values():
        edge = glue.invoker
        kind = api_kind(graph, edge.src)  # WebSocket APIs and APIs outside the template: None
        if edge.get("source") != "apigateway" or kind not in ("rest", "http") \
                or (glue.service, glue.action) not in API_ACTIONS:
            continue
        fn = glue.fn
        route = f"{glue.routes[0]} of " if glue.routes else ""
        api = graph.label(edge.src, owner=fn.source_resource)
        already = [e for e in graph.out_edges(edge.src, "integrates") if e.get("route")]
        note = f"; {api} already calls {already[0]['service']} directly for {already[0]['route']}" if already else ""
        head = (f"{shorten(graph.label(fn.logical_id))} {_verb(glue)} requests for {route}{shorten(api)} to "
                f"{glue.api_name} on {shorten(graph.label(glue.target))}")
        message = fitting((f"{head}: API Gateway can call it itself{note}", f"{head}{note}", head))
        related = [r for r in (graph.resource(edge.src), graph.resource(glue.target)) if r is not None]
        yield Finding.at(
            fn, message, fix=_fix(graph, glue, kind), related=[*related, *glue.code_evidence()],
            severity=None if glue.call is not None else Severity.INFO,
        )
