"""Every output format, rendered from the same Report: SARIF against the official schema, JUnit
parsed, GitHub workflow commands, Markdown, the JSON additions, text, and secret masking."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT
from wa_lint.api import Finding, Pillar, Related, RuleMeta, Severity
from wa_lint.cli import FORMATS as CLI_FORMATS
from wa_lint.cli import main
from wa_lint.pipeline import FileResult
from wa_lint.report import FORMATS, Report, render
from wa_lint.report.file_errors import locate
from wa_lint.results import Suppressed

SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
CFN = "fixtures/WA101/bad/s3-notification.yaml"
SAM = "fixtures/WA101/bad/sam-sns-event.yaml"
CDK = "fixtures/WA101/bad/cdk-sns-app"
GOOD = "fixtures/WA101/good/api-only.yaml"
SECRET = "hunter2-Sup3rSecret"
TEMPLATE = f"""\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SNS::Topic
  Handler:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          DB_PASSWORD: {SECRET}
"""


def _no_check(_graph: Any) -> Any:
    return iter(())


SECURITY_RULE = RuleMeta("WA299", "plaintext-secret", Pillar.SECURITY, Severity.ERROR, "SEC 1",
                         "A secret is written in plain text.\n\n## Why\nAnyone who reads the template reads it.",
                         _no_check, pack="tests")
RELIABILITY_RULE = RuleMeta("WA199", "topic-without-dlq", Pillar.RELIABILITY, Severity.WARNING, "REL 1",
                            "A topic drops what it cannot deliver.", _no_check, pack="tests")


def synthetic_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kwargs: Any) -> Report:
    """A report over a real file in ``tmp_path`` (the working directory) with hand-made findings:
    one carries a secret in ``masked`` (and, carelessly, in its message) and awkward characters."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.yaml").write_text(TEMPLATE, encoding="utf-8")
    secret = Finding("Handler", "AWS::Lambda::Function", 10, 11,
                     f"Handler keeps DB_PASSWORD={SECRET} in plain text | 100% visible, a:b\nsecond line",
                     f"Move {SECRET} to Secrets Manager.", masked=[SECRET], rule="WA299", name="plaintext-secret",
                     pillar="security", severity=Severity.ERROR, path="app.yaml", stack="app",
                     related=[Related("Orders", 3, "app.yaml")])
    topic = Finding("Orders", "AWS::SNS::Topic", 3, 3, "Orders has no dead-letter queue <b>", "Add one & test.",
                    rule="WA199", name="topic-without-dlq", pillar="reliability", severity=Severity.WARNING,
                    path="app.yaml", stack="app", construct_path="App/Orders/Resource")
    hidden = Finding("Orders", "AWS::SNS::Topic", 3, 3, "Orders is suppressed", "n/a", rule="WA199",
                     name="topic-without-dlq", pillar="reliability", severity=Severity.WARNING,
                     path="app.yaml", stack="app")
    graph = {"stack": "app", "path": "app.yaml", "kind": "cloudformation", "resources": 2, "omitted": 0,
             "nodes": [{"id": "Orders", "label": "Orders", "type": "AWS::SNS::Topic", "line": 3},
                       {"id": "Handler", "label": "Handler", "type": "AWS::Lambda::Function", "line": 5}],
             "edges": [{"from": "Orders", "to": "Handler", "kind": "invokes", "mode": "async"}]}
    result = FileResult(path="app.yaml", kind="cloudformation", stacks=["app"], findings=[topic, secret],
                        resources=2, suppressed=[Suppressed(hidden, "inline", "replayed nightly")], graphs=[graph])
    result.findings.sort(key=Finding.sort_key)
    return Report([result], [RELIABILITY_RULE, SECURITY_RULE], **kwargs)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli_output(capsys: pytest.CaptureFixture[str], fmt: str, *paths: str, extra: tuple[str, ...] = ()) -> str:
    code, out, err = run(capsys, "report", *paths, "--format", fmt, "--select", "WA101", "--no-config",
                         "--fail-on", "never", *extra)
    assert code == 0, err
    return out


def test_cli_and_report_agree_on_formats() -> None:
    assert CLI_FORMATS == FORMATS


# -- SARIF ------------------------------------------------------------------------------------
def validate_sarif(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    errors = sorted(jsonschema.Draft4Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert isinstance(doc, dict)
    return doc


def srcroot(run: dict[str, Any]) -> Path:
    """The directory a run's relative uris are relative to (``originalUriBaseIds``)."""
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(run["originalUriBaseIds"]["%SRCROOT%"]["uri"]).path))


