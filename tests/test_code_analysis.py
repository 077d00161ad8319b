"""Handler code analysis (``wa_lint.code``): locating handlers, Python (ast) and Node.js
(tree-sitter) SDK-call detection, the line between trivial and logic, permissions, glue verdicts.

Unreadable code must be *no evidence*, never a crash; tree-sitter is imported only for Node.js.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wa_lint.code.analyze import code_facts
from wa_lint.code.facts import CodeFacts, iam_service, pascal
from wa_lint.code.glue import verdict
from wa_lint.code.locate import handler_source
from wa_lint.code.node import analyse_node
from wa_lint.code.python import analyse_python
from wa_lint.graph.builders import build_graph
from wa_lint.graph.grants import function_grants
from wa_lint.graph.model import Graph
from wa_lint.model import Resource, Stack, resources_from_template
from wa_lint.values import Resolver


def py(source: str) -> CodeFacts:
    facts = analyse_python(textwrap.dedent(source), "app.py")
    assert facts is not None
    return facts


def js(source: str, language: str = "javascript") -> CodeFacts:
    facts = analyse_node(textwrap.dedent(source), "index.js", language)
    assert facts is not None
    return facts


def calls(facts: CodeFacts) -> list[tuple[str, str]]:
    return [c.key for c in facts.calls]


# -- names ----------------------------------------------------------------------------------
def test_names() -> None:
    assert pascal("send_message") == "SendMessage"
    assert pascal("putEvents") == "PutEvents"
    assert iam_service("stepfunctions") == "states"
    assert iam_service("eventbridge") == "events"
    assert iam_service("lib-dynamodb") == "dynamodb"


# -- Python ---------------------------------------------------------------------------------
def test_python_client_call_is_forwarded() -> None:
    facts = py("""
        import json, os, boto3
        sqs = boto3.client("sqs")
        def handler(event, context):
            body = json.loads(event.get("body") or "{}")
            if not body:
                return {"statusCode": 400}
            sqs.send_message(QueueUrl=os.environ["Q"], MessageBody=json.dumps({"id": body.get("id")}))
            return {"statusCode": 202}
    """)
    assert calls(facts) == [("sqs", "SendMessage")]
    assert facts.extras == []
    forwarded = facts.forwarded()
    assert forwarded is not None
    assert forwarded.line == 8
    assert forwarded.written == "sqs.send_message"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('t = boto3.resource("dynamodb").Table("x")\ndef h(e, c):\n    t.put_item(Item=e)',
         [("dynamodb", "PutItem")]),
        ('import boto3 as b\nq = b.resource("sqs").get_queue_by_name(QueueName="q")\n'
         'def h(e, c):\n    q.send_message(MessageBody="x")', [("sqs", "SendMessage")]),
        ('from boto3 import client\ndef h(e, c):\n    client("stepfunctions").start_execution(stateMachineArn="a")',
         [("states", "StartExecution")]),
        ('s = boto3.Session()\nev = s.client(service_name="events")\ndef h(e, c):\n    ev.put_events(Entries=[])',
         [("events", "PutEvents")]),
        ('t = boto3.resource("dynamodb").Table("x")\ndef h(e, c):\n    with t.batch_writer() as b:\n'
         '        for r in e["Records"]:\n            b.put_item(Item=r)', [("dynamodb", "BatchWriteItem")]),
        ('o = boto3.resource("s3").Object("b", "k")\ndef h(e, c):\n    o.put(Body=e["body"])', [("s3", "PutObject")]),
        ('class C:\n    def __init__(self):\n        self.sns = boto3.client("sns")\n'
         '    def go(self, m):\n        self.sns.publish(Message=m)', [("sns", "Publish")]),
        ('sqs = None\ndef h(e, c):\n    global sqs\n    if sqs is None:\n        sqs = boto3.client("sqs")\n'
         '    sqs.send_message(MessageBody="x")', [("sqs", "SendMessage")]),
    ],
)
def test_python_sdk_shapes(source: str, expected: list[tuple[str, str]]) -> None:
    facts = py("import boto3\n" + source)
    assert calls(facts) == expected


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("def h(e, c):\n    if e['amount'] > 100:\n        pass", "branches on data"),
        ("def h(e, c):\n    x = e['a'] * 2", "computes"),
        ("def h(e, c):\n    x = e['name'].upper()", "calls `e['name'].upper`"),
        ("import requests\ndef h(e, c):\n    requests.post('https://x', json=e)", "makes an HTTP request"),
        ("from validators import check\ndef h(e, c):\n    check(e)", "calls `check()`"),
        ("def h(e, c):\n    return [r for r in e['Records'] if r['eventName'] == 'INSERT']", "filters data"),
        ("class Order:\n    pass", "defines class Order"),
        ("def h(e, c):\n    while e:\n        pass", "loops while"),
        ("def h(e, c):\n    ok = e['status'] == 'PAID'", "compares data"),
        ("import boto3\ns3 = boto3.client('s3')\ndef h(e, c):\n    return s3.generate_presigned_url('get_object')",
         "pre-signed URL"),
    ],
)
def test_python_logic_is_more_than_forwarding(source: str, reason: str) -> None:
    facts = py(source)
    assert facts.forwarded() is None
    assert any(reason in extra for extra in facts.extras), facts.extras


def test_python_trivial_work_stays_trivial() -> None:
    facts = py("""
        import base64, json, logging, os, uuid
        from datetime import datetime
        import boto3
        from aws_lambda_powertools import Logger, Tracer
        logger = Logger()
        tracer = Tracer()
        log = logging.getLogger(__name__)
        kinesis = boto3.client("kinesis")
        def build(record):
            return {"Data": base64.b64decode(record["kinesis"]["data"]), "PartitionKey": str(uuid.uuid4())}
        @tracer.capture_lambda_handler
        @logger.inject_lambda_context(log_event=True)
        def handler(event, context):
            if "Records" not in event or event.get("Records") is None:
                return
            entries = [build(r) for r in event["Records"]]
            log.info("forwarding %s at %s", len(entries), datetime.now().isoformat())
            try:
                kinesis.put_records(StreamName=os.getenv("STREAM"), Records=entries)
            except Exception:
                logger.exception("failed")
                raise
    """)
    assert facts.extras == []
    assert calls(facts) == [("kinesis", "PutRecords")]


def test_python_two_actions_and_neutral_lookups() -> None:
    facts = py("""
        import boto3
        sqs = boto3.client("sqs")
        def h(e, c):
            url = sqs.get_queue_url(QueueName="q")["QueueUrl"]
            sqs.send_message(QueueUrl=url, MessageBody="x")
    """)
    assert facts.forwarded() is not None  # GetQueueUrl is a look-up
    facts = py("import boto3\nc = boto3.client('dynamodb')\ndef h(e, x):\n    c.get_item()\n    c.put_item()")
    assert facts.forwarded() is None
    assert len(facts.actions) == 2


@pytest.mark.parametrize("source", ["def h(:\n", "\x00\x01", "x = (" * 500])
def test_python_unparsable_is_no_evidence(source: str) -> None:
    assert analyse_python(source, "bad.py") is None


# -- Node.js --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");\n'
         'const c = new SQSClient({});\nexports.handler = async (e) => { await c.send(new SendMessageCommand({})); };',
         [("sqs", "SendMessage")]),
        ('import { EventBridgeClient as EB, PutEventsCommand as Put } from "@aws-sdk/client-eventbridge";\n'
         'const c = new EB({});\nexport const handler = async (e) => c.send(new Put({ Entries: [] }));',
         [("events", "PutEvents")]),
        ('import * as sfn from "@aws-sdk/client-sfn";\nconst c = new sfn.SFNClient({});\n'
         'export const handler = async (e) => c.send(new sfn.StartExecutionCommand({}));',
         [("states", "StartExecution")]),
        ('import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";\n'
         'import { DynamoDBClient } from "@aws-sdk/client-dynamodb";\n'
         'const d = DynamoDBDocument.from(new DynamoDBClient({}));\n'
         'export const handler = async (e) => d.put({ Item: e });',
         [("dynamodb", "PutItem")]),
        ('import { SQS } from "@aws-sdk/client-sqs";\nconst q = new SQS({});\n'
         'export const handler = async (e) => q.sendMessage({ MessageBody: e.body });', [("sqs", "SendMessage")]),
        ('const AWS = require("aws-sdk");\nconst sqs = new AWS.SQS();\n'
         'exports.handler = async (e) => { await sqs.sendMessage({}).promise(); };', [("sqs", "SendMessage")]),
        ('const AWS = require("aws-sdk");\nconst doc = new AWS.DynamoDB.DocumentClient();\n'
         'exports.handler = async (e) => doc.update({}).promise();', [("dynamodb", "UpdateItem")]),
        ('const Kinesis = require("aws-sdk/clients/kinesis");\nconst k = new Kinesis();\n'
         'exports.handler = (e, ctx, callback) => { k.putRecord({}, callback); };', [("kinesis", "PutRecord")]),
        ('const AWSXRay = require("aws-xray-sdk-core");\nconst AWS = AWSXRay.captureAWS(require("aws-sdk"));\n'
         'const sns = new AWS.SNS();\nexports.handler = async (e) => sns.publish({}).promise();', [("sns", "Publish")]),
        ('import { Tracer } from "@aws-lambda-powertools/tracer";\n'
         'import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";\n'
         'const tracer = new Tracer();\nconst sns = tracer.captureAWSv3Client(new SNSClient({}));\n'
         'export const handler = async (e) => sns.send(new PublishCommand({}));', [("sns", "Publish")]),
    ],
)
def test_node_sdk_shapes(source: str, expected: list[tuple[str, str]]) -> None:
    facts = js(source)
    assert calls(facts) == expected
    assert facts.extras == []


def test_typescript_is_parsed_with_its_grammar() -> None:
    facts = js("""
        import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
        import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
        import type { Handler } from "aws-lambda";
        interface Input { id: string }
        const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
        export const handler: Handler<Input> = async (event) => {
          const out = await ddb.send(new QueryCommand({ TableName: process.env.T!, KeyConditionExpression: "pk = :p",
            ExpressionAttributeValues: { ":p": event.id } as Record<string, string> }));
          return out.Items;
        };
    """, "typescript")
    assert calls(facts) == [("dynamodb", "Query")]
    assert facts.extras == []


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("exports.handler = async (e) => { if (e.amount > 10) { return 1; } };", "branches on data"),
        ("exports.handler = async (e) => { switch (e.kind) { default: return; } };", "switch"),
        ("exports.handler = async (e) => fetch('https://example.com');", "HTTP request"),
        ("const axios = require('axios');\nexports.handler = async (e) => axios.post('u', e);", "HTTP request"),
        ("exports.handler = async (e) => e.total * 1.2;", "computes"),
        ("const { validate } = require('./schema');\nexports.handler = async (e) => validate(e);", "calls `validate`"),
        ("exports.handler = async (e) => e.name.toUpperCase();", "calls `e.name.toUpperCase`"),
        ("class A {}\nexports.handler = async () => new A();", "defines a class"),
    ],
)
def test_node_logic_is_more_than_forwarding(source: str, reason: str) -> None:
    facts = js(source)
    assert any(reason in extra for extra in facts.extras), facts.extras


def test_node_null_checks_and_records_are_trivial() -> None:
    facts = js("""
        const { SQSClient, SendMessageBatchCommand } = require("@aws-sdk/client-sqs");
        const { randomUUID } = require("crypto");
        const sqs = new SQSClient({});
        const toEntry = (r) => ({ Id: randomUUID(), MessageBody: JSON.stringify({ ...r.body, at: Date.now() }) });
        exports.handler = async (event, context) => {
          if (!event || event.Records === undefined || typeof event.x === "undefined") { return; }
          const entries = event.Records.map(toEntry);
          console.log(`forwarding ${entries.length}`);
          await sqs.send(new SendMessageBatchCommand({ QueueUrl: process.env.Q ?? "", Entries: entries }));
        };
    """)
    assert facts.extras == []
    assert calls(facts) == [("sqs", "SendMessageBatch")]


def test_node_counting_loop_is_iteration_not_logic() -> None:
    facts = js("""
        const AWS = require("aws-sdk");
        const sqs = new AWS.SQS();
        exports.handler = async (event) => {
          for (let i = 0; i < event.Records.length; i++) {
            await sqs.sendMessage({ MessageBody: event.Records[i].body }).promise();
          }
        };
    """)
    assert facts.extras == []
    assert calls(facts) == [("sqs", "SendMessage")]


@pytest.mark.parametrize("source", ["exports.handler = async (e) => {", "const = ;", ""])
def test_node_broken_source_is_no_evidence_or_empty(source: str) -> None:
    facts = analyse_node(source, "index.js", "javascript")
    assert facts is None or facts.forwarded() is None


def test_tree_sitter_is_imported_only_for_node() -> None:
    code = textwrap.dedent("""
        import sys
        from wa_lint.code.analyze import _analyse_text
        _analyse_text("python", "a.py", "import boto3\\nboto3.client('sqs').send_message()")
        assert "tree_sitter" not in sys.modules, "Python analysis imported tree-sitter"
        _analyse_text("javascript", "a.js", "exports.handler = async () => 1;")
        assert "tree_sitter" in sys.modules
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- locating handlers ----------------------------------------------------------------------
def fn(props: dict[str, Any], local: dict[str, Path] | None = None) -> Resource:
    return Resource("Fn", "AWS::Lambda::Function", props, local_paths=local or {})


