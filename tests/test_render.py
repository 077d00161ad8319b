"""values.render: one renderer, each caller's convention for what the template leaves open."""

from __future__ import annotations

from wa_lint.code.locate import CODE_TEXT, PLACEHOLDER
from wa_lint.graph.builders.invoke_common import ARN_TEXT
from wa_lint.graph.names import NAME_TEXT
from wa_lint.iam.statements import STATEMENT_TEXT
from wa_lint.values import Resolver, render

RESOLVER = Resolver(parameters={"Env": {"Type": "String", "Default": "prod"}, "Open": {"Type": "String"}})
ARN = {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${Env}-${Open}-${Queue.Arn}"}


def test_one_value_in_each_convention() -> None:
    assert render(ARN, RESOLVER, ARN_TEXT) == "arn:aws:sqs:<region>:<account>:prod-<Ref Open>-<Queue.Arn>"
    statement = "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:prod-${Open}-${Queue.Arn}"
    assert render(ARN, RESOLVER, STATEMENT_TEXT) == statement
    assert render(ARN, RESOLVER, NAME_TEXT) is None  # a GetAtt is no name
    p = PLACEHOLDER
    assert render(ARN, None, CODE_TEXT) == f"arn:{p}:sqs:{p}:{p}:{p}-{p}-{p}"  # nothing resolved, nothing read


def test_other_intrinsics_and_non_text() -> None:
    select = {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert render(select, RESOLVER, ARN_TEXT) == "<unknown>"
    assert render(select, RESOLVER, STATEMENT_TEXT) == "${Fn::Select}"
    assert render({"Fn::ImportValue": "X"}, RESOLVER, STATEMENT_TEXT) == "${Import}"
    assert render(select, RESOLVER, NAME_TEXT) is None
    assert render(["a"], RESOLVER, ARN_TEXT) == "<unknown>"
    assert render(["a"], RESOLVER, STATEMENT_TEXT) is None


def test_fn_if_renders_only_when_branches_agree() -> None:
    same = {"Fn::If": ["C", {"Ref": "Env"}, "prod"]}
    differ = {"Fn::If": ["C", "a", "b"]}
    assert render(same, RESOLVER, STATEMENT_TEXT) == "prod"
    assert render(differ, RESOLVER, STATEMENT_TEXT) is None
    assert render(differ, RESOLVER, ARN_TEXT) == "<unknown>"


def test_sub_variables_and_escapes() -> None:
    sub = {"Fn::Sub": ["${!Literal}/${Name}", {"Name": ["not", "text"]}]}
    assert render(sub, RESOLVER, STATEMENT_TEXT) == "${Literal}/${Name}"  # a refused variable stays a placeholder
    assert render(sub, RESOLVER, NAME_TEXT) is None
    assert render({"Fn::Join": ["", ["x", 1, {"Ref": "Env"}]]}, None, CODE_TEXT) == f"x{PLACEHOLDER}{PLACEHOLDER}"


def test_deep_nesting_is_bounded() -> None:
    value: object = "x"
    for _ in range(200):
        value = {"Fn::Join": ["", [value]]}
    assert render(value, RESOLVER, STATEMENT_TEXT) is None
    assert render(value, RESOLVER, ARN_TEXT) == "<unknown>"
