"""Transforms wa-lint does not run (hosted or account macros): linted as written, with a warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lint_helpers import lint
from wa_lint.cli import main

QUEUE = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n"


def _warnings(tmp_path: Path, body: str, name: str = "template.yaml") -> list[str]:
    (tmp_path / name).write_text(body, encoding="utf-8")
    [result] = lint(str(tmp_path / name))
    assert result.error is None
    assert result.resources >= 1  # linted as written
    return [w.split(": ", 1)[1] for w in result.warnings]


def test_a_top_level_macro_is_named_at_its_line(tmp_path: Path) -> None:
    body = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: [AWS::Serverless-2016-10-31, Count]\n" + QUEUE
    assert _warnings(tmp_path, body) == [
        "macro Count is not run by wa-lint: the resources it adds or changes are not linted"]
    [result] = lint(str(tmp_path / "template.yaml"))
    assert result.warnings[0].startswith(f"{tmp_path / 'template.yaml'}:2: ")


def test_hosted_transforms_and_snippets_count_each_macro_once(tmp_path: Path) -> None:
    body = ("Transform:\n  - Name: AWS::SecretsManager-2020-07-23\n" + QUEUE
            + "    Properties:\n      QueueName: {'Fn::Transform': {Name: String, Parameters: {Operation: Upper}}}\n"
            + "      Tags:\n        - Key: k\n          Value: {'Fn::Transform': {Name: String}}\n"
            + "        - 'Fn::Transform': {Name: AWS::Include, Parameters: {Location: s3://bucket/tags.yaml}}\n")
    assert _warnings(tmp_path, body) == [
        "macro AWS::SecretsManager-2020-07-23 is not run by wa-lint: the resources it adds or changes are not linted",
        "macro String is not run by wa-lint: the resources it adds or changes are not linted (2 uses)",
        "AWS::Include of 's3://bucket/tags.yaml': a remote file; its content is not linted",
    ]


@pytest.mark.parametrize("transform", ["AWS::Serverless-2016-10-31", "AWS::LanguageExtensions",
                                       "[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]"])
def test_the_transforms_wa_lint_runs_say_nothing(tmp_path: Path, transform: str) -> None:
    assert _warnings(tmp_path, f"Transform: {transform}\n{QUEUE}") == []


def test_odd_transform_values_never_crash(tmp_path: Path) -> None:
    body = ("Transform: [1, {Name: 2}, {}, '']\n" + QUEUE
            + "    Properties: {QueueName: {'Fn::Transform': [x]}, DelaySeconds: {'Fn::Transform': 3}}\n")
    assert _warnings(tmp_path, body) == []


def test_json_templates_count_every_snippet(tmp_path: Path) -> None:
    tag = '{"Key": "k", "Value": {"Fn::Transform": {"Name": "Tagger"}}}'
    body = '{"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {"Tags": [' + ", ".join([tag] * 500) + "]}}}}"
    assert _warnings(tmp_path, body, "template.json") == [
        "macro Tagger is not run by wa-lint: the resources it adds or changes are not linted (500 uses)"]


def test_a_huge_template_is_walked_so_far_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_lint.expand import macros

    monkeypatch.setattr(macros, "MAX_NODES", 50)
    tag = "{Key: k, Value: {'Fn::Transform': {Name: Tagger}}}"
    body = QUEUE + "    Properties:\n      Tags: [" + ", ".join([tag] * 40) + "]\n"
    [warning] = _warnings(tmp_path, body)
    assert warning.endswith("uses)")
    assert "+ uses)" in warning


def test_the_warning_does_not_fail_the_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_text(f"Transform: Count\n{QUEUE}", encoding="utf-8")
    code = main(["report", str(tmp_path / "t.yaml"), "--no-config", "--no-cache", "--select", "WA201"])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: " in err
    assert "macro Count is not run by wa-lint" in err