def test_locate_inline_local_dir_and_unreadable(tmp_path: Path) -> None:
    resolver = Resolver()
    inline = fn({"Runtime": "python3.12", "Code": {"ZipFile": {"Fn::Sub": "x = '${AWS::Region}'"}}})
    source = handler_source(inline, resolver)
    assert source is not None
    assert source.text == "x = '__wa_lint_value__'"
    assert source.display == "inline ZipFile"
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("import boto3\n")
    local = fn({"Runtime": "python3.11", "Handler": "pkg.mod.handler"}, {"CodeUri": tmp_path})
    found = handler_source(local, resolver)
    assert found is not None
    assert found.path == tmp_path / "pkg" / "mod.py"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.ts").write_text("export const handler = async () => 1;\n")
    ts = handler_source(fn({"Runtime": "nodejs20.x", "Handler": "src/app.handler"}, {"Code": tmp_path}), resolver)
    assert ts is not None
    assert ts.language == "typescript"
    # Not evidence: other runtimes, images, missing directories and files, zip files, odd values.
    assert handler_source(fn({"Runtime": "java21", "Handler": "a::b"}, {"CodeUri": tmp_path}), resolver) is None
    assert handler_source(fn({"PackageType": "Image"}), resolver) is None
    assert handler_source(fn({"Runtime": "python3.12", "Handler": "nope.h"}, {"CodeUri": tmp_path}), resolver) is None
    assert handler_source(fn({"Runtime": "python3.12", "Handler": "a.h"}, {"CodeUri": tmp_path / "x.zip"}),
                          resolver) is None
    assert code_facts(fn({"Runtime": ["x"], "Handler": {"Ref": "P"}, "Code": 3}), resolver) is None


