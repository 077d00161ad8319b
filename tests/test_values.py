"""Intrinsics: references are always found; values only when the template determines them."""

from __future__ import annotations

from wa_lint.model import Unknown
from wa_lint.values import Resolver, branches, references, target

IDS = {"Fn", "Queue", "Role"}


def test_references_in_every_form() -> None:
    value = {
        "a": {"Ref": "Fn"},
        "b": {"Fn::GetAtt": ["Queue", "Arn"]},
        "c": {"Fn::GetAtt": "Role.Arn"},
        "d": {"Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}"},
        "e": {"Fn::Sub": ["${X}/${Queue.QueueName}", {"X": {"Ref": "Role"}}]},
        "f": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, {"Fn::GetAtt": ["Fn", "Arn"]}]]},
        "g": {"Fn::Sub": "${!Literal}"},
    }
    found = set(references(value))
    assert ("Fn", None) in found
    assert ("Queue", "Arn") in found
    assert ("Role", "Arn") in found
    assert ("Queue", "QueueName") in found
    assert ("Role", None) in found
    assert ("AWS::Partition", None) in found
    assert ("X", None) not in found
    assert not any(name.startswith("!") for name, _ in found)


def test_target_is_one_resource_or_none() -> None:
    assert target({"Fn::GetAtt": ["Fn", "Arn"]}, IDS) == "Fn"
    assert target({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":x:", {"Ref": "Queue"}]]}, IDS) == "Queue"
    assert target({"Fn::If": ["C", {"Ref": "Fn"}, {"Ref": "Queue"}]}, IDS) is None
    assert target({"Fn::ImportValue": "shared-queue-arn"}, IDS) is None
    assert target("arn:aws:sqs:us-east-1:123456789012:q", IDS) is None


def test_resolve_parameters_defaults_and_pseudo() -> None:
    r = Resolver({"Stage": {"Type": "String", "Default": "prod"}, "Secret": {"Type": "String", "NoEcho": True,
                  "Default": "x"}, "NoDefault": {"Type": "String"},
                  "Subnets": {"Type": "CommaDelimitedList", "Default": "a, b"}})
    assert r.resolve({"Ref": "Stage"}) == "prod"
    assert r.resolve({"Fn::Sub": "arn:${AWS::Partition}:s3:::bucket-${Stage}"}) == "arn:aws:s3:::bucket-prod"
    assert r.resolve({"Fn::Join": ["-", [{"Ref": "Stage"}, "x"]]}) == "prod-x"
    assert r.resolve({"Fn::Select": [1, {"Ref": "Subnets"}]}) == "b"
    assert r.resolve({"Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]}) == "a"
    for unknown in ({"Ref": "Secret"}, {"Ref": "NoDefault"}, {"Ref": "AWS::Region"}, {"Fn::ImportValue": "x"},
                    {"Fn::GetAtt": ["Fn", "Arn"]}, {"Fn::Sub": "${AWS::AccountId}"}, {"Fn::Select": "bad"}):
        assert isinstance(r.resolve(unknown), Unknown), unknown
    assert r.resolve({"Ref": "AWS::NoValue"}) is None


def test_empty_default_is_unknown_not_empty_text() -> None:
    """``Default: ''`` says "not given": no ARN or message may be built from ''."""
    r = Resolver({"KeyArn": {"Type": "String", "Default": ""},
                  "Ids": {"Type": "CommaDelimitedList", "Default": ""}})
    for value in ({"Ref": "KeyArn"}, {"Fn::Sub": "arn:aws:kms:::key/${KeyArn}"}, {"Ref": "Ids"},
                  {"Fn::Join": ["", ["x", {"Ref": "KeyArn"}]]}):
        assert isinstance(r.resolve(value), Unknown), value


def test_if_is_unknown_unless_both_branches_agree() -> None:
    r = Resolver()
    assert isinstance(r.resolve({"Fn::If": ["C", 1, 2]}), Unknown)
    assert r.resolve({"Fn::If": ["C", 5, 5]}) == 5


def test_find_in_map() -> None:
    r = Resolver(mappings={"Sizes": {"prod": {"Memory": 1024}}})
    assert r.resolve({"Fn::FindInMap": ["Sizes", "prod", "Memory"]}) == 1024
    assert isinstance(r.resolve({"Fn::FindInMap": ["Sizes", "dev", "Memory"]}), Unknown)


def test_branches_names_conditions_and_no_value() -> None:
    value = {"Fn::If": ["IsProd", {"TargetArn": "x"}, {"Ref": "AWS::NoValue"}]}
    assert list(branches(value)) == [("IsProd", {"TargetArn": "x"}), ("!IsProd", None)]
    assert list(branches("plain")) == [(None, "plain")]


def test_nested_if_conditions_combine() -> None:
    value = {"Fn::If": ["A", {"Fn::If": ["B", 1, 2]}, 3]}
    assert list(branches(value)) == [("A&B", 1), ("A&!B", 2), ("!A", 3)]
