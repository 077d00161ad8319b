"""The command line as a user meets it: exit codes, formats, errors on stderr, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wa_lint.cli import main

BAD = "fixtures/WA101/bad/s3-notification.yaml"
GOOD = "fixtures/WA101/good/api-only.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_report_names_rule_file_line_resource_and_fix(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "report", BAD)
    assert code == 1
    assert err == ""
    assert "WA101" in out
    assert f"{BAD}:19" in out
    assert "ProcessUpload" in out
    assert "fix: Add DeadLetterConfig.TargetArn" in out
    assert "Reliability" in out
    assert "1 error" in out


def test_json_report_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "report", BAD, GOOD, "--format", "json", "--select", "WA101")
    data = json.loads(out)
    assert code == 1
    assert data["version"] == 1
    assert data["tool"]["name"] == "wa-lint"
    assert [f["path"] for f in data["files"]] == [BAD, GOOD]
    assert [f["kind"] for f in data["files"]] == ["cloudformation", "sam"]
    finding = data["findings"][0]
    assert set(finding) >= {"rule", "name", "pillar", "severity", "path", "line", "column", "resource",
                            "resource_type", "construct_path", "source_resource", "message", "fix", "related"}
    assert (finding["rule"], finding["line"], finding["resource"]) == ("WA101", 19, "ProcessUpload")
    assert finding["related"] == [{"resource": "UploadsBucket", "path": BAD, "line": 4}]
    assert data["summary"] == {"files": 2, "resources": data["summary"]["resources"], "findings": 1,
                               "by_severity": {"error": 1, "warning": 0, "info": 0},
                               "by_rule": {"WA101": 1}, "errors": 0,
                               "suppressed": 0, "baselined": 0, "fixed": 0}


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on(capsys: pytest.CaptureFixture[str], fail_on: str, expected: int) -> None:
    assert run(capsys, "report", BAD, "--fail-on", fail_on)[0] == expected


def test_clean_file_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "report", GOOD)[0] == 0


def test_select_and_ignore(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "report", BAD, "--ignore", "WA101")[0] == 0
    assert run(capsys, "report", BAD, "--select", "lambda-async-no-failure-destination")[0] == 1
    code, _, err = run(capsys, "report", BAD, "--select", "WA999")
    assert code == 2
    assert "unknown rule" in err


def test_bad_input_is_one_line_and_other_files_still_linted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Properties: {}\n")
    code, out, err = run(capsys, "report", str(broken), BAD, "--format", "json", "--select", "WA101")
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert str(broken) in lines[0]
    assert ":4:" in lines[0]
    assert "resource B has no Type" in lines[0]
    data = json.loads(out)
    assert data["files"][0]["error"] is not None
    assert [f["rule"] for f in data["findings"]] == ["WA101"]
    assert data["summary"]["errors"] == 1


def test_a_type_that_is_not_a_string_is_named_as_such(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    numbered = tmp_path / "numbered.yaml"
    numbered.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Properties: {}\n    Type: 5\n")
    code, _, err = run(capsys, "report", str(numbered), "--no-cache")
    assert code == 2
    assert err == f"wa-lint: {numbered}:6: resource B: Type must be a string such as AWS::SQS::Queue, not a number\n"


def test_explicit_non_template_is_an_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    other = tmp_path / "config.yaml"
    other.write_text("name: not a template\n")
    code, _, err = run(capsys, "report", str(other))
    assert code == 2
    assert "not a CloudFormation template" in err


def test_walked_non_templates_are_skipped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("Resources: is a word here\n")
    (tmp_path / "package.json").write_text("{}")
    code, out, err = run(capsys, "report", str(tmp_path), "--format", "json")
    assert code == 0  # skipped quietly: the only line says that nothing at all was linted
    assert err == f"wa-lint: warning: no template found in {tmp_path}; 2 file(s) skipped as not templates " \
                  "(--verbose lists them)\n"
    assert json.loads(out)["files"] == []


def test_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "report", "does/not/exist.yaml")
    assert code == 2
    assert "no such file" in err


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert "WA101" in out
    code, out, _ = run(capsys, "explain", "WA101")
    assert code == 0
    assert out.startswith("# WA101 lambda-async-no-failure-destination")
    assert "When it stays silent" in out
    assert run(capsys, "explain", "WA000")[0] == 2


def test_graph_json_and_dot(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "graph", BAD, "--format", "json")
    data = json.loads(out)
    assert code == 0
    edges = {(e["from"], e["to"], e["kind"], e.get("mode")) for e in data["graphs"][0]["edges"]}
    assert ("UploadsBucket", "ProcessUpload", "invokes", "async") in edges
    assert ("ProcessUpload", "ProcessUploadRole", "executes_as", None) in edges
    code, out, _ = run(capsys, "graph", BAD, "--format", "dot")
    assert code == 0
    assert out.startswith("digraph")
    assert '"UploadsBucket" -> "ProcessUpload"' in out


def test_jobs_give_identical_output(capsys: pytest.CaptureFixture[str]) -> None:
    one = run(capsys, "report", "fixtures", "--format", "json", "--jobs", "1")[1]
    two = run(capsys, "report", "fixtures", "--format", "json", "--jobs", "2")[1]
    assert one == two


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    binary = tmp_path / "blob.yaml"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    proc = subprocess.run([sys.executable, "-m", "wa_lint.cli", "report", str(binary)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert str(binary) in proc.stderr


def test_severity_min(capsys: pytest.CaptureFixture[str]) -> None:
    """`--severity-min error` keeps errors only; `info` also runs rules that are off by default."""
    _, out, _ = run(capsys, "report", BAD, "--format", "json", "--severity-min", "error")
    assert {f["severity"] for f in json.loads(out)["findings"]} == {"error"}
    _, out, _ = run(capsys, "report", "fixtures/WA211/bad", "--format", "json")
    assert "WA211" not in json.loads(out)["summary"]["by_rule"]
    _, out, _ = run(capsys, "report", "fixtures/WA211/bad", "--format", "json", "--severity-min", "info")
    assert json.loads(out)["summary"]["by_rule"]["WA211"] >= 3


def test_a_stack_past_cloudformations_resource_quota_is_a_warning(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("Resources:\n" + "".join(f"  T{i}:\n    Type: AWS::SNS::Topic\n" for i in range(501)))
    small = tmp_path / "small.yaml"
    small.write_text("Resources:\n" + "".join(f"  T{i}:\n    Type: AWS::SNS::Topic\n" for i in range(500)))
    code, out, err = run(capsys, "report", str(big), str(small), "--format", "json", "--select", "WA101", "--no-cache")
    assert code == 0  # not an error: the template is linted all the same
    assert err == (f"wa-lint: warning: {big}: stack big has 501 resources (after SAM and other transforms): "
                   "CloudFormation deploys at most 500 in one stack\n")
    assert [f["warnings"] for f in json.loads(out)["files"]] == [[err.removeprefix("wa-lint: warning: ").strip()], []]