def test_analysis_is_cached_per_file(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import boto3\nboto3.client('sns').publish()\n")
    res = fn({"Runtime": "python3.12", "Handler": "app.handler"}, {"CodeUri": tmp_path})
    first = code_facts(res, Resolver())
    assert first is not None
    assert code_facts(res, Resolver()) is first


# -- permissions and verdicts ----------------------------------------------------------------
ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}}


def build(resources: dict[str, Any]) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    stack = Stack(name="t", path="t.yaml", kind="cloudformation", resources=resources_from_template(template))
    return build_graph(stack)


def glue_template(statements: list[dict[str, Any]], code: str | None = None, **fn_props: Any) -> dict[str, Any]:
    props: dict[str, Any] = {"Runtime": "python3.12", "Handler": "index.handler",
                             "Role": {"Fn::GetAtt": ["Role", "Arn"]}, **fn_props}
    props["Code"] = {"ZipFile": code} if code is not None else {"S3Bucket": "b", "S3Key": "k"}
    return {
        "Q": {"Type": "AWS::SQS::Queue"},
        "Out": {"Type": "AWS::SNS::Topic"},
        "T": {"Type": "AWS::DynamoDB::Table"},
        "Role": copy.deepcopy(ROLE),
        "Policy": {"Type": "AWS::IAM::Policy", "Properties": {
            "Roles": [{"Ref": "Role"}], "PolicyDocument": {"Statement": statements}}},
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": props},
        "Map": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Q", "Arn"]}, "FunctionName": {"Ref": "Fn"}}},
    }


