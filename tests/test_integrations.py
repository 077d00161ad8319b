"""``integrates`` edges (direct service integrations) and the route index the cost rules use.

Lambda integrations are ``invokes`` edges, never ``integrates``; each service integration shape
(REST method, OpenAPI body, HTTP API subtype, WebSocket AWS integration, Step Functions task,
Pipe) is checked with its ``service``/``action`` and the resource it targets.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.lint_helpers import lint
from wa_lint.graph.builders import build_graph
from wa_lint.graph.builders.integrations import routes_to
from wa_lint.graph.export import graphs_for
from wa_lint.graph.model import Graph
from wa_lint.model import Stack, resources_from_template

Edges = set[tuple[str, str, str, Any]]


def build(resources: dict[str, Any]) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    stack = Stack(name="t", path="t.yaml", kind="cloudformation", resources=resources_from_template(template))
    return build_graph(stack)


def integrates(graph: Graph) -> Edges:
    return {(e.src, e.dst, e["service"], e["action"]) for e in graph.edges("integrates")}


SQS_PATH = "arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${Q.QueueName}"
DIRECT = ("fixtures/WA401/good/direct-sqs-integration.yaml", "fixtures/WA402/good/direct-sqs-task.yaml")
API = {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}}
FN = {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.h"}}


def method(integration: dict[str, Any], verb: str = "POST") -> dict[str, Any]:
    return {"Type": "AWS::ApiGateway::Method", "Properties": {
        "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "Res"}, "HttpMethod": verb, "Integration": integration}}


RES = {"Type": "AWS::ApiGateway::Resource", "Properties": {
    "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "items"}}


def test_rest_method_aws_integrations() -> None:
    graph = build({
        "Api": API, "Res": RES, "Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "AWS::DynamoDB::Table"},
        "Topic": {"Type": "AWS::SNS::Topic"}, "B": {"Type": "AWS::S3::Bucket"},
        "Send": method({"Type": "AWS", "IntegrationHttpMethod": "POST",
                        "Uri": {"Fn::Sub": SQS_PATH},
                        "RequestTemplates": {"application/json": "Action=SendMessage&MessageBody=$input.body"}}),
        "Put": method({"Type": "AWS", "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem"},
                       "RequestTemplates": {"application/json": {"Fn::Sub": '{"TableName": "${T}"}'}}}, "PUT"),
        "Publish": method({"Type": "aws", "Uri": {"Fn::Join": ["", [
            "arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, ":sns:path/",
            {"Ref": "AWS::AccountId"}, "/", {"Fn::GetAtt": ["Topic", "TopicName"]}]]},
            "RequestParameters": {"integration.request.querystring.Action": "'Publish'"}}, "PATCH"),
        "Get": method({"Type": "AWS", "IntegrationHttpMethod": "GET",
                       "Uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:s3:path/${B}/{key}"}}, "GET"),
        "Proxy": method({"Type": "AWS_PROXY", "Uri": {"Fn::Sub": (
            "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations")}}, "DELETE"),
        "Fn": FN,
    })
    assert integrates(graph) == {
        ("Api", "Q", "sqs", "SendMessage"), ("Api", "T", "dynamodb", "PutItem"),
        ("Api", "Topic", "sns", "Publish"), ("Api", "B", "s3", "GetObject"),
    }
    routes = {e["route"] for e in graph.edges("integrates")}
    assert routes == {"POST /items", "PUT /items", "PATCH /items", "GET /items"}
    assert routes_to(graph, "Api", "Fn") == ["DELETE /items"]


def test_openapi_body_and_http_api_subtypes() -> None:
    body = {"paths": {
        "/orders": {
            "post": {"x-amazon-apigateway-integration": {
                "type": "aws", "httpMethod": "POST",
                "uri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:states:action/StartExecution"},
                "requestTemplates": {"application/json": {"Fn::Sub": '{"stateMachineArn": "${Flow}"}'}}}},
            "get": {"x-amazon-apigateway-integration": {
                "type": "aws_proxy", "uri": {"Fn::Sub": (
                    "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations")}}},
        },
        "/events": {"Fn::If": ["On", {"post": {"x-amazon-apigateway-integration": {
            "type": "aws_proxy", "integrationSubtype": "EventBridge-PutEvents",
            "requestParameters": {"EventBusName": {"Ref": "Bus"}}}}}, {"Ref": "AWS::NoValue"}]},
    }}
    graph = build({
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}},
        "Flow": {"Type": "AWS::StepFunctions::StateMachine",
                 "Properties": {"Definition": {"StartAt": "A", "States": {}}}},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}},
        "Http": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "HTTP"}},
        "Send": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Http"}, "IntegrationType": "AWS_PROXY", "IntegrationSubtype": "SQS-SendMessage",
            "RequestParameters": {"QueueUrl": {"Ref": "Q"}, "MessageBody": "$request.body"}}},
        "Route": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {
            "ApiId": {"Ref": "Http"}, "RouteKey": "POST /send", "Target": {"Fn::Sub": "integrations/${Send}"}}},
        "Ws": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET"}},
        "Store": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": "Ws"}, "IntegrationType": "AWS",
            "IntegrationUri": {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem"},
            "RequestTemplates": {"connect": {"Fn::Sub": '{"TableName": "${T}"}'}}}},
        "Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "AWS::DynamoDB::Table"}, "Fn": FN,
    })
    assert integrates(graph) == {
        ("Api", "Flow", "states", "StartExecution"), ("Api", "Bus", "events", "PutEvents"),
        ("Http", "Q", "sqs", "SendMessage"), ("Ws", "T", "dynamodb", "PutItem"),
    }
    by_dst = {e.dst: e for e in graph.edges("integrates")}
    assert by_dst["Bus"].condition == "On"
    assert by_dst["Flow"]["route"] == "POST /orders"
    assert by_dst["Q"]["routes"] == ["POST /send"]
    assert routes_to(graph, "Api", "Fn") == ["GET /orders"]


def test_state_machine_tasks_and_pipes() -> None:
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
              "Parameters": {"QueueUrl": "${QueueUrl}", "MessageBody.$": "$"}, "Next": "B"},
        "B": {"Type": "Parallel", "Branches": [{"StartAt": "C", "States": {
            "C": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:query",
                  "Parameters": {"TableName": "${Table}"}, "End": True}}}], "Next": "D"},
        "D": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "${Fn}"}, "Next": "E"},
        "E": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:startExecution",
              "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:other"}, "End": True},
    }}
    graph = build({
        "Sm": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "Definition": definition, "DefinitionSubstitutions": {
                "QueueUrl": {"Ref": "Q"}, "Table": {"Ref": "T"}, "Fn": {"Fn::GetAtt": ["Fn", "Arn"]}}}},
        "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "Source": {"Fn::GetAtt": ["Q", "Arn"]}, "Target": {"Fn::GetAtt": ["Bus", "Arn"]}}},
        "ToFn": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "Source": {"Fn::GetAtt": ["Q", "Arn"]}, "Target": {"Fn::GetAtt": ["Fn", "Arn"]}}},
        "Q": {"Type": "AWS::SQS::Queue"}, "T": {"Type": "AWS::DynamoDB::Table"},
        "Bus": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "b"}}, "Fn": FN,
    })
    assert integrates(graph) == {
        ("Sm", "Q", "sqs", "SendMessage"), ("Sm", "T", "dynamodb", "Query"),
        ("Sm", "external:states:unknown", "states", "StartExecution"), ("Pipe", "Bus", "events", "PutEvents"),
    }
    assert {e.get("state") for e in graph.edges("integrates") if e.src == "Sm"} == {"A", "C", "E"}
    assert ("Sm", "Fn") in {(e.src, e.dst) for e in graph.edges("invokes")}


def test_malformed_integrations_never_raise() -> None:
    graph = build({
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {"paths": ["x", {"/": None}]}}},
        "M": {"Type": "AWS::ApiGateway::Method", "Properties": {"Integration": {"Type": "AWS", "Uri": 7}}},
        "I": {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {"IntegrationSubtype": {"Ref": "P"}}},
        "Sm": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{not json"}},
        "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {"Target": {"Fn::ImportValue": "x"}}},
    })
    assert integrates(graph) == set()


def test_corpus_like_fixture_shapes() -> None:
    """The good/ fixtures that show the direct pattern produce their edges through the pipeline."""
    results = lint(*DIRECT)
    assert all(r.error is None for r in results)
    from wa_lint.discover import discover

    sources, _ = discover(list(DIRECT))
    graphs, errors = graphs_for(sources)
    assert not errors
    assert {(e.src, e.dst, e["service"], e["action"]) for g in graphs for e in g.edges("integrates")} == {
        ("Api", "Inbox", "sqs", "SendMessage"), ("Fulfilment", "Shipments", "sqs", "SendMessage")}
