"""Local ``AWS::Include`` files are inserted before SAM and LanguageExtensions, as ``sam build`` and
``aws cloudformation package`` do; findings in included content point at the included file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.lint_helpers import lint
from wa_lint.cli import main
from wa_lint.pipeline import FileResult

INCLUDE = "fixtures/loader/include"


def one(name: str) -> FileResult:
    [result] = lint(f"{INCLUDE}/{name}")
    return result


def where(result: FileResult, rule: str) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.resource) for f in result.findings if f.rule == rule]


def test_sam_definition_body_with_cors_is_translated() -> None:
    """The translator alone rejects it ("DefinitionBody does not contain a valid Swagger definition")."""
    result = one("sam-api.yaml")
    assert (result.error, result.warnings, result.kind) == (None, [], "sam")
    # the route comes from the included OpenAPI file: GET /orders has no authorizer
    [finding] = [f for f in result.findings if f.rule == "WA220"]
    assert "GET /orders" in finding.message
    assert (finding.path, finding.line) == (f"{INCLUDE}/sam-api.yaml", 16)  # the function the user wrote


def test_state_machine_definition_points_at_the_included_file() -> None:
    result = one("state-machine.yaml")
    assert result.error is None
    assert where(result, "WA109") == [(f"{INCLUDE}/statemachine/flow.yaml", 4, "Flow")]  # the DoWork state
    assert where(result, "WA503") == [(f"{INCLUDE}/state-machine.yaml", 12, "Flow")]  # the resource itself


def test_whole_resource_and_section_entries_from_included_files() -> None:
    result = one("whole-resource.yaml")
    assert result.error is None
    assert result.resources == 3
    assert where(result, "WA104") == [(f"{INCLUDE}/resources/more.yaml", 1, "Jobs"),
                                      (f"{INCLUDE}/resources/queue.yaml", 2, "Queue")]
    assert where(result, "WA210") == [(f"{INCLUDE}/whole-resource.yaml", 9, "Topic")]
    # a duplicate key inside an included file is reported there, and the last value is read
    [dup] = [f for f in result.findings if f.rule == "WA003"]
    assert (dup.path, dup.line, dup.resource) == (f"{INCLUDE}/resources/more.yaml", 5, "Jobs")
    assert "first written on line 4" in dup.message


def test_top_level_transform_include_merges_sections_before_sam() -> None:
    result = one("top-level.yaml")
    assert result.error is None
    assert result.kind == "sam"
    assert where(result, "WA104") == [(f"{INCLUDE}/resources/sections.yaml", 2, "Inbox")]


def test_includes_that_cannot_be_read_are_warnings_and_the_rest_is_linted() -> None:
    result = one("unreadable.yaml")
    shown = f"{INCLUDE}/unreadable.yaml"
    assert result.error is None
    assert result.warnings == [
        f"{shown}:8: AWS::Include of 's3://my-bucket/api.yaml': a remote file; its content is not linted",
        f"{shown}:16: AWS::Include of './api/missing.yaml': '{INCLUDE}/api/missing.yaml' does not exist; "
        "not included",
        f"{shown}:24: AWS::Include of '../../../../../etc/hostname': outside the linted directory; not included",
        f"{shown}:32: AWS::Include of 's3://${{AWS::AccountId}}-specs/api.json': a remote file; its content is "
        "not linted",
    ]
    assert where(result, "WA104") == [(shown, 36, "Queue")]


def test_warnings_do_not_fail_the_run_and_reach_stderr_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["report", f"{INCLUDE}/unreadable.yaml", "--format", "json", "--no-config", "--select", "WA201"])
    out, err = capsys.readouterr()
    assert code == 0  # warnings are not errors
    [entry] = json.loads(out)["files"]
    assert entry["error"] is None
    assert len(entry["warnings"]) == 4
    assert err.splitlines()[0] == (f"wa-lint: warning: {INCLUDE}/unreadable.yaml:8: AWS::Include of "
                                   "'s3://my-bucket/api.yaml': a remote file; its content is not linted")


def _template(tmp_path: Path, body: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def test_an_included_file_that_does_not_parse_is_an_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("a: [\n", encoding="utf-8")
    _template(tmp_path, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                        "      Fn::Transform: {Name: AWS::Include, Parameters: {Location: bad.yaml}}\n")
    [result] = lint(str(tmp_path))
    assert result.error is not None
    assert "bad.yaml:2: invalid YAML" in result.error


def test_circular_includes_are_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("Fn::Transform: {Name: AWS::Include, Parameters: {Location: b.yaml}}\n")
    (tmp_path / "b.yaml").write_text("Fn::Transform: {Name: AWS::Include, Parameters: {Location: a.yaml}}\n")
    path = _template(tmp_path, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                               "      Fn::Transform: {Name: AWS::Include, Parameters: {Location: a.yaml}}\n")
    [result] = lint(str(path))
    assert result.error is None
    assert result.resources == 1
    assert [w.split(": ", 1)[1] for w in result.warnings] == [
        "AWS::Include of 'a.yaml': circular or too deep includes; not included"]


def test_a_template_without_includes_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    import wa_lint.expand.template as template

    monkeypatch.setattr(template, "expand_includes", lambda *_args: pytest.fail("walked"))
    [result] = lint("fixtures/WA101/bad/s3-notification.yaml")
    assert result.error is None


def test_include_fan_out_is_bounded(tmp_path: Path) -> None:
    """Each level includes the next eight times: 8^6 inserts unless counted; the bound makes it one error."""
    from wa_lint.expand.include import MAX_INCLUDES

    for level in range(6):
        body = "".join(f"k{i}: {{Fn::Transform: {{Name: AWS::Include, Parameters: {{Location: l{level + 1}.yaml}}}}}}\n"
                       for i in range(8))
        (tmp_path / f"l{level}.yaml").write_text(body)
    (tmp_path / "l6.yaml").write_text("leaf: 1\n")
    path = _template(tmp_path, "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Metadata:\n"
                               "      Fn::Transform: {Name: AWS::Include, Parameters: {Location: l0.yaml}}\n")
    [result] = lint(str(path))
    assert result.stacks == ["template"]
    assert result.resources == 1
    [error] = result.errors  # once, naming the include where the budget ran out
    assert error.endswith(f"l5.yaml:4: more than {MAX_INCLUDES} AWS::Include files; the rest are not included")