PUBLISH = {"Effect": "Allow", "Action": "sns:Publish", "Resource": {"Ref": "Out"}}
READ_QUEUE = {"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
              "Resource": {"Fn::GetAtt": ["Q", "Arn"]}}
FORWARD = ("import boto3\nsns = boto3.client('sns')\n"
           "def handler(e, c):\n    sns.publish(Message=e['Records'][0]['body'])\n")


def why(resources: dict[str, Any]) -> str:
    graph = build(resources)
    return verdict(graph, graph.resource("Fn"))[1]  # type: ignore[arg-type]


def test_permissions_are_collected_from_inline_attached_and_managed() -> None:
    resources = glue_template([PUBLISH])
    resources["Role"] = {"Type": "AWS::IAM::Role", "Properties": {
        "ManagedPolicyArns": [
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"},
            {"Ref": "Managed"}],
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": {"Effect": "Allow", "Action": "xray:*",
                                                                          "Resource": "*"}}}]}}
    resources["Managed"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {
        "PolicyDocument": {"Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"},
                                         {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}]}}}
    graph = build(resources)
    perms = function_grants(graph, graph.resource("Fn"))  # type: ignore[arg-type]
    assert perms.incomplete == []
    assert sorted((g.action, g.policy) for g in perms.grants) == [
        ("sns:Publish", "Policy"), ("sqs:SendMessage", "Managed"), ("xray:*", "Role")]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Role": {"Fn::ImportValue": "role"}}, "role is not defined in the template"),
        ({"ManagedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSNSFullAccess"]},
         "AWS managed policy AmazonSNSFullAccess"),
        ({"NotAction": True}, "NotAction"),
    ],
)
def test_incomplete_permissions_are_never_glue(change: dict[str, Any], reason: str) -> None:
    resources = glue_template([READ_QUEUE, PUBLISH], FORWARD)
    if "Role" in change:
        resources["Fn"]["Properties"]["Role"] = change["Role"]
    elif "ManagedPolicyArns" in change:
        resources["Role"]["Properties"]["ManagedPolicyArns"] = change["ManagedPolicyArns"]
    else:
        resources["Policy"]["Properties"]["PolicyDocument"]["Statement"].append(
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert reason in why(resources)


def test_verdicts() -> None:
    assert why(glue_template([READ_QUEUE, PUBLISH], FORWARD)) == "glue"
    assert why(glue_template([READ_QUEUE, PUBLISH])) == "glue"  # permissions alone, no code
    two = glue_template([READ_QUEUE, PUBLISH, {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}])
    assert why(two).startswith("not one target")
    sqs_code = FORWARD.replace("'sns'", "'sqs'").replace("publish", "send_message")
    mismatch = glue_template([READ_QUEUE, PUBLISH], sqs_code)
    assert "does not grant" in why(mismatch)
    vpc = glue_template([READ_QUEUE, PUBLISH], VpcConfig={"SubnetIds": ["s"]})
    assert "VPC" in why(vpc)
    env = glue_template([READ_QUEUE, PUBLISH], Environment={"Variables": {"API_URL": "https://example.com"}})
    assert "outside endpoint" in why(env)
    crud = glue_template([READ_QUEUE, {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                                       "Resource": {"Fn::GetAtt": ["T", "Arn"]}}])
    assert "not one forwarding action" in why(crud)


def test_sam_fixture_verdict_reads_local_code() -> None:
    from tests.lint_helpers import lint

    results = lint("fixtures/WA401/bad/sam-api-sqs-python")
    found = [f for r in results for f in r.findings if f.rule == "WA401"]
    assert len(found) == 1
    # The code was read: the message says "only forwards" (not "appears only to forward") and the
    # severity stays a warning; without code evidence it would drop to info.
    assert "only forwards" in found[0].message
    assert "appears" not in found[0].message
    assert found[0].severity is not None
    assert found[0].severity.value == "warning"


def test_a_handlers_invalid_escapes_warn_nobody() -> None:
    """The user's handler code is parsed, not ours: its warnings must not reach wa-lint's user
    (nor fail a run under ``-W error``)."""
    import warnings

    from wa_lint.code.python import analyse_python

    source = 'import boto3\nimport re\nWORD = re.compile("' + "\\" + 'w+")\n'
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert analyse_python(source, "handler.py") is not None