def test_sarif_validates_and_has_what_code_scanning_needs(capsys: pytest.CaptureFixture[str]) -> None:
    doc = validate_sarif(cli_output(capsys, "sarif", CFN, SAM, CDK, GOOD))
    run_ = doc["runs"][0]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "wa-lint"
    assert driver["rules"]
    rule = next(r for r in driver["rules"] if r["id"] == "WA101")
    assert rule["shortDescription"]["text"]
    assert rule["fullDescription"]["text"]
    assert rule["helpUri"].endswith("/docs/rules/WA101.md")
    assert rule["help"]["markdown"].startswith("# WA101 lambda-async-no-failure-destination")
    assert "reliability" in rule["properties"]["tags"]
    assert "security-severity" not in rule["properties"]
    results = run_["results"]
    assert {r["ruleId"] for r in results} == {"WA101"}
    expected = sum(len(json.loads((ROOT / f"{p}.expected.json".replace(".yaml.", ".")).read_text()))
                   for p in (CFN, SAM, CDK))
    assert len(results) == expected
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:"))
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert (srcroot(run_) / uri).is_file()  # the repository's root, or the working directory outside one
        assert location["region"]["startLine"] >= 1
        assert r["partialFingerprints"]["waLintFinding/v1"]
        assert r["level"] == "error"
    cfn = next(r for r in results if (srcroot(run_) / r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
               .resolve() == (ROOT / CFN).resolve())
    assert cfn["locations"][0]["physicalLocation"]["region"]["snippet"]["text"].strip() == "ProcessUpload:"
    assert cfn["locations"][0]["logicalLocations"][0]["name"] == "ProcessUpload"
    assert cfn["relatedLocations"][0]["message"]["text"] == "UploadsBucket"
    assert run_["invocations"][0]["executionSuccessful"] is True


def test_sarif_security_rule_suppressions_and_baseline_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_lint.baseline import BaselineOutcome

    report = synthetic_report(tmp_path, monkeypatch, show_suppressed=True,
                              baseline=BaselineOutcome("base.json", 0, []))
    doc = validate_sarif(render(report, "sarif"))
    rules = {r["id"]: r for r in doc["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["WA299"]["properties"]["security-severity"] == "8.0"
    assert "security" in rules["WA299"]["properties"]["tags"]
    assert rules["WA299"]["fullDescription"]["text"] == "Anyone who reads the template reads it."
    results = doc["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert [s["suppressions"][0] for s in suppressed] == [
        {"kind": "inSource", "status": "accepted", "justification": "replayed nightly"}]
    assert {r["baselineState"] for r in results} == {"new"}
    construct = next(r for r in results if r["ruleId"] == "WA199" and "suppressions" not in r)
    assert construct["properties"]["constructPath"] == "App/Orders/Resource"


def test_sarif_reports_file_errors_as_notifications(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Properties: {}\n")
    code, out, _ = run(capsys, "report", str(broken), "--format", "sarif", "--select", "WA101", "--no-config")
    assert code == 2
    doc = validate_sarif(out)
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "resource B has no Type" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_sarif_reports_file_warnings_as_warning_notifications(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("app.yaml").write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n"
                                "      Fn::Transform:\n        Name: AWS::Include\n"
                                "        Parameters:\n          Location: s3://bucket/part.yaml\n"
                                "  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                                "      Fn::Transform:\n        Name: AWS::Include\n"
                                "        Parameters:\n          Location: missing.yaml\n", encoding="utf-8")
    Path("broken.yaml").write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\x07\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "app.yaml", "broken.yaml", "--format", "sarif", "--no-config", "--no-cache")
    assert code == 2
    doc = validate_sarif(out)
    invocation = doc["runs"][0]["invocations"][0]
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "warning", "warning"]
    assert notes[0]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "broken.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 3}}
    remote, missing = notes[1:]
    assert "a remote file; its content is not linted" in remote["message"]["text"]
    assert "does not exist; not included" in missing["message"]["text"]
    assert [n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in (remote, missing)] == [5, 12]
    assert {n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in (remote, missing)} == {"app.yaml"}
    for note in notes:  # the lines stderr shows, word for word
        prefix = "wa-lint: warning: " if note["level"] == "warning" else "wa-lint: "
        assert prefix + note["message"]["text"] in err.splitlines()


def test_json_lists_every_error_missing_paths_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  B:\n    Properties: {}\n")
    good = tmp_path / "good.yaml"
    good.write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n")
    code, out, err = run(capsys, "report", str(tmp_path / "nope.yaml"), str(good), str(broken), "--format", "json",
                         "--no-config", "--no-cache")
    assert code == 2
    data = json.loads(out)
    assert len(data["errors"]) == 2 == data["summary"]["errors"]
    assert any("nope.yaml" in e and "no such file" in e for e in data["errors"])
    assert any("resource B has no Type" in e for e in data["errors"])
    assert [f["error"] for f in data["files"] if f["error"]] == [e for e in data["errors"] if "broken.yaml" in e]
    assert err.count("wa-lint: ") == 2  # the same two lines on stderr


def test_fingerprints_survive_line_shifts_and_reordering(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = (ROOT / CFN).read_text()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(original)
    before = json.loads(run(capsys, "report", "t.yaml", "--format", "sarif", "--select", "WA101")[1])
    (tmp_path / "t.yaml").write_text("# a comment\n# and another\n\n" + original)
    after = json.loads(run(capsys, "report", "t.yaml", "--format", "sarif", "--select", "WA101")[1])
    fp = [r["partialFingerprints"] for r in before["runs"][0]["results"]]
    assert fp
    assert fp == [r["partialFingerprints"] for r in after["runs"][0]["results"]]
    lines = [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in after["runs"][0]["results"]]
    assert lines == [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 3
                     for r in before["runs"][0]["results"]]


# -- JUnit ------------------------------------------------------------------------------------
def test_junit_suites_failures_and_passing_cases(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("Resources: [\n")
    code, out, _ = run(capsys, "report", CFN, GOOD, str(broken), "--format", "junit", "--select", "WA101,WA001",
                       "--no-config")
    assert code == 2
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    suites = {s.attrib["name"]: s for s in root.findall("testsuite")}
    assert len(suites) == 3
    assert {CFN, GOOD} < set(suites)
    broken_name = next(name for name in suites if name.endswith("broken.yaml"))
    bad = suites[CFN]
    failures = bad.findall("testcase/failure")
    assert len(failures) == 1
    assert failures[0].get("type") == "error"
    assert "ProcessUpload" in failures[0].get("message", "")
    assert "fix:" in (failures[0].text or "")
    passing = [c for c in bad.findall("testcase") if len(c) == 0]
    assert [c.get("name") for c in passing] == ["WA001 suppression-without-reason"]
    assert (bad.get("tests"), bad.get("failures"), bad.get("errors")) == ("2", "1", "0")
    assert [c.get("name") for c in suites[GOOD].findall("testcase")] == [
        "WA001 suppression-without-reason", "WA101 lambda-async-no-failure-destination"]
    assert suites[broken_name].find("testcase/error") is not None
    assert root.get("failures") == "1"
    assert root.get("errors") == "1"
    assert root.get("tests") == "5"


def test_junit_masks_secrets_and_lists_suppressed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = synthetic_report(tmp_path, monkeypatch, show_suppressed=True)
    text = render(report, "junit")
    root = ET.fromstring(text)
    assert SECRET not in text
    skipped = root.find("testsuite/testcase/skipped")
    assert skipped is not None
    assert skipped.get("message") == "suppressed (inline): replayed nightly"
    failure = next(f for f in root.iter("failure") if "Handler" in (f.text or ""))
    assert "DB_PASSWORD: ********" in (failure.text or "")


# -- GitHub workflow commands -----------------------------------------------------------------
def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_output(capsys, "github", SAM, CFN)
    lines = out.splitlines()
    assert lines[0] == (
        f"::error file={SAM},line=11,col=3,title=WA101 lambda-async-no-failure-destination%3A NotifyCustomer::"
        "NotifyCustomer is invoked asynchronously by OrderEvents but has no DLQ or on-failure "
        "destination: events that fail after two retries are lost%0Afix: Add DeadLetterQueue "
        "({Type: SQS, TargetArn: ...}) or EventInvokeConfig.DestinationConfig.OnFailure to the function.")
    assert lines[1].startswith(f"::error file={CFN},line=19,col=3,")
    assert lines[-1].startswith("wa-lint: 2 finding(s)")


def test_github_escaping_and_levels(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = render(synthetic_report(tmp_path, monkeypatch), "github")
    assert SECRET not in out
    secret_line = next(line for line in out.splitlines() if "WA299" in line)
    assert secret_line.startswith("::error file=app.yaml,line=10,col=11,title=WA299 plaintext-secret%3A Handler::")
    assert "| 100%25 visible, a:b%0Asecond line%0Afix: Move ******** to Secrets Manager." in secret_line
    warning = next(line for line in out.splitlines() if "WA199" in line)
    assert warning.startswith("::warning ")
    assert "title=WA199 topic-without-dlq%3A Orders (App/Orders/Resource)" in warning


def _file_error_tree(root: Path) -> None:
    """One input per kind of file error, in a directory whose file names hold ``:`` and ``,``."""
    (root / "a:b,c.yaml").write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\x07\n", encoding="utf-8")
    (root / "app").mkdir()
    (root / "app" / "cdk.json").write_text('{"app": "node bin/app.js"}', encoding="utf-8")
    (root / "svc").mkdir()
    (root / "svc" / "serverless.yml").write_text("service: svc\nprovider:\n  name: aws\n", encoding="utf-8")
    (root / "sam.yaml").write_text("Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n"
                                   "    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n"
                                   "      Handler: app.handler\n      CodeUri: .\n      Events:\n        E:\n"
                                   "          Type: NotARealEvent\n", encoding="utf-8")
    (root / "blob.yaml").write_bytes(b"\x00\x01\x02binary\x00")


@pytest.mark.skipif(os.name == "nt", reason="':' is not allowed in Windows file names")
def test_github_file_errors_name_file_line_and_what_happened(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _file_error_tree(tmp_path)
    code, out, _ = run(capsys, "report", "a:b,c.yaml", "app", "svc", "sam.yaml", "blob.yaml", "gone:1.yaml",
                       "--format", "github", "--no-config", "--no-cache")
    assert code == 2
    errors = {line.split("::", 2)[2].split(":", 1)[0]: line for line in out.splitlines() if line.startswith("::error")}
    assert errors["a"].startswith("::error file=a%3Ab%2Cc.yaml,line=3,title=wa-lint could not parse the file::"
                                  "a:b,c.yaml:3: invalid YAML")
    assert errors["app"].startswith("::error file=app/cdk.json,title=wa-lint%3A CDK app not synthesized::app: ")
    assert errors["svc"].startswith(
        "::error file=svc/serverless.yml,title=wa-lint%3A Serverless service not packaged::svc: ")
    assert errors["sam.yaml"].startswith(
        "::error file=sam.yaml,line=3,title=wa-lint%3A the SAM translator rejected the template::sam.yaml:3: ")
    assert errors["blob.yaml"].startswith("::error file=blob.yaml,title=wa-lint could not read the file::")
    assert errors["gone"] == "::error title=wa-lint could not read the file::gone:1.yaml: no such file or directory"


def test_github_file_warnings_are_notices_before_the_findings(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """What was not linted (a remote include, a macro) is a notice on its line, titled with what it
    is: after the errors and warnings, ahead of the info findings (they share GitHub's ten notices)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.yaml").write_text(
        "Transform: Count\nResources:\n  Q:\n    Type: AWS::SNS::Topic\n    Properties:\n"
        "      'Fn::Transform': {Name: AWS::Include, Parameters: {Location: s3://bucket/more.yaml}}\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "report", "t.yaml", "--format", "github", "--no-config", "--no-cache",
                       "--severity-min", "info", "--fail-on", "never")
    assert code == 0
    notices = [line for line in out.splitlines() if line.startswith("::notice")]
    assert notices[:2] == [
        "::notice file=t.yaml,line=1,title=wa-lint did not run this transform::macro Count is not run by wa-lint: "
        "the resources it adds or changes are not linted",
        "::notice file=t.yaml,line=6,title=wa-lint did not include this file::AWS::Include of "
        "'s3://bucket/more.yaml': a remote file; its content is not linted",
    ]
    rows = out.splitlines()
    assert rows.index(notices[0]) > max(n for n, line in enumerate(rows) if line.startswith("::warning"))


def test_file_warning_titles_read_past_a_line_break_in_a_template_name() -> None:
    from wa_lint.report.file_errors import locate, warning_title

    text = "t.yaml:1: macro Up\nper is not run by wa-lint: the resources it adds or changes are not linted"
    assert warning_title(locate(text, ("t.yaml",))) == "wa-lint did not run this transform"
    assert warning_title(locate("t.yaml:1: something else", ("t.yaml",))) == "wa-lint warning"


@pytest.mark.skipif(os.name == "nt", reason="':' is not allowed in Windows file names")
def test_file_error_location_prefers_the_results_own_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a").write_text("x", encoding="utf-8")  # a file named like the first part of the next one
    (tmp_path / "a:7: b.yaml").write_text("x", encoding="utf-8")
    (tmp_path / "inc.yaml").write_text("x", encoding="utf-8")
    own = locate("a:7: b.yaml:12: invalid YAML: x: y", ("a:7: b.yaml",))
    assert (own.path, own.line, own.message) == ("a:7: b.yaml", 12, "invalid YAML: x: y")
    other = locate("inc.yaml:4: AWS::Include of 's3://b/k': a remote file; its content is not linted", ("top.yaml",))
    assert (other.path, other.line) == ("inc.yaml", 4)
    assert locate("a:7: b.yaml: empty file").path == "a:7: b.yaml"  # the longest leading path that is a file
    nowhere = locate("missing.yaml:3: invalid YAML: x")
    assert (nowhere.path, nowhere.line, nowhere.message) == (None, None, "missing.yaml:3: invalid YAML: x")


# -- Markdown ---------------------------------------------------------------------------------
def test_markdown_scorecard_findings_and_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    out = cli_output(capsys, "markdown", CFN, GOOD)
    assert out.startswith("## wa-lint")
    assert "| Reliability | 1 | 0 | 0 | ❌ |" in out
    assert "| Security | 0 | 0 | 0 | ✅ |" in out
    assert "[WA101](https://github.com/wa-lint/wa-lint/blob/main/docs/rules/WA101.md)" in out
    assert f"`{CFN}:19`" in out
    mermaid = out.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid.startswith("flowchart LR")
    ids = dict(re.findall(r"^\s+(n\d+)[\[({]+\"(\w+)", mermaid, re.M))
    flagged = re.search(r"class (\S+) error;", mermaid)
    assert flagged
    assert [ids[n] for n in flagged.group(1).split(",")] == ["ProcessUpload"]
    upload, process = (k for name in ("UploadsBucket", "ProcessUpload") for k, v in ids.items() if v == name)
    assert f"{upload} -->|invokes async| {process}" in mermaid


def test_markdown_escapes_cells_and_links_in_actions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/app")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    out = render(synthetic_report(tmp_path, monkeypatch, show_suppressed=True), "markdown")
    assert SECRET not in out
    assert "plain text \\| 100% visible, a:b<br>second line" in out
    assert "no dead-letter queue &lt;b&gt;" in out
    assert "[`app.yaml:10`](https://github.com/acme/app/blob/abc123/app.yaml#L10)" in out
    assert "Suppressed findings (1)" in out
    assert "replayed nightly" in out


def test_markdown_stays_within_a_pull_request_comment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = synthetic_report(tmp_path, monkeypatch)
    template = report.results[0].findings[0]
    report.results[0].findings = [
        Finding(f"Topic{i}", "AWS::SNS::Topic", 3, 3, "x" * 200, "y" * 100, rule="WA199", name=template.name,
                pillar="reliability", severity=Severity.WARNING, path="app.yaml", stack="app") for i in range(600)]
    out = render(report, "markdown")
    assert len(out) < 65_536
    assert re.search(r"_… and \d+ more: see the SARIF", out)


# -- JSON additions and text ------------------------------------------------------------------
def test_json_adds_fingerprints_suppressed_and_keeps_the_documented_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.loads(render(synthetic_report(tmp_path, monkeypatch, show_suppressed=True), "json"))
    assert SECRET not in json.dumps(data)
    assert all(len(f["fingerprint"]) >= 32 for f in data["findings"])
    assert data["suppressed"][0]["suppression"] == {"kind": "inline", "reason": "replayed nightly"}
    assert data["summary"]["suppressed"] == 1
    assert data["summary"]["baselined"] == 0
    assert "fixed" not in data  # only with a baseline


def test_text_quiet_and_no_color(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wa_lint.discover import discover
    from wa_lint.plugins import load_rules
    from wa_lint.report.text_format import render_text
    from wa_lint.runner import lint_all

    rules = [m for m in load_rules() if m.id == "WA101"]
    report = Report(lint_all(discover([CFN])[0], rules), rules)
    colored = render_text(report, color=True)
    assert "\x1b[" in colored
    monkeypatch.setenv("NO_COLOR", "1")
    plain = render_text(report, color=True)
    assert "\x1b[" not in plain
    assert "WA101" in plain
    quiet = render_text(report, color=False, quiet=True)
    assert "WA101" in quiet
    assert "Summary by pillar" not in quiet
    assert run(capsys, "report", CFN, "--select", "WA101", "--quiet")[1].count("Summary") == 0


@pytest.mark.parametrize(("resources", "words"), [(0, "0 resources"), (1, "1 resource"), (2, "2 resources")])
def test_text_totals_count_resources_in_the_singular_or_plural(resources: int, words: str) -> None:
    out = render(Report([FileResult(path="t.yaml", kind="cloudformation", resources=resources)]), "text", color=False)
    assert out.splitlines()[-1] == f"0 finding(s) (0 error, 0 warning, 0 info) in 1 file(s), {words}; 0 file error(s)"


def _edge_findings(root: Path) -> list[list[Finding]]:
    """Resource blocks with what makes a layout go wrong: long words and paths, tabs, wide line
    numbers, long code lines, multi-line fixes, notes, a related resource in another file."""
    yaml_rows = [f"  Key{n}: {'v' * (n * 7 % 50)}" for n in range(1, 120)]
    yaml_rows[8] = "  Q:\t\tType: AWS::SQS::Queue  # " + "x" * 150
    yaml_rows[98] = "\tTabbed:\t" + "w" * 80
    (root / "t.yaml").write_text("Resources:\n" + "\n".join(yaml_rows) + "\n", encoding="utf-8")
    (root / "o.json").write_text('{\n\t"Resources": {\n\t\t"B": {"Type": "AWS::SNS::Topic"}\n\t}\n}\n',
                                 encoding="utf-8")
    word = "arn:aws:iam::123456789012:role/" + "VeryLongRoleName" * 8

    def make(line_no: int, message: str, fix: str, **kw: Any) -> Finding:
        return Finding(kw.pop("resource", "Q"), "AWS::SQS::Queue", line_no, 3, message, fix,
                       rule=kw.pop("rule", "WA104"), name="queue-without-dlq", pillar="reliability",
                       severity=kw.pop("severity", Severity.WARNING), path="t.yaml", stack="t", **kw)

    return [
        [make(10, f"Queue Q grants {word} everything", "Add a dead-letter queue.\n\n  RedrivePolicy: {x: 1}\n",
              severity=Severity.ERROR),
         make(12, "", "  indented fix with trailing spaces   ", rule="WA1", condition="IsProd",
              severity=Severity.INFO)],
        [make(9, "one  two   three " * 12, f"fix: {word} × 3 … ‘done’", rule="WA2099",
              related=[Related("B", 3, "o.json", via="Export Shared-" + "n" * 90)], resource="R" * 130,
              construct_path="App/" + "Stack/" * 30 + "Resource")],
        [make(99, "tab row: frame cut where rich cuts it", "n/a"), make(100, "next line number width", "n/a")],
        [make(119, "last line of the file", "n/a", source_resource="Fn")],
    ]


@pytest.mark.parametrize("width", [32, 40, 57, 80, 100, 133, 200])
def test_plain_text_blocks_match_what_rich_draws(width: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-colour fast path lays out the same characters as rich (trailing spaces aside)."""
    import io

    from rich.console import Console

    from wa_lint.report.rich_text import resource_block
    from wa_lint.report.text_layout import plain_resource_block

    monkeypatch.chdir(tmp_path)
    checked = 0
    for group in _edge_findings(tmp_path):
        out = io.StringIO()
        console = Console(file=out, force_terminal=False, no_color=True, width=width, highlight=False, soft_wrap=False)
        console.print(resource_block(group, width))
        plain = plain_resource_block(group, width)
        if plain is None:
            assert width < 40  # only a console too narrow for the fixed grid goes back to rich
            continue
        checked += 1
        assert [row.rstrip() for row in plain.split("\n")] == [row.rstrip() for row in out.getvalue().split("\n")]
    assert checked == (0 if width < 40 else 4)


def _whole_report(root: Path, monkeypatch: pytest.MonkeyPatch, wide: bool) -> Report:
    """Every part of a text report: edge-case blocks, suppressed findings, fixed baseline entries,
    long lines to wrap (and, with ``wide``, characters the plain layout leaves to rich)."""
    from wa_lint.baseline import BaselineEntry, BaselineOutcome

    report = synthetic_report(root, monkeypatch, show_suppressed=True)
    groups = _edge_findings(root)
    groups[1][0].condition = "IsProduction" * 12  # one word longer than the column: cut with an ellipsis
    if wide:
        groups[3][0].message = "キュー Q has no dead-letter queue"
        groups[3][0].path = "テンプレート.yaml"
    extra = FileResult(path="t.yaml", kind="cloudformation", stacks=["t"], resources=4,
                       findings=sorted((f for g in groups for f in g), key=Finding.sort_key))
    report = Report([*report.files, extra], report.rules, show_suppressed=True)
    long_reason = "accepted until the migration, see ticket " + "OPS-1234 " * 20
    hidden = report.files[0].suppressed[0]
    report.files[0].suppressed.append(Suppressed(hidden.finding, "config", long_reason))
    report.baseline = BaselineOutcome("baseline.json", 0, [
        BaselineEntry("f" * 32, "WA101", "gone/" + "deep/" * 30 + "template.yaml", "s", "Fn", "was " + "x " * 80)])
    return report


@pytest.mark.parametrize("width", [40, 57, 80, 100, 133])
@pytest.mark.parametrize("wide", [False, True])
def test_plain_report_prints_what_rich_prints(width: int, wide: bool, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Without colour the report is written without rich (not even imported, unless a block needs
    it): every line is the one rich prints, headers, suppressed rows, baseline and summary included."""
    from wa_lint.report.rich_text import render_rich
    from wa_lint.report.text_format import render_text

    report = _whole_report(tmp_path, monkeypatch, wide)
    drawn = render_rich(report, color=False, width=width, plain_blocks=False)
    assert render_text(report, color=False, width=width) == drawn
    assert "Suppressed" in drawn
    assert "Fixed since the baseline (1)" in drawn
    assert "OPS-1234" in drawn


_SGR = re.compile(r"\x1b\[([0-9;]*)m")
_SHOWN_ON_SPACE = ("4", "7", "9", "53")  # underline, reverse, strike, overline: visible on a space


def _cells(text: str) -> list[list[tuple[str, frozenset[str]]]]:
    """Each line of ANSI output as (character, its SGR codes), as a terminal shows it: the default
    background is no background, a space shows only what marks a space, trailing blanks are dropped."""
    lines: list[list[tuple[str, frozenset[str]]]] = [[]]
    codes: frozenset[str] = frozenset()
    at = 0
    for match in [*_SGR.finditer(text), None]:
        for char in text[at:match.start() if match else len(text)]:
            if char == "\n":
                lines.append([])
                continue
            shown = codes - {"49"}
            if char == " ":
                shown = frozenset(c for c in shown if c in _SHOWN_ON_SPACE or c.startswith(("4", "10")))  # backgrounds
            lines[-1].append((char, shown))
        if match is None:
            break
        at = match.end()
        params = match.group(1)
        codes = frozenset() if params in ("", "0") else codes | _sgr_codes(params)
    for row in lines:
        while row and row[-1][0] == " " and not row[-1][1]:
            row.pop()
    return lines


def _sgr_codes(params: str) -> frozenset[str]:
    """One SGR sequence's codes, a colour (38;5;n, 38;2;r;g;b) kept as one code."""
    parts, out = params.split(";"), []
    while parts:
        head = parts.pop(0)
        if head in ("38", "48") and parts:
            size = 2 if parts[0] == "5" else 4
            head = ";".join([head, *parts[:size]])
            del parts[:size]
        out.append(head)
    return frozenset(out)


@pytest.mark.parametrize("width", [40, 80, 133])
@pytest.mark.parametrize("colors", ["standard", "256", "truecolor"])
def test_colour_blocks_look_as_rich_draws_them(width: int, colors: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The coloured report lays blocks out itself and writes rich's codes for their styles: every
    character shows in the colour and attributes rich gives it (code frames highlighted alike)."""
    from wa_lint.report.rich_text import render_rich

    for name in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", {"standard": "xterm", "256": "xterm-256color", "truecolor": "xterm-256color"}[colors])
    if colors == "truecolor":
        monkeypatch.setenv("COLORTERM", "truecolor")
    report = _whole_report(tmp_path, monkeypatch, wide=False)
    drawn = render_rich(report, color=True, width=width, plain_blocks=False)
    fast = render_rich(report, color=True, width=width)
    assert fast != drawn  # not drawn by rich's layout ...
    assert _cells(fast) == _cells(drawn)  # ... yet the same to the eye
    assert "\x1b[" in fast
    assert "❱" in fast


def test_plain_report_does_not_import_rich_console(tmp_path: Path) -> None:
    """A plain text report (pre-commit, CI, a pipe) leaves rich's console and pygments unimported:
    they cost a one-file run a fifth of its time."""
    import subprocess
    import sys

    (tmp_path / "t.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n", encoding="utf-8")
    code = ("import sys\nfrom wa_lint.cli import main\n"
            "main(['report', 't.yaml', '--no-cache', '--no-config', '--fail-on', 'never', '-o', 'out.txt'])\n"
            "print(sorted(m for m in sys.modules if m.startswith(('rich.console', 'rich.syntax', 'pygments'))))")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env,
                          check=True)
    assert done.stdout.strip() == "[]"
    assert "Q" in (tmp_path / "out.txt").read_text(encoding="utf-8")


def test_plain_text_leaves_wide_characters_to_rich(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_lint.report.text_layout import plain_resource_block

    monkeypatch.chdir(tmp_path)
    group = _edge_findings(tmp_path)[3]
    assert plain_resource_block(group, 100) is not None
    group[0].message = "キュー Q has no dead-letter queue"  # two cells a character
    assert plain_resource_block(group, 100) is None
    group[0].message = "cafe\u0301 combines"
    assert plain_resource_block(group, 100) is None


def test_plain_text_gives_way_to_rich_without_its_word_breaking(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path borrows rich's private ``divide_line``: a rich without it draws every block."""
    from wa_lint.report import plain_text

    report = synthetic_report(tmp_path, monkeypatch, show_suppressed=True)
    fast = render(report, "text", color=False)
    monkeypatch.setattr(plain_text, "divide_line", None)
    assert render(report, "text", color=False) == fast


def test_text_masks_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = render(synthetic_report(tmp_path, monkeypatch, show_suppressed=True), "text", color=False)
    assert SECRET not in out
    assert "DB_PASSWORD: ********" in out
    assert "[inline] replayed nightly" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_format_shows_a_masked_secret(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = synthetic_report(tmp_path, monkeypatch, show_suppressed=True)
    assert SECRET in (tmp_path / "app.yaml").read_text()
    assert SECRET not in render(report, fmt, color=False)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_report(fmt: str) -> None:
    text = render(Report([], []), fmt, color=False)
    assert text.endswith("\n")


def test_save_writes_extra_formats_in_one_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "report", CFN, "--select", "WA101", "--format", "github",
                       "--save", f"sarif:{tmp_path}/r.sarif", "--save", f"markdown:{tmp_path}/s.md")
    assert code == 1
    assert out.startswith("::error")
    validate_sarif((tmp_path / "r.sarif").read_text())
    assert (tmp_path / "s.md").read_text().startswith("## wa-lint")
    with pytest.raises(SystemExit) as exc:
        main(["report", CFN, "--save", "pdf:x"])
    assert exc.value.code == 2
    assert "expected FORMAT:PATH" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    from wa_lint.progress import ProgressBar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    bar = ProgressBar(20, tty)
    for i in range(1, 21):
        bar(i, 20)
    bar.close()
    assert "20/20 files" in tty.getvalue()
    assert tty.getvalue().endswith("\r\x1b[2K")
    pipe = io.StringIO()
    for stream, total, enabled in ((pipe, 20, True), (Tty(), 3, True), (Tty(), 20, False)):
        bar = ProgressBar(total, stream, enabled=enabled)
        bar(1, total)
        bar.close()
        assert stream.getvalue() == ""


# -- findings grouped by resource (text, Markdown, HTML) ---------------------------------------
def grouped_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Report:
    """The synthetic report plus a second finding on Orders, on another line and under a condition."""
    report = synthetic_report(tmp_path, monkeypatch)
    extra = Finding("Orders", "AWS::SNS::Topic", 4, 5, "Orders is not encrypted", "Set KmsMasterKeyId.",
                    condition="IsProd", rule="WA298", name="topic-unencrypted", pillar="security",
                    severity=Severity.INFO, path="app.yaml", stack="app", construct_path="App/Orders/Resource")
    report.results[0].findings.append(extra)
    return report


def test_text_groups_findings_by_resource(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = render(grouped_report(tmp_path, monkeypatch), "text", color=False, width=100)
    rows = out.splitlines()
    assert [r for r in rows if r.startswith("app.yaml:")] == [
        "app.yaml:3  Orders  (App/Orders/Resource)", "app.yaml:10  Handler"]
    orders = out.split("app.yaml:3  Orders", 1)[1].split("app.yaml:10  Handler", 1)[0]
    assert orders.count("❱ 3") == 1
    assert orders.index("❱ 3") < orders.index("WARNING WA199")
    assert "WARNING WA199 Orders has no dead-letter queue <b>" in orders
    assert "INFO    WA298 Orders is not encrypted  [line 4, condition IsProd]" in orders
    assert "fix: Set KmsMasterKeyId." in orders
    assert "WA299" not in orders
    handler = out.split("app.yaml:10  Handler", 1)[1]
    assert "related: " not in handler  # the related resource is in the same file: no second frame


def test_markdown_groups_findings_by_resource(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = render(grouped_report(tmp_path, monkeypatch), "markdown")
    heads = re.findall(r"^#### .*$", out, re.M)
    assert heads == ["#### `Orders` · `app.yaml:3` <sub>App/Orders/Resource</sub>", "#### `Handler` · `app.yaml:10`"]
    orders = out.split(heads[0], 1)[1].split(heads[1], 1)[0]
    assert orders.count("```text\n") == 1
    assert "❱ 3   Orders:" in orders
    assert re.findall(r"^- \S+ (\w+) (WA\d+)", orders, re.M) == [("warning", "WA199"), ("info", "WA298")]
    assert "Orders is not encrypted _(line 4, condition IsProd)_<br>**Fix:** Set KmsMasterKeyId." in orders


def test_markdown_code_frame_cannot_be_closed_by_the_template(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    report = synthetic_report(tmp_path, monkeypatch)
    (tmp_path / "app.yaml").write_text(TEMPLATE.replace("  Orders:\n", "  Orders:  # ````\n"), encoding="utf-8")
    out = render(report, "markdown")
    assert "`````text\n  2 Resources:\n❱ 3   Orders:  # ````\n  4     Type: AWS::SNS::Topic\n`````\n" in out


def test_html_groups_findings_by_resource(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = render(grouped_report(tmp_path, monkeypatch), "html")
    groups = re.findall(r'<section class="resource">(.*?)</section>', out, re.S)
    assert len(groups) == 2
    assert out.count('class="finding ') == 3
    orders = groups[0]
    assert '<code class="res">Orders</code>' in orders
    assert orders.count('<pre class="frame">') == 1
    assert re.findall(r'<article class="finding (\w+)" id="f-(\d)"', orders) == [("warning", "1"), ("info", "2")]
    assert '<span class="loc">line 4</span>' in orders
    assert "condition IsProd" in orders
    assert 'id="f-3"' in groups[1]


def test_sarif_keeps_within_githubs_results_limit(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """GitHub rejects a run past 25,000 results: the most severe are kept and a warning says how many
    were left out (the limit made small here)."""
    from wa_lint.report import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    template = tmp_path / "t.yaml"
    template.write_text("Resources:\n" + "".join(f"  T{i}:\n    Type: AWS::SNS::Topic\n" for i in range(3))
                        + "  Q:\n    Type: AWS::SQS::Queue\n")
    code, out, _ = run(capsys, "report", str(template), "--format", "sarif", "--select", "WA210,WA212", "--no-config")
    doc = validate_sarif(out)
    results = doc["runs"][0]["results"]
    assert [r["level"] for r in results] == ["error", "error"]  # WA210 (error) before WA212 (warning)
    [note] = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert note["message"]["text"].startswith("5 of 7 results left out: GitHub code scanning takes at most 2 results")
    assert code == 1


def test_sarif_suppression_without_a_reason_gives_no_justification(capsys: pytest.CaptureFixture[str]) -> None:
    """A justification is the user's words: none written, none made up."""
    code, out, _ = run(capsys, "report", "fixtures/WA001/bad/bare-id.yaml", "--format", "sarif", "--show-suppressed",
                       "--no-config", "--no-cache")
    doc = validate_sarif(out)
    suppressed = [r for r in doc["runs"][0]["results"] if "suppressions" in r]
    assert [r["suppressions"] for r in suppressed] == [[{"kind": "inSource", "status": "accepted"}]]
    assert code == 0  # the only finding left is WA001, a warning
