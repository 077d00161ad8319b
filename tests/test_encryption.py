"""The encryption table (WA210/WA211), resource policies (WA212) and secret masking (WA213).

Fixtures prove the rules end to end; these tests pin the pieces: every table row is well formed
and documented, the evaluator's order of questions, key classification, policy attribution, and
that a secret never reaches any output format.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.lint_helpers import all_rules, lint
from wa_lint.encryption import KEY_CLASSES, assess, key_class, table
from wa_lint.graph.builders import build_graph
from wa_lint.graph.builders.resource_policies import policies_of, unattributed_policies
from wa_lint.graph.model import Graph
from wa_lint.model import Stack, Unknown, resources_from_template
from wa_lint.report import FORMATS, Report, render

VERDICTS = {"plaintext", *KEY_CLASSES}
NO_VALUE = {"Ref": "AWS::NoValue"}


def build(resources: dict[str, Any], parameters: dict[str, Any] | None = None,
          conditions: dict[str, Any] | None = None) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation",
                             resources=resources_from_template(template), parameters=parameters or {},
                             conditions=conditions or {}))


def verdict(rtype: str, props: dict[str, Any] | None = None, **params: Any) -> tuple[str, str | None] | None:
    parameters = {k: ({"Type": "String", "Default": v} if v is not None else {"Type": "String"})
                  for k, v in params.items()}
    g = build({"R": {"Type": rtype, "Properties": props or {}}}, parameters)
    found = assess(g, g.stack.resources["R"])
    return None if found is None else (found.status, found.key_class)


# -- the table ---------------------------------------------------------------------------------
def test_every_row_is_well_formed() -> None:
    rows = table()
    assert len(rows) >= 20
    for rtype, row in rows.items():
        assert rtype.startswith("AWS::")
        assert row.label
        assert row.contents
        assert row.absent in VERDICTS, rtype
        assert set(row.switch_values.values()) <= VERDICTS, rtype
        if row.absent == "plaintext" or "plaintext" in row.switch_values.values():
            assert row.reason_absent or row.reason_off, rtype  # WA210 must say why
            assert row.fix_absent or row.fix_off, rtype
        for cond in (*row.absent_if, *row.always_if):
            assert cond["class"] in VERDICTS, rtype


def test_table_covers_the_rules_stores_and_is_documented() -> None:
    listed = {
        "AWS::SNS::Topic", "AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream",
        "AWS::EFS::FileSystem", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster",
        "AWS::Neptune::DBCluster", "AWS::ElastiCache::ReplicationGroup", "AWS::OpenSearchService::Domain",
        "AWS::ApiGateway::Stage", "AWS::S3::Bucket", "AWS::DynamoDB::Table", "AWS::Logs::LogGroup",
        "AWS::StepFunctions::StateMachine", "AWS::Lambda::Function", "AWS::ElastiCache::ServerlessCache",
    }
    assert listed <= set(table())
    doc = (ROOT / "docs" / "encryption.md").read_text(encoding="utf-8")
    for rtype in table():
        assert f"`{rtype}`" in doc, f"{rtype} is not documented in docs/encryption.md"


# -- the evaluator -----------------------------------------------------------------------------
@pytest.mark.parametrize(("rtype", "props", "expected"), [
    # service defaults: encrypted without a word
    ("AWS::S3::Bucket", {}, ("encrypted", "aws-owned")),
    ("AWS::DynamoDB::Table", {}, ("encrypted", "aws-owned")),
    ("AWS::DynamoDB::Table", {"SSESpecification": {"SSEEnabled": True}}, ("encrypted", "aws-managed")),
    ("AWS::SQS::Queue", {}, ("encrypted", "aws-owned")),
    ("AWS::Logs::LogGroup", {}, ("encrypted", "aws-owned")),
    # the silence / fire pair of the issue
    ("AWS::SQS::Queue", {"SqsManagedSseEnabled": False}, ("plaintext", None)),
    ("AWS::SQS::Queue", {"SqsManagedSseEnabled": "false", "KmsMasterKeyId": "alias/app"}, ("encrypted", "customer")),
    ("AWS::SQS::Queue", {"KmsMasterKeyId": "alias/aws/sqs"}, ("encrypted", "aws-managed")),
    # defaults that are off
    ("AWS::SNS::Topic", {}, ("plaintext", None)),
    ("AWS::SNS::Topic", {"KmsMasterKeyId": "alias/aws/sns"}, ("encrypted", "aws-managed")),
    ("AWS::Kinesis::Stream", {}, ("plaintext", None)),
    ("AWS::EFS::FileSystem", {"Encrypted": True}, ("encrypted", "aws-managed")),
    ("AWS::RDS::DBInstance", {"StorageEncrypted": "true", "KmsKeyId": "arn:aws:kms:us-east-1:1:key/x"},
     ("encrypted", "customer")),
    ("AWS::RDS::DBCluster", {"EngineMode": "serverless"}, ("encrypted", "aws-managed")),
    ("AWS::ElastiCache::ReplicationGroup", {"Engine": "valkey"}, ("encrypted", "aws-owned")),
    ("AWS::ElastiCache::ReplicationGroup", {"Engine": "redis"}, ("plaintext", None)),
    ("AWS::KinesisFirehose::DeliveryStream", {}, ("plaintext", None)),
    # not decided by the template
    ("AWS::RDS::DBInstance", {"SourceDBInstanceIdentifier": "primary"}, ("unknown", None)),
    ("AWS::RDS::DBCluster", {"SnapshotIdentifier": "snap"}, ("unknown", None)),
    ("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::If": ["C", "alias/aws/sns", NO_VALUE]}}, ("unknown", None)),
    ("AWS::EFS::FileSystem", {"Encrypted": {"Fn::ImportValue": "flag"}}, ("unknown", None)),
    ("AWS::RDS::DBInstance", {"KmsKeyId": "arn:aws:kms:us-east-1:1:key/x"}, ("unknown", None)),
    ("AWS::SQS::Queue", {"KmsMasterKeyId": {"Fn::ImportValue": "key"}}, ("encrypted", None)),
    ("AWS::S3::Bucket", {"BucketEncryption": {"Fn::If": ["C", {}, NO_VALUE]}}, ("unknown", None)),
])
def test_assess(rtype: str, props: dict[str, Any], expected: tuple[str, str | None]) -> None:
    assert verdict(rtype, props) == expected


def test_rows_that_do_not_apply() -> None:
    assert verdict("AWS::KinesisFirehose::DeliveryStream", {"DeliveryStreamType": "KinesisStreamAsSource"}) is None
    assert verdict("AWS::Lambda::Function", {"Runtime": "python3.12"}) is None
    assert verdict("AWS::ApiGateway::Stage", {"CacheClusterEnabled": False}) is None
    assert verdict("AWS::SQS::QueuePolicy", {}) is None


def test_parameters_resolve_to_defaults_and_are_named() -> None:
    g = build({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"SqsManagedSseEnabled": {"Ref": "Sse"}}}},
              {"Sse": {"Type": "String", "Default": "false"}})
    found = assess(g, g.stack.resources["Q"])
    assert found is not None
    assert found.status == "plaintext"
    assert "parameter Sse" in found.reason
    assert found.path == ("SqsManagedSseEnabled",)
    assert verdict("AWS::SQS::Queue", {"SqsManagedSseEnabled": {"Ref": "Sse"}}, Sse=None) == ("unknown", None)


def test_api_gateway_cache() -> None:
    setting = {"HttpMethod": "GET", "ResourcePath": "/~1orders~1{id}", "CachingEnabled": True}
    g = build({"S": {"Type": "AWS::ApiGateway::Stage",
                     "Properties": {"CacheClusterEnabled": True, "MethodSettings": [setting]}}})
    found = assess(g, g.stack.resources["S"])
    assert found is not None
    assert found.status == "plaintext"
    assert "GET /orders/{id}" in found.reason
    assert "GET /orders/{id}" in found.fix
    encrypted = {**setting, "CacheDataEncrypted": True}
    assert verdict("AWS::ApiGateway::Stage", {"CacheClusterEnabled": True, "MethodSettings": [encrypted]}) == (
        "encrypted", None)


def test_key_class() -> None:
    g = build({"K": {"Type": "AWS::KMS::Key"}, "A": {"Type": "AWS::KMS::Alias"}})
    assert key_class(g, {"Fn::GetAtt": ["K", "Arn"]}) == ("customer", None)
    assert key_class(g, {"Ref": "A"}) == ("customer", None)
    assert key_class(g, "alias/aws/sqs") == ("aws-managed", "alias/aws/sqs")
    sub = {"Fn::Sub": "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/aws/s3"}
    assert key_class(g, sub) == ("aws-managed", "alias/aws/s3")
    assert key_class(g, "arn:aws:kms:us-east-1:111122223333:key/abc") == ("customer", None)
    assert key_class(g, {"Fn::ImportValue": "shared-key"}) == (None, None)


def test_assess_never_raises_on_odd_shapes() -> None:
    odd: list[Any] = [None, "text", 3, [], {"Fn::If": "bad"}, {"Ref": 5}, [{"a": 1}]]
    for rtype in table():
        for value in odd:
            props = {"KmsMasterKeyId": value, "SqsManagedSseEnabled": value, "StreamEncryption": value,
                     "BucketEncryption": value, "MethodSettings": value, "CacheClusterEnabled": True,
                     "StageDescription": value, "Environment": {"Variables": {"A": "b"}}, "StorageEncrypted": value}
            g = build({"R": {"Type": rtype, "Properties": props}})
            found = assess(g, g.stack.resources["R"])
            assert found is None or found.status in ("plaintext", "encrypted", "unknown")


# -- resource policies -------------------------------------------------------------------------
DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def test_policies_are_attached_by_reference_literal_and_written_name() -> None:
    g = build({
        "B1": {"Type": "AWS::S3::Bucket"},
        "B2": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "literal-bucket"}},
        "B3": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": {"Fn::Sub": "${AWS::StackName}-logs"}}},
        "P1": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "B1"}, "PolicyDocument": {}}},
        "P2": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "literal-bucket",
                                                                 "PolicyDocument": json.dumps({"Statement": [DENY]})}},
        "P3": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Fn::Sub": "${AWS::StackName}-logs"},
                                                                 "PolicyDocument": {"Fn::If": ["C", {}, {}]}}},
        "P4": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Fn::ImportValue": "other"},
                                                                 "PolicyDocument": {}}},
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "jobs"}},
        "QP": {"Type": "AWS::SQS::QueuePolicy", "Properties": {
            "Queues": ["https://sqs.us-east-1.amazonaws.com/123456789012/jobs"], "PolicyDocument": {}}},
        "T": {"Type": "AWS::SNS::Topic"},
        "TP": {"Type": "AWS::SNS::TopicInlinePolicy", "Properties": {"TopicArn": {"Ref": "T"}, "PolicyDocument": {}}},
    })
    assert [p.policy for p in policies_of(g, "B1")] == ["P1"]
    assert [p.policy for p in policies_of(g, "B2")] == ["P2"]
    assert isinstance(policies_of(g, "B2")[0].document, dict)
    assert [p.policy for p in policies_of(g, "B3")] == ["P3"]
    assert isinstance(policies_of(g, "B3")[0].document, Unknown)
    assert [p.policy for p in unattributed_policies(g, "AWS::S3::Bucket")] == ["P4"]
    assert [p.policy for p in policies_of(g, "Q")] == ["QP"]
    assert [p.policy for p in policies_of(g, "T")] == ["TP"]
    assert policies_of(g, "missing") == []


# -- WA213 -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "secret"), [
    ("DB_PASSWORD", True), ("dbPassword", True), ("API_KEY", True), ("apiKey", True), ("APIKey", True),
    ("STRIPE_SECRET_KEY", True), ("GITHUB_TOKEN", True), ("PRIVATE_KEY_PEM", True), ("CLIENT_SECRET", True),
    ("AWS_SECRET_ACCESS_KEY", True), ("DB_PASS", True), ("Credentials", True),
    ("SECRET_ARN", False), ("TOKEN_TABLE", False), ("PASSWORD_MIN_LENGTH", False), ("API_KEY_ID", False),
    ("SECRETS_EXTENSION_HTTP_PORT", False), ("BYPASS", False), ("TOKENIZER", False), ("AWS_ACCESS_KEY_ID", False),
])
def test_secret_names(name: str, secret: bool) -> None:
    from wa_lint.secrets import secret_name

    assert secret_name(name) is secret


SECRETS = ("hunter2-Sup3r", "sk_live_${literal}abc123", "sk_live_${!literal}abc123", "xoxb-1111-2222-abcdefabcdef",
           "dev-only-signing-key")


@pytest.mark.parametrize("fmt", FORMATS)
def test_secrets_never_reach_any_output(fmt: str) -> None:
    results = lint("fixtures/WA213/bad/literal-secrets.yaml")
    findings = [f for r in results for f in r.findings if f.rule == "WA213"]
    assert len(findings) == 4
    out = render(Report(results, list(all_rules())), fmt, color=False)
    for secret in SECRETS:
        assert secret not in out, f"{fmt} shows a secret"
