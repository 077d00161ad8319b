"""Reading Step Functions definitions in every form templates write them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wa_lint.graph.builders import build_graph
from wa_lint.graph.builders.invoke_common import function_of
from wa_lint.graph.model import Graph
from wa_lint.graph.statemachine import (
    Definition,
    cached_definition,
    handles_errors,
    lambda_call,
    lambda_calls,
    parse_json_text,
    read_definition,
    state_line,
    states,
    task_states,
    unhandled_tasks,
)
from wa_lint.load import load_text
from wa_lint.model import Resource, Stack, resources_from_template

FN = {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.12", "Handler": "a.h"}}


def machine(props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "Resources": {
            "Fn": FN, "Other": FN,
            "SM": {"Type": "AWS::StepFunctions::StateMachine", "Properties": props},
            **extra,
        }
    }


def graph_of(template: dict[str, Any], tmp: Path | None = None) -> Graph:
    resources = resources_from_template(template)
    if tmp is not None:
        resources["SM"].local_paths["DefinitionUri"] = tmp
    return build_graph(Stack(name="t", path="t.yaml", kind="cloudformation", resources=resources,
                             parameters=template.get("Parameters", {})))


def read(template: dict[str, Any], tmp: Path | None = None) -> tuple[Definition | None, Graph]:
    g = graph_of(template, tmp)
    return read_definition(g.stack.resources["SM"], g), g


def calls(template: dict[str, Any], tmp: Path | None = None) -> list[tuple[str, str | None, str]]:
    definition, g = read(template, tmp)
    assert definition is not None
    found = [(c.state, function_of(g, c.function), c.mode) for c in lambda_calls(definition, g)]
    return [(state, fn[0] if fn else None, mode) for state, fn, mode in found]


SIMPLE = {
    "StartAt": "A",
    "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "${F}", "Payload.$": "$"}, "Next": "B"},
        "B": {"Type": "Pass", "End": True},
    },
}


def test_definition_object_with_intrinsic() -> None:
    definition = {
        "StartAt": "A",
        "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                         "Parameters": {"FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}}, "End": True}},
    }
    result, _ = read(machine({"Definition": definition}))
    assert result is not None
    assert result.value(result["States"]["A"]["Parameters"]["FunctionName"]) == {"Fn::GetAtt": ["Fn", "Arn"]}
    assert calls(machine({"Definition": definition})) == [("A", "Fn", "sync")]


def test_definition_string_plain_json() -> None:
    text = json.dumps({"StartAt": "A", "States": {"A": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:named", "End": True}}})
    template = machine({"DefinitionString": text})
    template["Resources"]["Fn"] = {"Type": "AWS::Lambda::Function", "Properties": {"FunctionName": "named"}}
    assert calls(template) == [("A", "Fn", "sync")]
    assert [(e.src, e.dst, e.via, e.get("mode")) for e in graph_of(template).invokers("Fn")] == [
        ("SM", "Fn", "SM", "sync")
    ]


def test_definition_string_sub_with_variables_and_escapes() -> None:
    text = json.dumps({"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": "${Fn.Arn}", "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "${Target}", "Note": "${!NotAVariable}"}, "End": True},
    }})
    template = machine({"DefinitionString": {"Fn::Sub": [text, {"Target": {"Ref": "Other"}}]}})
    definition, _ = read(template)
    assert definition is not None
    assert definition["States"]["B"]["Parameters"]["Note"] == "${NotAVariable}"
    assert calls(template) == [("A", "Fn", "sync"), ("B", "Other", "sync")]


def test_definition_substitutions_sam_shape() -> None:
    lines = json.dumps(SIMPLE, indent=4).split("\n")
    template = machine({"DefinitionString": {"Fn::Join": ["\n", lines]},
                        "DefinitionSubstitutions": {"F": {"Fn::GetAtt": ["Fn", "Arn"]}}})
    assert calls(template) == [("A", "Fn", "sync")]


def test_definition_substitutions_on_object_and_literal_values() -> None:
    template = machine({"Definition": SIMPLE, "DefinitionSubstitutions": {"F": "plain-name"}})
    definition, _ = read(template)
    assert definition is not None
    assert definition["States"]["A"]["Parameters"]["FunctionName"] == "plain-name"


def test_definition_string_cdk_join_with_getatt() -> None:
    parts = [
        '{"StartAt":"Submit","States":{"Submit":{"Next":"Wait","Type":"Task","Resource":"arn:',
        {"Ref": "AWS::Partition"},
        ':states:::lambda:invoke","Parameters":{"FunctionName":"',
        {"Fn::GetAtt": ["Fn", "Arn"]},
        '","Payload.$":"$"}},"Wait":{"Type":"Wait","Seconds":30,"Next":"Check"},'
        '"Check":{"End":true,"Type":"Task","Resource":"arn:',
        {"Ref": "AWS::Partition"},
        ':states:::lambda:invoke.waitForTaskToken","Parameters":{"FunctionName":"',
        {"Ref": "Other"},
        '","Payload":{"token.$":"$$.Task.Token"}}}},"TimeoutSeconds":300}',
    ]
    template = machine({"DefinitionString": {"Fn::Join": ["", parts]}})
    definition, _ = read(template)
    assert definition is not None
    # the known partition is inlined, the functions are placeholders
    assert definition["States"]["Submit"]["Resource"] == "arn:aws:states:::lambda:invoke"
    assert calls(template) == [("Submit", "Fn", "sync"), ("Check", "Other", "sync")]


def test_intrinsic_outside_json_string_is_quoted() -> None:
    parts = ['{"StartAt":"A","TimeoutSeconds":', {"Ref": "Timeout"}, ',"States":{"A":{"Type":"Wait","Seconds":',
             {"Ref": "Unknown"}, ',"End":true}}}']
    template = machine({"DefinitionString": {"Fn::Join": ["", parts]}})
    template["Parameters"] = {"Timeout": {"Type": "Number", "Default": 60}, "Unknown": {"Type": "Number"}}
    definition, _ = read(template)
    assert definition is not None
    assert definition["TimeoutSeconds"] == 60
    assert definition.value(definition["States"]["A"]["Seconds"]) == {"Ref": "Unknown"}


def test_local_definition_file_json_and_yaml(tmp_path: Path) -> None:
    as_json = tmp_path / "sm.asl.json"
    as_json.write_text(json.dumps(SIMPLE))
    subs = {"DefinitionSubstitutions": {"F": {"Fn::GetAtt": ["Fn", "Arn"]}}}
    assert calls(machine(dict(subs)), as_json) == [("A", "Fn", "sync")]
    as_yaml = tmp_path / "sm.asl.yaml"
    as_yaml.write_text(
        "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke\n"
        "    Parameters:\n      FunctionName: ${F}\n      InvocationType: Event\n    End: true\n"
    )
    assert calls(machine(dict(subs)), as_yaml) == [("A", "Fn", "async")]


def test_nested_parallel_and_map_states() -> None:
    task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": {"Ref": "Fn"}}, "End": True}
    definition = {
        "StartAt": "P",
        "States": {
            "P": {"Type": "Parallel", "Next": "M", "Branches": [
                {"StartAt": "InBranch", "States": {"InBranch": task}},
                {"StartAt": "Old", "States": {"Old": {
                    "Type": "Map", "End": True,
                    "Iterator": {"StartAt": "InIterator", "States": {"InIterator": task}}}}},
            ]},
            "M": {"Type": "Map", "End": True,
                  "ItemProcessor": {"StartAt": "InProcessor", "States": {"InProcessor": task}}},
        },
    }
    assert [name for name, _ in states(definition)] == ["P", "M", "InBranch", "Old", "InProcessor", "InIterator"]
    assert sorted(name for name, _ in task_states(definition)) == ["InBranch", "InIterator", "InProcessor"]


@pytest.mark.parametrize(
    "props",
    [
        {"DefinitionString": "{not json"},
        {"DefinitionString": {"Fn::Transform": {"Name": "AWS::Include"}}},
        {"DefinitionString": {"Fn::Join": ["", "oops"]}},
        {"DefinitionString": ["a", "list"]},
        {"DefinitionString": "[1, 2]"},
        {"Definition": "a string"},
        {"Definition": {"Fn::Transform": {"Name": "AWS::Include"}}},
        {"DefinitionS3Location": {"Bucket": "b", "Key": "k"}},
        {},
    ],
)
def test_unreadable_definitions_are_none(props: dict[str, Any]) -> None:
    definition, g = read(machine(props))
    assert definition is None
    assert g.invokers("Fn") == []


def test_missing_or_broken_local_file_is_none(tmp_path: Path) -> None:
    assert read(machine({}), tmp_path / "absent.json")[0] is None
    broken = tmp_path / "broken.yaml"
    broken.write_text("StartAt: [unclosed\n")
    assert read(machine({}), broken)[0] is None


def test_read_without_graph() -> None:
    res = Resource("SM", "AWS::StepFunctions::StateMachine", {"Definition": SIMPLE,
                                                              "DefinitionSubstitutions": {"F": {"Ref": "Fn"}}})
    definition = read_definition(res)
    assert definition is not None
    call = lambda_call(definition, "A", definition["States"]["A"])
    assert call is not None
    assert call.function == {"Ref": "Fn"}
    assert call.mode == "sync"


def test_value_rebuilds_join_for_mixed_text() -> None:
    definition = Definition({}, [{"Ref": "AWS::Region"}, {"Ref": "Fn"}])
    assert definition.value("arn:aws:lambda:__WAL0__:1:function:__WAL1__") == {
        "Fn::Join": ["", ["arn:aws:lambda:", {"Ref": "AWS::Region"}, ":1:function:", {"Ref": "Fn"}]]
    }
    assert definition.value("__WAL1__") == {"Ref": "Fn"}
    assert definition.value("no tokens") == "no tokens"
    assert definition.value(42) == 42


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ({"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:lambda:invoke",
          "Parameters": {"FunctionName": {"Ref": "Fn"}, "InvocationType": "Event"}}, ("Fn", "async", "aws-sdk")),
        ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "QueryLanguage": "JSONata",
          "Arguments": {"FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]}}}, ("Fn", "sync", "invoke")),
        ({"Type": "Task", "Resource": {"Fn::GetAtt": ["Fn", "Arn"]}}, ("Fn", "sync", "arn")),
        ({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "Parameters": {"FunctionName.$": "$.fn"}}, None),
        ({"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
          "Parameters": {"QueueUrl": {"Ref": "Fn"}}}, None),
        ({"Type": "Task", "Resource": {"Ref": "Act"}}, None),
        ({"Type": "Task"}, None),
    ],
)
def test_lambda_call_forms(state: dict[str, Any], expected: tuple[str, str, str] | None) -> None:
    template = machine({"Definition": {"StartAt": "S", "States": {"S": {**state, "End": True}}}},
                       Act={"Type": "AWS::StepFunctions::Activity", "Properties": {"Name": "a"}})
    definition, g = read(template)
    assert definition is not None
    call = lambda_call(definition, "S", definition["States"]["S"], g)
    got = (g.function_target(call.function), call.mode, call.resource) if call else None
    assert got == expected


# -- Error handling (WA109) and JSON text (redrive policies) --------------------------------------
def _task(**extra: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": True, **extra}


def test_unhandled_tasks_respect_enclosing_parallel_and_map() -> None:
    definition = {
        "StartAt": "Bare",
        "States": {
            "Bare": _task(),
            "Retried": _task(Retry=[{"ErrorEquals": ["States.ALL"]}]),
            "EmptyRetry": _task(Retry=[]),
            "CaughtOnly": _task(Retry=[], Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Bare"}]),
            "Unknown": _task(Retry="__WAL0__"),
            "Guarded": {"Type": "Parallel", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Bare"}],
                        "Branches": [{"StartAt": "InGuarded", "States": {"InGuarded": _task()}}]},
            "Open": {"Type": "Parallel", "Branches": [{"StartAt": "InOpen", "States": {
                "InOpen": _task(),
                "InnerMap": {"Type": "Map", "Retry": [{"ErrorEquals": ["States.ALL"]}],
                             "ItemProcessor": {"StartAt": "InMap", "States": {"InMap": _task()}}}}}]},
        },
    }
    assert [name for name, _ in unhandled_tasks(definition)] == ["Bare", "EmptyRetry", "InOpen"]
    assert handles_errors({"Catch": [{}]})
    assert not handles_errors({"Retry": [], "Catch": None})


def test_state_line_of_inline_definition() -> None:
    text = (
        "Resources:\n"
        "  SM:\n"
        "    Type: AWS::StepFunctions::StateMachine\n"
        "    Properties:\n"
        "      Definition:\n"
        "        StartAt: P\n"
        "        States:\n"
        "          P:\n"
        "            Type: Parallel\n"
        "            End: true\n"
        "            Branches:\n"
        "              - StartAt: Deep\n"
        "                States:\n"
        "                  Deep: {Type: Task, Resource: x, End: true}\n"
    )
    resources = resources_from_template(load_text(text, "t.yaml"))
    assert state_line(resources["SM"], "Deep") == 14
    assert state_line(resources["SM"], "P") == 8
    assert state_line(resources["SM"], "Missing") is None
    resources["SM"].source_resource = "SM"  # SAM output: the user's line is the SAM resource's
    assert state_line(resources["SM"], "Deep") is None


def test_cached_definition_reads_once() -> None:
    template = machine({"Definition": SIMPLE})
    g = graph_of(template)
    sm = g.stack.resources["SM"]
    assert cached_definition(g, sm) is cached_definition(g, sm)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ({"Fn::Sub": '{"a": "${Fn.Arn}"}'}, {"a": {"Fn::GetAtt": ["Fn", "Arn"]}}),
        ({"Fn::Join": ["", ['{"a": "x-', {"Ref": "Fn"}, '"}']]}, {"a": {"Fn::Join": ["", ["x-", {"Ref": "Fn"}]]}}),
        ({"Fn::ToJsonString": {"a": {"Ref": "Fn"}}}, {"a": {"Ref": "Fn"}}),
        ("[1]", None),
        ("{broken", None),
        ({"Fn::ImportValue": "x"}, None),
        (7, None),
    ],
)
def test_parse_json_text(value: Any, expected: dict[str, Any] | None) -> None:
    doc = parse_json_text(value)
    if expected is None:
        assert doc is None
        return
    assert doc is not None
    assert {k: doc.value(v) for k, v in doc.items()} == expected
