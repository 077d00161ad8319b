"""Linting time grows linearly with the number of resources.

Templates of 250, 1,000 and 4,000 resources (copies of one ten-resource application unit) go
through the whole pipeline: expand, graph, every rule. Reported as ratios to the smallest, so the
machine's speed cancels out; best of three runs against noise. Linear means the 4,000-resource
ratio stays within twice the resource ratio (16): ``--check`` exits 1 when it does not.

    python bench/scale.py [--check]     (or: make bench-scale)

``tests/test_scale.py`` uses the same templates to check the findings of a large input, never its time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

UNIT = 10  # resources per application unit below
SIZES = (250, 1_000, 4_000)


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
    """A template of ``resources`` resources (a multiple of :data:`UNIT`), unit by unit."""
    body: dict[str, Any] = {}
    for i in range(resources // UNIT):
        body.update(unit(i))
    return {"Resources": body}


def lint_seconds(resources: int, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs of the whole pipeline on one generated template."""
    from wa_lint.expand.template import stack_from_data
    from wa_lint.pipeline import run_rules
    from wa_lint.plugins import load_rules

    data = template(resources)
    rules = list(load_rules())
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        stack = stack_from_data(data, Path("scale.json"), "scale.json", "scale")
        findings = run_rules(stack, rules)
        best = min(best, time.perf_counter() - start)
        if not findings:
            raise SystemExit("no findings: the rules did not run")
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when growth is worse than linear (2x slack)")
    args = parser.parse_args(argv)
    lint_seconds(SIZES[0], repeat=1)  # warm imports and data caches
    times = {n: lint_seconds(n) for n in SIZES}
    base = SIZES[0]
    worst = 0.0
    print("resources  seconds  time ratio  resource ratio")
    for n, seconds in times.items():
        ratio, expected = seconds / times[base], n / base
        worst = max(worst, ratio / expected)
        print(f"{n:>9}  {seconds:7.3f}  {ratio:10.1f}  {expected:14.0f}")
    verdict = "linear" if worst <= 2 else "worse than linear"
    print(f"worst time ratio / resource ratio: {worst:.2f} ({verdict}; limit 2)")
    return 1 if args.check and worst > 2 else 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
