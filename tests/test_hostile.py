"""Hostile and broken input: a clear error or a clean result, within stated bounds, no traceback,
and the other files still linted.

Each case runs the real command in a subprocess with an address-space limit (``MEMORY_LIMIT``)
and a wall-clock timeout stated per case, beside a good template that must still be linted.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for one wa-lint run
GOOD = ROOT / "fixtures" / "WA101" / "bad" / "s3-notification.yaml"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*paths: Path | str, timeout: float) -> tuple[int, dict[str, Any], str]:
    """wa-lint report in JSON on ``paths`` plus a good template; bounded in time and memory."""
    proc = subprocess.run(
        [sys.executable, "-m", "wa_lint.cli", "report", "--format", "json", "--jobs", "1",
         *map(str, paths), str(GOOD)],
        capture_output=True, text=True, timeout=timeout, preexec_fn=_limit_memory, check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    good = [f for f in report["findings"] if f["path"].endswith("s3-notification.yaml")]
    assert [f["rule"] for f in good if f["rule"] == "WA101"] == ["WA101"], "the good file was not linted"
    return proc.returncode, report, proc.stderr


def file_error(report: dict[str, Any], name: str) -> str | None:
    [entry] = [f for f in report["files"] if f["path"].endswith(name)]
    error: str | None = entry["error"]
    return error


def test_alias_bomb(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("Resources:\n  T:\n    Type: AWS::SNS::Topic\n" + "\n".join(lines) + "\n")
    code, report, err = run_cli(bomb, timeout=20)
    assert code == 2
    assert "bomb.yaml" in err
    assert "alias" in (file_error(report, "bomb.yaml") or "")


def test_deeply_nested_mapping(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Properties: " + "{a: " * 10_000
                    + "1" + "}" * 10_000 + "\n")
    code, report, _ = run_cli(deep, timeout=20)
    assert code == 2
    assert "nesting deeper than" in (file_error(report, "deep.yaml") or "")


def _function(i: int, code: str) -> str:
    return (f"  Fn{i}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
            f"      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
            f"      Code:\n        ZipFile: |\n{code}")


def test_twenty_megabyte_template(tmp_path: Path) -> None:
    body = "".join(f"          # {'x' * 90}\n" for _ in range(100))  # ~10 KB of handler per function
    big = tmp_path / "big.yaml"
    big.write_text("Resources:\n" + "".join(_function(i, body) for i in range(2_000)))
    assert big.stat().st_size > 20 * 1024**2
    code, report, _ = run_cli(big, timeout=120)
    assert file_error(report, "big.yaml") is None
    assert code == 1  # the good file's finding


def test_five_thousand_resources(tmp_path: Path) -> None:
    parts = ["Resources:\n"]
    for i in range(1_250):
        parts.append(f"  Topic{i}:\n    Type: AWS::SNS::Topic\n")
        parts.append(f"  Sub{i}:\n    Type: AWS::SNS::Subscription\n    Properties:\n      Protocol: lambda\n"
                     f"      TopicArn: !Ref Topic{i}\n      Endpoint: !GetAtt Fn{i}.Arn\n")
        parts.append(f"  Queue{i}:\n    Type: AWS::SQS::Queue\n")
        parts.append(_function(i, "          pass\n"))
    many = tmp_path / "many.yaml"
    many.write_text("".join(parts))
    code, report, _ = run_cli(many, timeout=120)
    assert (code, file_error(report, "many.yaml")) == (1, None)
    assert sum(1 for f in report["findings"] if f["path"].endswith("many.yaml") and f["rule"] == "WA101") == 1_250


def test_circular_depends_on_and_references(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text(
        "Resources:\n"
        "  A:\n    Type: AWS::SQS::Queue\n    DependsOn: B\n    Properties:\n"
        "      RedrivePolicy: {deadLetterTargetArn: !GetAtt B.Arn, maxReceiveCount: 3}\n"
        "  B:\n    Type: AWS::SQS::Queue\n    DependsOn: [A, B]\n    Properties:\n"
        "      RedrivePolicy: {deadLetterTargetArn: !GetAtt A.Arn, maxReceiveCount: 3}\n"
        "  F:\n    Type: AWS::Lambda::Function\n    DependsOn: F\n    Properties:\n"
        "      Role: !GetAtt F.Arn\n      Runtime: python3.12\n      Handler: i.h\n"
        "      Code: {ZipFile: !Sub '${F.Arn}'}\n      DeadLetterConfig: {TargetArn: !Ref F}\n"
        "  Al:\n    Type: AWS::Lambda::Alias\n    Properties: {FunctionName: !Ref Al2, FunctionVersion: '1', Name: a}\n"
        "  Al2:\n    Type: AWS::Lambda::Alias\n    Properties: {FunctionName: !Ref Al, FunctionVersion: '1', Name: b}\n"
        "  Perm:\n    Type: AWS::Lambda::Permission\n"
        "    Properties: {Action: lambda:InvokeFunction, FunctionName: !Ref Al, Principal: s3.amazonaws.com}\n"
    )
    code, report, _ = run_cli(loop, timeout=30)
    assert (code, file_error(report, "loop.yaml")) == (1, None)


WRONG_ARGS: list[Any] = [None, [], [1], "x", 5, True, {"a": 1}, [[]], [None, None, None], ["a", "b", "c", "d"],
                        [{"Ref": []}]]
INTRINSICS = ["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If", "Fn::ImportValue",
              "Fn::FindInMap", "Fn::Base64", "Fn::GetAZs", "Fn::Cidr", "Fn::Equals", "Fn::Not", "Fn::Length",
              "Fn::ToJsonString", "Condition"]


def test_intrinsics_with_wrong_arity_or_types_everywhere(tmp_path: Path) -> None:
    """Every intrinsic with every wrong argument, in every property the builders read."""
    values = [{name: arg} for name in INTRINSICS for arg in WRONG_ARGS]
    resources = {}
    for n, value in enumerate(values):
        resources[f"Fn{n}"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Role": value, "Runtime": value, "Timeout": value, "Handler": value, "Code": {"ZipFile": value},
            "DeadLetterConfig": {"TargetArn": value}, "Environment": {"Variables": {"DB_PASSWORD": value}},
            "VpcConfig": value, "TracingConfig": {"Mode": value}}}
        resources[f"Rule{n}"] = {"Type": "AWS::Events::Rule", "Properties": {
            "ScheduleExpression": "rate(1 day)", "Targets": [{"Id": "t", "Arn": value, "DeadLetterConfig": value}]}}
        resources[f"Map{n}"] = {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": value, "FunctionName": value, "DestinationConfig": value}}
        resources[f"Bucket{n}"] = {"Type": "AWS::S3::Bucket", "Properties": {
            "NotificationConfiguration": {"LambdaConfigurations": [{"Function": value, "Event": value}]}}}
        resources[f"Queue{n}"] = {"Type": "AWS::SQS::Queue", "Properties": {
            "RedrivePolicy": value, "VisibilityTimeout": value, "KmsMasterKeyId": value}}
        resources[f"Sm{n}"] = {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "DefinitionString": value, "RoleArn": value, "DefinitionSubstitutions": value}}
        resources[f"Perm{n}"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": value, "Principal": value, "SourceArn": value, "Action": value}}
        resources[f"Role{n}"] = {"Type": "AWS::IAM::Role", "Properties": {
            "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
                {"Effect": value, "Action": value, "Resource": value}]}}], "ManagedPolicyArns": value}}
        resources[f"Method{n}"] = {"Type": "AWS::ApiGateway::Method", "Properties": {
            "HttpMethod": value, "AuthorizationType": value, "Integration": {"Uri": value, "Type": value}}}
    path = tmp_path / "arity.json"
    path.write_text(json.dumps({"Parameters": {"P": {"Type": "String"}}, "Resources": resources}))
    code, report, _ = run_cli(path, timeout=120)
    assert (code, file_error(report, "arity.json")) == (1, None)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("bad-utf8.yaml", b"Resources:\n  T:\n    Type: AWS::SNS::Topic\n    Description: \xff\xfe\n", "UTF-8"),
    ("binary.yaml", bytes(range(256)) * 8, "binary file"),
])
def test_undecodable_files(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, report, err = run_cli(path, timeout=20)
    assert code == 2
    assert expected in (file_error(report, name) or "")
    assert name in err


def test_directory_symlink_loop_and_missing_cdk_template(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    cdk = tmp_path / "app" / "cdk.out"
    cdk.mkdir(parents=True)
    (cdk / "cdk.out").write_text('{"version": "55.0.0"}')
    (cdk / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": {
        "Gone": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Gone.template.json"}}}}))
    code, report, _ = run_cli(tmp_path, timeout=30)
    assert code == 2
    assert "Gone.template.json" in (file_error(report, "cdk.out") or "")


def test_nested_stack_outside_the_linted_directory(tmp_path: Path) -> None:
    parent = tmp_path / "parent.yaml"
    parent.write_text("Resources:\n  N:\n    Type: AWS::CloudFormation::Stack\n"
                      "    Properties: {TemplateURL: ../../../etc/hostname}\n")
    code, report, err = run_cli(parent, timeout=20)
    # a warning on the line that names it, not an error: the parent is linted, nothing is read
    assert code == 1
    assert file_error(report, "parent.yaml") is None
    [entry] = [f for f in report["files"] if f["path"].endswith("parent.yaml")]
    [warning] = entry["warnings"]
    assert "parent.yaml:4: nested stack N: template " in warning
    assert "outside the linted directory" in warning
    assert "wa-lint: warning: " in err
