"""Hostile inputs, issue 19 classes 3 and 4: small files that used to end in an internal error or
hang a run. Each runs the real command through :func:`tests.test_hostile.run_cli` (a subprocess
with an address-space limit and the wall-clock bound stated per case, beside a good template
that must still be linted); the bounds are generous, the fixed code takes about a second.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.test_hostile import file_error, run_cli

FUNCTION = ("  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
            "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
            "      Code: {ZipFile: 'def handler(e, c): pass'}\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- class 3: internal errors that are input errors ------------------------------------------------

def test_lone_surrogate_in_json_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path, "surrogate.json", '{"Resources": {"Fn\\ud800": {"Type": "AWS::SNS::Topic",\n'
                  '  "Properties": {"TopicName": "ok \\ud83d\\ude00", "DisplayName": "\\udc00"}}}}')
    code, report, err = run_cli(path, timeout=30)
    assert code == 2
    assert "lone surrogate" in (file_error(report, "surrogate.json") or "")
    assert "surrogate.json:1:" in err


def test_escaped_backslash_before_u_is_no_surrogate(tmp_path: Path) -> None:
    path = _write(tmp_path, "fine.json", '{"Resources": {"T": {"Type": "AWS::SNS::Topic",'
                  ' "Properties": {"TopicName": "a\\\\ud800 \\ud83d\\ude00"}}}}')
    code, report, _ = run_cli(path, timeout=30)
    assert (code, file_error(report, "fine.json")) == (1, None)


@pytest.mark.parametrize(("name", "text"), [
    ("long.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: "
     + "9" * 5000 + "\n"),
    ("long-hex.yaml", "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 0x"
     + "f" * 5000 + "\n"),
    ("long.json", '{"Resources": {"Q": {"Type": "AWS::SQS::Queue",\n "Properties": {"VisibilityTimeout": '
     + "9" * 5000 + "}}}}"),
])
def test_five_thousand_digit_number_is_an_input_error(tmp_path: Path, name: str, text: str) -> None:
    code, report, err = run_cli(_write(tmp_path, name, text), timeout=30)
    error = file_error(report, name) or ""
    assert code == 2, error
    assert "more than 4300 digits" in error, error
    assert f"{name}:{2 if name.endswith('json') else 5}:" in err


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e400", "'1e400'", "'Infinity'", "4" * 400])
def test_infinite_or_huge_numeric_settings_are_unknown(tmp_path: Path, value: str) -> None:
    """Numbers rules compare: the settings are unknown, so rules that need them say nothing."""
    text = (
        "Resources:\n"
        f"  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: {value}\n"
        f"      MessageRetentionPeriod: {value}\n"
        f"      RedrivePolicy: {{deadLetterTargetArn: !GetAtt D.Arn, maxReceiveCount: {value}}}\n"
        f"  D:\n    Type: AWS::SQS::Queue\n    Properties:\n      MessageRetentionPeriod: {value}\n"
        f"{FUNCTION}      Timeout: {value}\n      ReservedConcurrentExecutions: {value}\n"
        f"  M:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
        f"      EventSourceArn: !GetAtt Q.Arn\n      FunctionName: !Ref Fn\n      BatchSize: {value}\n"
        f"      MaximumBatchingWindowInSeconds: {value}\n      ScalingConfig: {{MaximumConcurrency: {value}}}\n"
        f"  L:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: /aws/lambda/x\n"
        f"      RetentionInDays: {value}\n"
    )
    path = _write(tmp_path, "numbers.yaml", text)
    code, report, _ = run_cli(path, timeout=60)
    assert file_error(report, "numbers.yaml") is None
    assert code == 1
    rules = {f["rule"] for f in report["findings"] if f["path"].endswith("numbers.yaml")}
    assert not rules & {"WA107", "WA108"}, rules  # they compare the unknown numbers


def test_json_infinity_in_a_numeric_setting(tmp_path: Path) -> None:
    doc = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": float("inf")}},
                         "D": {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": -float("inf")}}}}
    path = _write(tmp_path, "inf.json", json.dumps(doc))  # json writes Infinity, which Python reads back
    code, report, _ = run_cli(path, timeout=30)
    assert (code, file_error(report, "inf.json")) == (1, None)


@pytest.mark.parametrize(("name", "text"), [
    ("digits.json", '{"version": 1, "tool": "wa-lint", "findings": [' + "9" * 5000 + "]}"),
    ("deep.json", '{"version": 1, "tool": "wa-lint", "findings": [' + "[" * 100_000 + "]" * 100_000 + "]}"),
    ("deep-ok.json", '{"version": 1, "tool": "wa-lint", "findings": [' + "[" * 500 + "]" * 500 + "]}"),
])
def test_hostile_baseline_is_a_clean_error(tmp_path: Path, name: str, text: str) -> None:
    import subprocess
    import sys

    from tests.test_hostile import GOOD, _limit_memory

    baseline = _write(tmp_path, name, text)
    proc = subprocess.run([sys.executable, "-m", "wa_lint.cli", "report", "--baseline", str(baseline), str(GOOD)],
                          capture_output=True, text=True, timeout=30, preexec_fn=_limit_memory, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    assert name in proc.stderr, proc.stderr
    assert len(proc.stderr) < 1000, proc.stderr


# -- class 4: inputs that hang or exhaust a run ----------------------------------------------------

N = 100_000  # characters of hostile text in each case


def _policy(action: object, resource: object) -> str:
    return json.dumps({"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                    "Principal": {"Service": "lambda.amazonaws.com"}}]},
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
            {"Effect": "Allow", "Action": action, "Resource": resource}]}}]}})


def test_backtracking_patterns_in_a_template(tmp_path: Path) -> None:
    """Strings built against each pattern that once backtracked (see tests/test_regex_audit.py)."""
    resources = {
        # IAM action globs: a regex of ".*" per "*" is exponential on this
        "GlobRole": json.loads(_policy(["s3:" + "*a" * 40 + "*c", "*a" * 5_000 + "?", "*:" + "*?" * 5_000],
                                       "arn:aws:s3:::b/" + "${" * (N // 2))),
        "RdsFn": {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "i.h", "Role": {"Fn::GetAtt": ["GlobRole", "Arn"]},
            "Code": {"ZipFile": "def h(e, c): pass"},
            "Environment": {"Variables": {"HOST": "a." * (N // 2), "HOST2": ".proxy-" * (N // 7),
                                          "SUB": {"Fn::Sub": "${" * (N // 2)}}}}},
        "Queue": {"Type": "AWS::SQS::Queue"},
        "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": ["a" * N + "/", "x:" * (N // 2)],
            "PolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:*",
                                              "Resource": "${" * (N // 2)}]}}},
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
        "Method": {"Type": "AWS::ApiGateway::Method", "Properties": {
            "RestApiId": {"Ref": "Api"}, "ResourceId": {"Fn::GetAtt": ["Api", "RootResourceId"]},
            "HttpMethod": "GET", "AuthorizationType": "NONE",
            "Integration": {"Type": "AWS_PROXY", "IntegrationHttpMethod": "POST",
                            "Uri": "/functions/" * (N // 11) + "/invocation"}}},
        "Sm": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {
            "RoleArn": {"Fn::GetAtt": ["GlobRole", "Arn"]},
            "DefinitionString": {"Fn::Sub": '{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, '
                                            '"Comment": "' + "${" * (N // 2) + '"}}}'}}},
    }
    path = _write(tmp_path, "regex.json", json.dumps({"Resources": resources}))
    code, report, _ = run_cli(path, timeout=60)
    assert (code, file_error(report, "regex.json")) == (1, None)


def test_sam_error_with_many_brackets(tmp_path: Path) -> None:
    """SAM's error messages name properties in brackets; a hostile name must not make reading them quadratic."""
    text = ("Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n"
            "    Properties:\n      Runtime: python3.12\n      Handler: i.h\n      InlineCode: x\n"
            "      Events:\n        E:\n          Type: Api\n          Properties: {Path: '" + "[" * N + "',"
            " Method: '" + "[" * N + "'}\n")
    code, report, _ = run_cli(_write(tmp_path, "brackets.yaml", text), timeout=60)
    assert (code, file_error(report, "brackets.yaml")) == (1, None)


