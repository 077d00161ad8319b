"""IAM knowledge (data set lookups), statement rendering, effective permissions and ``grants`` edges."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from wa_lint.graph.builders import build_graph
from wa_lint.graph.effective import permissions
from wa_lint.graph.export import graph_dict
from wa_lint.iam import data
from wa_lint.iam.statements import render, unscoped
from wa_lint.values import Resolver


def test_expand_uses_the_data_set() -> None:
    names = {a.full for a in data.expand("s3:Put*")}
    assert "s3:PutObject" in names
    assert "s3:GetObject" not in names
    assert {a.full for a in data.expand("IAM:passrole")} == {"iam:PassRole"}
    assert data.expand("nosuchservice:*") == ()
    assert len(data.expand("*")) > 10000


def test_access_levels_and_resource_level_support() -> None:
    (put,) = data.expand("s3:PutObject")
    assert put.level == data.WRITE
    assert put.resource_level
    (trace,) = data.expand("xray:PutTraceSegments")
    assert not trace.resource_level
    (attach,) = data.expand("iam:AttachRolePolicy")
    assert attach.level == data.PERMISSIONS
    (tag,) = data.expand("s3:PutBucketTagging")
    assert tag.level == data.TAGGING
    (get,) = data.expand("s3:GetObject")
    assert get.level == data.READ


def test_managed_policies_from_data() -> None:
    assert data.managed_policy_name("arn:aws:iam::aws:policy/service-role/AWSLambdaRole") == "AWSLambdaRole"
    assert data.managed_policy_name("arn:aws:iam::123456789012:policy/Mine") is None
    admin = data.managed_policy("AdministratorAccess")
    assert admin is not None
    assert admin["Statement"][0]["Action"] == "*"
    assert data.managed_policy("AWSLambdaBasicExecutionRole") is not None
    design = data.by_design_star()
    assert {"xray:puttracesegments", "ec2:createnetworkinterface", "logs:createloggroup"} <= design
    assert "s3:putobject" not in design


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:s3:::*/*", True),
        ("arn:aws:logs:*:*:*", True),
        ("arn:aws:dynamodb:${AWS::Region}:${AWS::AccountId}:table/*", True),
        ("arn:aws:iam::${AWS::AccountId}:role/*", True),
        ("arn:aws:lambda:us-east-1:123456789012:function:*", True),
        ("arn:aws:s3:::${Bucket}/*", False),
        ("arn:aws:s3:::my-bucket/*", False),
        ("arn:aws:s3:::reports-*/*", False),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/Orders/index/*", False),
        ("arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/*", False),
        ("arn:aws:sqs:us-east-1:123456789012:*", True),
        ("${Queue.Arn}", False),
    ],
)
def test_unscoped(resource: str, expected: bool) -> None:
    assert unscoped(resource) is expected


def test_render_keeps_placeholders_and_resolves_what_it_can() -> None:
    r = Resolver({"Name": {"Type": "String", "Default": "*"}, "NoDefault": {"Type": "String"}}, {}, {"Bucket"})
    assert render({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}, r) == "arn:aws:s3:::${Bucket}/*"
    assert render({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "Name"}]]}, r) == \
        "arn:aws:s3:::*"
    assert render({"Ref": "NoDefault"}, r) == "${NoDefault}"
    assert render({"Fn::GetAtt": ["Bucket", "Arn"]}, r) == "${Bucket.Arn}"
    assert render({"Fn::If": ["C", "*", "arn:aws:s3:::x"]}, r) is None
    assert render({"Fn::ImportValue": "x"}, r) == "${Import}"


def _graph(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    from wa_lint.discover import discover
    from wa_lint.pipeline import load_stacks

    path = tmp_path / "template.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    sources, _ = discover([str(path)])
    stacks, errors = load_stacks(sources[0])
    assert not errors
    return build_graph(stacks[0])


SAM = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      InlineCode: x
      Policies:
        - AWSXRayDaemonWriteAccess
        - DynamoDBCrudPolicy: {TableName: !Ref Table}
        - Statement: [{Effect: Allow, Action: sns:Publish, Resource: "*"}]
"""


def test_sam_policies_map_back_to_their_entry_and_template(tmp_path: Path) -> None:
    graph = _graph(tmp_path, SAM)
    perms = permissions(graph)["FnRole"]
    written = [s for s in perms.statements if not s.managed]
    assert [(s.sam_entry, s.sam_template) for s in written] == [(1, "DynamoDBCrudPolicy"), (2, None)]
    assert {m.name for m in perms.managed} == {"AWSLambdaBasicExecutionRole", "AWSXRayDaemonWriteAccess"}
    assert all(m.known for m in perms.managed)


def test_a_managed_policy_attached_by_two_roles_has_each_roles_line(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      First:
        Type: AWS::Serverless::Function
        Properties: {Runtime: python3.12, Handler: app.handler, InlineCode: x}
      Second:
        Type: AWS::Serverless::Function
        Properties: {Runtime: python3.12, Handler: app.handler, InlineCode: x}
      Third:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {}
          ManagedPolicyArns:
            - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
    """)
    edges = [e for e in graph_dict(graph)["edges"] if e["kind"] == "grants" and e["managed"]]
    assert sorted((e["from"], e["policy"], e["line"]) for e in edges) == [
        ("FirstRole", "AWSLambdaBasicExecutionRole", 4),
        ("SecondRole", "AWSLambdaBasicExecutionRole", 7),
        ("Third", "AWSLambdaBasicExecutionRole", 14),
    ]


def test_grants_edges_carry_source_locations(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
    Resources:
      Table:
        Type: AWS::DynamoDB::Table
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {}
      Extra:
        Type: AWS::IAM::Policy
        Properties:
          Roles: [!Ref Role]
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [dynamodb:GetItem, dynamodb:PutItem]
                Resource: !GetAtt Table.Arn
              - Effect: Allow
                Action: xray:PutTraceSegments
                Resource: "*"
              - Effect: Allow
                Action: sns:Publish
                Resource: "*"
    """)
    edges = [e for e in graph_dict(graph)["edges"] if e["kind"] == "grants"]
    assert [(e["to"], e["policy"], e["line"], e["actions"]) for e in edges] == [
        ("Table", "Extra", 15, "dynamodb:GetItem, dynamodb:PutItem"),
        ("external:*", "Extra", 18, "xray:PutTraceSegments"),
        ("external:*", "Extra", 21, "sns:Publish"),
    ]
    assert all(e["effect"] == "Allow" and e["resources"] for e in edges)
    statement = graph.edges("grants")[0]["statement"]
    assert json.loads(json.dumps(statement))["Action"] == ["dynamodb:GetItem", "dynamodb:PutItem"]


def test_malformed_policies_never_raise(tmp_path: Path) -> None:
    graph = _graph(tmp_path, """
    Resources:
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument: {}
          Policies: [7, {PolicyDocument: {Statement: [null, 3, {Effect: Allow, Action: [1, {a: b}]}]}}]
          ManagedPolicyArns:
            - !ImportValue x
            - !If [C, arn:aws:iam::aws:policy/AdministratorAccess, !Ref AWS::NoValue]
      P:
        Type: AWS::IAM::Policy
        Properties: {Roles: x, PolicyDocument: "nope"}
      Fn:
        Type: AWS::Lambda::Function
        Properties: {Role: !GetAtt Role.Arn}
    """)
    perms = permissions(graph)["Role"]
    assert perms.unresolved == 1
    assert [m.condition for m in perms.managed] == ["C"]
