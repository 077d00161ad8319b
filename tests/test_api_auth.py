"""API operations and their protection (``wa_lint.graph.api_auth``), behind WA220 and WA221.

SAM templates go through the real translator, so these tests also pin how SAM's ``Auth`` shows
up in the translated OpenAPI body.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from wa_lint.discover import discover
from wa_lint.graph.api_auth import security as _security
from wa_lint.graph.api_operations import api_name, operations
from wa_lint.graph.builders import build_graph
from wa_lint.graph.model import Graph
from wa_lint.model import Stack, resources_from_template
from wa_lint.pipeline import load_stacks


def build(resources: dict[str, Any]) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation",
                             resources=resources_from_template(template)))


def sam_graph(tmp_path: Path, text: str) -> Graph:
    path = tmp_path / "template.yaml"
    path.write_text(text, encoding="utf-8")
    sources, missing = discover([str(path)])
    assert not missing
    stacks, errors = load_stacks(sources[0])
    assert not errors, errors
    return build_graph(stacks[0])


def summary(g: Graph) -> set[tuple[str, str, str, str]]:
    return {(op.kind, op.route, op.auth, op.report_on.logical_id) for op in operations(g)}


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Secured:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Users
        Authorizers:
          Users: {UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: x
      Events:
        Get: {Type: Api, Properties: {RestApiId: !Ref Secured, Path: /a, Method: get}}
        Open: {Type: Api, Properties: {RestApiId: !Ref Secured, Path: /open, Method: post, Auth: {Authorizer: NONE}}}
        Iam: {Type: Api, Properties: {RestApiId: !Ref Secured, Path: /iam, Method: put, Auth: {Authorizer: AWS_IAM}}}
        Key: {Type: Api, Properties: {Path: /key, Method: get, Auth: {ApiKeyRequired: true}}}
        Plain: {Type: Api, Properties: {Path: /plain, Method: any}}
        Http: {Type: HttpApi, Properties: {Path: /h, Method: get}}
"""


def test_sam_events_are_read_from_the_translated_body(tmp_path: Path) -> None:
    g = sam_graph(tmp_path, SAM)
    assert summary(g) == {
        ("rest", "GET /a", "authorized", "Fn"),
        ("rest", "POST /open", "none", "Fn"),
        ("rest", "PUT /iam", "authorized", "Fn"),
        ("rest", "GET /key", "authorized", "Fn"),
        ("rest", "ANY /plain", "none", "Fn"),
        ("http", "GET /h", "none", "Fn"),
    }
    opened = next(op for op in operations(g) if op.route == "POST /open")
    assert opened.how == "Authorizer: NONE"
    assert opened.function == "Fn"
    assert opened.validated is False
    assert api_name(g, "ServerlessRestApi", "rest") == "the implicit SAM REST API (ServerlessRestApi)"
    assert api_name(g, "Secured", "rest") == "REST API Secured"


def test_rest_methods_paths_validators_and_keys() -> None:
    g = build({
        "Api": {"Type": "AWS::ApiGateway::RestApi"},
        "A": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ParentId": {"Fn::GetAtt": ["Api", "RootResourceId"]}, "PathPart": "a"}},
        "B": {"Type": "AWS::ApiGateway::Resource", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ParentId": {"Ref": "A"}, "PathPart": "{id}"}},
        "V": {"Type": "AWS::ApiGateway::RequestValidator", "Properties": {"ValidateRequestBody": True}},
        "Post": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "B"}, "HttpMethod": "post",
            "RequestValidatorId": {"Ref": "V"}}},
        "Keyed": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "A"}, "HttpMethod": "GET",
            "AuthorizationType": "NONE", "ApiKeyRequired": "true"}},
        "Odd": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Ref": "A"}, "HttpMethod": "PUT",
            "AuthorizationType": {"Fn::ImportValue": "auth"}}},
    })
    ops = {op.defined_by.logical_id: op for op in operations(g)}
    assert (ops["Post"].route, ops["Post"].auth, ops["Post"].validated) == ("POST /a/{id}", "none", True)
    assert ops["Keyed"].auth == "authorized"
    assert ops["Odd"].auth == "unknown"


def test_websocket_only_connect_counts() -> None:
    g = build({
        "Ws": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"ProtocolType": "WEBSOCKET"}},
        "C": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Ws"}, "RouteKey": "$connect",
                                                                  "ApiKeyRequired": True}},
        "D": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": {"Ref": "Ws"}, "RouteKey": "$default"}},
        "Outside": {"Type": "AWS::ApiGatewayV2::Route", "Properties": {"ApiId": "abc", "RouteKey": "$connect"}},
    })
    assert {(op.defined_by.logical_id, op.kind, op.auth) for op in operations(g)} == {
        ("C", "websocket", "authorized"), ("Outside", "websocket", "none")}


@pytest.mark.parametrize(("security", "schemes", "expected"), [
    (None, {}, "none"),
    ([], {}, "none"),
    ([{}], {}, "none"),
    ([{"NONE": []}], {}, "none"),
    ([{"api_key": []}], {"api_key": {}}, "authorized"),
    ([{"api_key": [], "jwt": ["scope"]}], {"api_key": {}, "jwt": {}}, "authorized"),
    ([{}, {"api_key": []}], {"api_key": {}}, "unknown"),
    ([{"elsewhere": []}], {}, "unknown"),
    ({"Fn::If": ["C", [], []]}, {}, "unknown"),
])
def test_openapi_security(security: Any, schemes: dict[str, Any], expected: str) -> None:
    assert _security(security, schemes)[0] == expected


def test_conditional_paths_keep_their_condition() -> None:
    body = {"paths": {"/a": {"Fn::If": ["Extra", {"get": {}}, {"Ref": "AWS::NoValue"}]}}}
    g = build({"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": body}}})
    assert [(op.route, op.condition) for op in operations(g)] == [("GET /a", "Extra")]
