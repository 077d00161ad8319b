"""Linting time grows linearly with the number of resources.

Templates of 250, 1,000 and 4,000 resources go through the whole pipeline (expand, graph, every
rule); the time ratio between the largest and the smallest must stay within 2× the resource
ratio. A ratio, so the machine's speed does not matter; best of three runs against noise.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.lint_helpers import all_rules
from wa_lint.expand.template import stack_from_data
from wa_lint.pipeline import run_rules

UNIT = 10  # resources per application unit below


def unit(i: int) -> dict[str, Any]:
    """Ten resources that exercise the builders: API, topic, queues, mapping, roles, policies."""
    fn, role = f"Fn{i}", f"Role{i}"
    return {
        fn: {"Type": "AWS::Lambda::Function", "Properties": {
            "Runtime": "python3.12", "Handler": "index.handler", "Role": {"Fn::GetAtt": [role, "Arn"]},
            "Code": {"ZipFile": "def handler(e, c): pass"}, "Timeout": 30,
            "Environment": {"Variables": {"TABLE": {"Ref": f"Table{i}"}}}}},
        role: {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                        "Principal": {"Service": "lambda.amazonaws.com"}}]},
            "ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                                              "AWSLambdaBasicExecutionRole"}]}},
        f"Policy{i}": {"Type": "AWS::IAM::Policy", "Properties": {
            "PolicyName": "p", "Roles": [{"Ref": role}], "PolicyDocument": {"Statement": [
                {"Effect": "Allow", "Action": ["dynamodb:PutItem", "sqs:*"], "Resource": "*"},
                {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": {"Fn::GetAtt": [f"Dlq{i}", "Arn"]}}]}}},
        f"Topic{i}": {"Type": "AWS::SNS::Topic"},
        f"Sub{i}": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "lambda", "TopicArn": {"Ref": f"Topic{i}"}, "Endpoint": {"Fn::GetAtt": [fn, "Arn"]}}},
        f"Queue{i}": {"Type": "AWS::SQS::Queue", "Properties": {
            "VisibilityTimeout": 60, "RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": [f"Dlq{i}", "Arn"]},
                                                       "maxReceiveCount": 5}}},
        f"Dlq{i}": {"Type": "AWS::SQS::Queue"},
        f"Map{i}": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": [f"Queue{i}", "Arn"]}, "FunctionName": {"Ref": fn}}},
        f"Table{i}": {"Type": "AWS::DynamoDB::Table", "Properties": {"BillingMode": "PAY_PER_REQUEST"}},
        f"Perm{i}": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": fn}, "Principal": "sns.amazonaws.com",
            "SourceArn": {"Ref": f"Topic{i}"}}},
    }


def template(resources: int) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for i in range(resources // UNIT):
        body.update(unit(i))
    return {"Resources": body}


def lint_seconds(resources: int) -> float:
    data = template(resources)
    rules = list(all_rules())
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        stack = stack_from_data(data, Path("scale.json"), "scale.json", "scale")
        findings = run_rules(stack, rules)
        best = min(best, time.perf_counter() - start)
        assert findings  # the rules really ran
    return best


def test_linting_time_is_linear_in_resources() -> None:
    lint_seconds(250)  # warm imports and data caches
    small, medium, large = (lint_seconds(n) for n in (250, 1_000, 4_000))
    ratio = large / small
    assert ratio <= 2 * (4_000 / 250), f"250: {small:.3f}s, 1000: {medium:.3f}s, 4000: {large:.3f}s"
    assert medium / small <= 2 * (1_000 / 250)