@pytest.mark.parametrize(("item", "keys", "body"), [
    ("x" * 100_000, 400, {"Res${Item}": {"Type": "AWS::SNS::Topic"}}),  # 400 keys of 100 KB: 40 MB of keys
    ("x" * 1_000, 10, {"R${Item}": {"Type": "AWS::SNS::Topic",  # 10 texts of 20,000 x 1 KB
                                    "Properties": {"TopicName": {"Fn::Sub": "${Item}" * 20_000}}}}),
])
def test_foreach_byte_budget(tmp_path: Path, item: str, keys: int, body: dict[str, Any]) -> None:
    doc = {"Transform": "AWS::LanguageExtensions", "Resources": {
        "Fn::ForEach::Loop": ["Item", [f"{i}{item}" for i in range(keys)], body]}}
    path = _write(tmp_path, "foreach.json", json.dumps(doc, indent=1))
    code, report, err = run_cli(path, timeout=60)
    assert code == 2, err
    assert "generates more than 32 MB" in (file_error(report, "foreach.json") or ""), err
    assert "foreach.json:4:" in err  # the loop's line


def test_state_machine_definition_file_alias_bomb(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    (tmp_path / "machine.asl.yaml").write_text("StartAt: A\nStates:\n  A: {Type: Pass, End: true}\n"
                                               + "\n".join(lines) + "\n")
    path = _write(tmp_path, "sm.yaml", "Transform: AWS::Serverless-2016-10-31\nResources:\n"
                  "  Sm:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n"
                  "      DefinitionUri: machine.asl.yaml\n      Policies: []\n")
    code, report, _ = run_cli(path, timeout=60)
    assert (code, file_error(report, "sm.yaml")) == (1, None)  # the definition is simply unknown


def test_long_inline_node_handler(tmp_path: Path) -> None:
    """240 KB of one nested comparison: describing each level once copied the whole expression."""
    source = (ROOT / "fixtures" / "WA401" / "bad" / "cfn-rest-dynamodb-inline-node.yaml").read_text()
    hostile = "          if (" + " < ".join(["event"] * 30_000) + ") { throw new Error(); }\n"
    marker = '          return { statusCode: 201, body: "" };\n'
    assert marker in source
    path = _write(tmp_path, "node.yaml", source.replace(marker, hostile + marker))
    assert path.stat().st_size > 240_000
    code, report, _ = run_cli(path, timeout=60)
    assert (code, file_error(report, "node.yaml")) == (1, None)
