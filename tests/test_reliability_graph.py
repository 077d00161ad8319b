"""``dead_letter`` and source-side ``on_failure`` edges, and the queries in ``graph.reliability``.

Redrive policies are exercised in every form templates write them (object, JSON string,
``Fn::Sub``, CDK ``Fn::Join``, ``Fn::ToJsonString``, literal ARNs matched by ``QueueName``,
``Fn::If``); assertions are exact ``(src, dst, via, condition)`` sets.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from wa_lint.graph.builders import build_graph
from wa_lint.graph.model import Graph
from wa_lint.graph.reliability import (
    dead_letter_sources,
    describe_source,
    duration,
    is_set,
    mapping_sources,
    number,
    queue_consumers,
    subject,
)
from wa_lint.model import Resource, Stack, resources_from_template

QUEUE = {"Type": "AWS::SQS::Queue"}
FN = {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.h"}}
DLQ_ARN = {"Fn::GetAtt": ["Dlq", "Arn"]}
NO_VALUE = {"Ref": "AWS::NoValue"}


def build(resources: dict[str, Any], parameters: dict[str, Any] | None = None) -> Graph:
    template = {"Resources": copy.deepcopy(resources)}
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation",
                             resources=resources_from_template(template), parameters=parameters or {}))


def queue(redrive: Any, **props: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": redrive, **props}}


def flows(g: Graph, kind: str) -> set[tuple[str, str, str | None, str | None]]:
    return {(e.src, e.dst, e.via, e.condition) for e in g.edges(kind)}


def cdk_join(*parts: Any) -> dict[str, Any]:
    return {"Fn::Join": ["", list(parts)]}


ARN_BY_NAME = cdk_join("arn:", {"Ref": "AWS::Partition"}, ":sqs:", {"Ref": "AWS::Region"}, ":",
                       {"Ref": "AWS::AccountId"}, ":", {"Fn::GetAtt": ["Dlq", "QueueName"]})


@pytest.mark.parametrize(
    "redrive",
    [
        {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 5},
        {"deadLetterTargetArn": ARN_BY_NAME, "maxReceiveCount": "5"},
        {"Fn::Sub": '{"deadLetterTargetArn": "${Dlq.Arn}", "maxReceiveCount": 5}'},
        {"Fn::Sub": ['{"deadLetterTargetArn": "${Target}", "maxReceiveCount": 5}', {"Target": DLQ_ARN}]},
        cdk_join('{"deadLetterTargetArn":"', DLQ_ARN, '","maxReceiveCount":5}'),
        cdk_join('{"deadLetterTargetArn":"arn:', {"Ref": "AWS::Partition"}, ":sqs:", {"Ref": "AWS::Region"},
                 ":", {"Ref": "AWS::AccountId"}, ':named-dlq","maxReceiveCount":5}'),
        {"Fn::ToJsonString": {"deadLetterTargetArn": DLQ_ARN, "maxReceiveCount": 5}},
        '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:123456789012:named-dlq", "maxReceiveCount": 5}',
        {"deadLetterTargetArn": {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:named-dlq"},
         "maxReceiveCount": 5},
    ],
    ids=["object", "join-arn", "sub-string", "sub-variables", "cdk-join", "join-literal-name", "to-json-string",
         "plain-string-literal-arn", "sub-arn-by-name"],
)
def test_redrive_policy_forms(redrive: Any) -> None:
    g = build({"Source": queue(redrive), "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "named-dlq"}}})
    assert flows(g, "dead_letter") == {("Source", "Dlq", "Source", None)}
    assert [e.get("max_receive_count") for e in g.edges("dead_letter")] == [5]
    assert [e.src for e in dead_letter_sources(g, "Dlq")] == ["Source"]
    assert dead_letter_sources(g, "Source") == []


def test_redrive_outside_the_template_and_unreadable() -> None:
    g = build({
        "External": queue({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:210987654321:central-dlq"}),
        "Imported": queue({"deadLetterTargetArn": {"Fn::ImportValue": "dlq-arn"}}),
        "Broken": queue('{"deadLetterTargetArn": '),
        "Param": queue({"Ref": "Policy"}),
    }, parameters={"Policy": {"Type": "String"}})
    assert flows(g, "dead_letter") == {
        ("External", "external:sqs:arn:aws:sqs:us-east-1:210987654321:central-dlq", "External", None),
        ("Imported", "external:unknown:import:dlq-arn", "Imported", None),
    }
    assert is_set(g.stack.resources["Broken"], "RedrivePolicy")
    assert is_set(g.stack.resources["Param"], "RedrivePolicy")


def test_redrive_under_fn_if() -> None:
    g = build({
        "OneBranch": queue({"Fn::If": ["Prod", {"deadLetterTargetArn": DLQ_ARN}, NO_VALUE]}),
        "BothBranches": queue({"Fn::If": ["Prod", {"deadLetterTargetArn": DLQ_ARN},
                                          {"deadLetterTargetArn": {"Ref": "Dlq"}}]}),
        "Differ": queue({"deadLetterTargetArn": {"Fn::If": ["Prod", DLQ_ARN, {"Fn::GetAtt": ["Other", "Arn"]}]}}),
        "Dlq": QUEUE, "Other": QUEUE,
        "Absent": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": NO_VALUE}},
    })
    assert flows(g, "dead_letter") == {
        ("OneBranch", "Dlq", "OneBranch", "Prod"),
        ("BothBranches", "Dlq", "BothBranches", None),
        ("Differ", "Dlq", "Differ", "Prod"),
        ("Differ", "Other", "Differ", "!Prod"),
    }
    assert not is_set(g.stack.resources["Absent"], "RedrivePolicy")
    assert is_set(g.stack.resources["OneBranch"], "RedrivePolicy")


def test_source_side_dead_letters_sns_string_pipe_and_iot() -> None:
    g = build({
        "Dlq": QUEUE, "Topic": {"Type": "AWS::SNS::Topic"}, "Stream": {"Type": "AWS::Kinesis::Stream"},
        "SubSub": {"Type": "AWS::SNS::Subscription", "Properties": {
            "Protocol": "sqs", "TopicArn": {"Ref": "Topic"}, "Endpoint": {"Fn::GetAtt": ["Dlq", "Arn"]},
            "RedrivePolicy": {"Fn::Sub": '{"deadLetterTargetArn": "${Dlq.Arn}"}'}}},
        "Pipe": {"Type": "AWS::Pipes::Pipe", "Properties": {
            "Source": {"Fn::GetAtt": ["Stream", "Arn"]}, "Target": {"Ref": "Topic"},
            "SourceParameters": {"KinesisStreamParameters": {"StartingPosition": "LATEST",
                                                             "DeadLetterConfig": {"Arn": DLQ_ARN}}}}},
        "IotRule": {"Type": "AWS::IoT::TopicRule", "Properties": {"TopicRulePayload": {
            "Sql": "SELECT * FROM 'x'", "Actions": [],
            "ErrorAction": {"Sqs": {"QueueUrl": {"Ref": "Dlq"}, "RoleArn": "arn:aws:iam::1:role/r"}}}}},
    })
    assert flows(g, "on_failure") == {("SubSub", "Dlq", "SubSub", None), ("Pipe", "Dlq", "Pipe", None),
                                      ("IotRule", "Dlq", "IotRule", None)}
    assert {e.get("mechanism") for e in dead_letter_sources(g, "Dlq")} == {"source_dead_letter", "error_action"}


def test_function_dlq_named_by_literal_arn() -> None:
    g = build({
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"DeadLetterConfig": {
            "TargetArn": {"Fn::Sub": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:fn-failures"}}}},
        "Failures": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "fn-failures"}},
    })
    assert flows(g, "on_failure") == {("Fn", "Failures", "Fn", None)}


def test_consumers_and_mapping_sources() -> None:
    g = build({
        "Jobs": QUEUE, "Fn": FN, "Stream": {"Type": "AWS::Kinesis::Stream"},
        "Consumer": {"Type": "AWS::Kinesis::StreamConsumer", "Properties": {
            "StreamARN": {"Fn::GetAtt": ["Stream", "Arn"]}, "ConsumerName": "c"}},
        "JobsMapping": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Jobs", "Arn"]}, "FunctionName": {"Ref": "Fn"}}},
        "Outside": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": {"Fn::GetAtt": ["Consumer", "ConsumerARN"]},
            "FunctionName": {"Fn::ImportValue": "fn"}}},
        "OutsideArn": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024",
            "FunctionName": {"Fn::ImportValue": "fn"}}},
        "Kafka": {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {
            "FunctionName": {"Fn::ImportValue": "fn"}, "Topics": ["t"],
            "SelfManagedEventSource": {"Endpoints": {"KafkaBootstrapServers": ["b1:9092"]}}}},
    })
    nodes_before = set(g.nx.nodes)
    assert [e.via for e in queue_consumers(g, "Jobs")] == ["JobsMapping"]
    res = g.stack.resources
    assert [(s.node, s.source_type, s.function) for s in mapping_sources(g, res["JobsMapping"])] == [
        ("Jobs", "sqs", "Fn")]
    assert [(s.node, s.source_type) for s in mapping_sources(g, res["Outside"])] == [("Stream", "kinesis")]
    (outside,) = mapping_sources(g, res["OutsideArn"])
    assert outside.source_type == "dynamodb"
    assert describe_source(g, outside) == "DynamoDB stream arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024"
    (kafka,) = mapping_sources(g, res["Kafka"])
    assert (kafka.source_type, describe_source(g, kafka)) == ("kafka", "Kafka cluster b1:9092")
    assert set(g.nx.nodes) == nodes_before  # queries never add nodes


def test_number_and_duration() -> None:
    g = build({"Q": QUEUE}, parameters={"WithDefault": {"Type": "Number", "Default": "45"},
                                         "NoDefault": {"Type": "Number"}})
    assert number(g, None, 30) == 30
    assert number(g, "60") == 60
    assert number(g, {"Ref": "WithDefault"}) == 45
    assert number(g, {"Ref": "NoDefault"}, 30) is None
    assert number(g, {"Fn::If": ["C", 1, 2]}, 30) is None
    assert number(g, True) is None
    assert number(g, "abc") is None
    assert number(g, [1]) is None
    assert [duration(s) for s in (345600, 86400, 7200, 120, 90)] == ["4 days", "1 day", "2 hours", "2 minutes", "90 s"]


def test_subject_names_sam_events() -> None:
    resources = {
        "Fn": Resource("Fn", "AWS::Lambda::Function", {}, source_resource="Fn"),
        "FnNightly": Resource("FnNightly", "AWS::Events::Rule", {}, source_resource="Fn"),
        "Q": Resource("Q", "AWS::SQS::Queue", {}),
    }
    g = build_graph(Stack(name="t", path="t.yaml", kind="sam", resources=resources))
    assert subject(g, "Q", "Queue") == "Queue Q"
    assert subject(g, "FnNightly", "Rule") == "The Nightly event of Fn"


WEIRD: list[Any] = [None, 3, "text", [], {}, {"Fn::If": "bad"}, {"Fn::Join": 5}, {"Fn::Sub": [1]},
                    {"Fn::ToJsonString": 3}, {"Fn::GetAtt": "nodot"}, '{"deadLetterTargetArn": 5}',
                    {"deadLetterTargetArn": {"Fn::Join": ["", "x"]}}, "[1, 2]"]


@pytest.mark.parametrize("weird", WEIRD, ids=[json.dumps(w) for w in WEIRD])
def test_builders_and_queries_never_raise(weird: Any) -> None:
    resources: dict[str, Any] = {"Fn": FN}
    for i, rtype in enumerate(["AWS::SQS::Queue", "AWS::SNS::Subscription", "AWS::Pipes::Pipe",
                               "AWS::IoT::TopicRule", "AWS::Lambda::EventSourceMapping"]):
        resources[f"R{i}"] = {"Type": rtype, "Properties": {
            "RedrivePolicy": weird, "SourceParameters": weird, "TopicRulePayload": weird,
            "EventSourceArn": weird, "FunctionName": weird, "SelfManagedEventSource": weird,
            "VisibilityTimeout": weird, "MessageRetentionPeriod": weird}}
    g = build(resources)
    for res in g.stack.resources.values():
        dead_letter_sources(g, res)
        queue_consumers(g, res)
        if res.type == "AWS::Lambda::EventSourceMapping":
            for source in mapping_sources(g, res):
                describe_source(g, source)
        number(g, res.prop("VisibilityTimeout"), 30)
