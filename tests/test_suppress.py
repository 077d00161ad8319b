"""Inline suppressions in resource Metadata: with a reason, bare (WA001), invalid (WA002), on the
SAM resource the user wrote, on CDK resources, counted and listed, the same in a process pool."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.lint_helpers import lint
from wa_lint.cli import main

CFN = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
SAM = ROOT / "fixtures/WA101/bad/sam-sns-event.yaml"
CDK = ROOT / "fixtures/WA101/bad/cdk-sns-app"
RULES = "WA101,WA001,WA002"


def with_metadata(source: Path, resource: str, metadata: str) -> str:
    """The template text with ``metadata`` (YAML lines at resource-body indent) under ``resource``."""
    lines = source.read_text().splitlines()
    at = lines.index(f"  {resource}:")
    return "\n".join([*lines[: at + 1], "    Metadata:", *(f"      {m}" for m in metadata.splitlines()),
                      *lines[at + 1 :]]) + "\n"


def report(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["report", *argv, "--format", "json", "--no-config", "--select", RULES, "--show-suppressed"])
    out, err = capsys.readouterr()
    assert "internal error" not in err
    return code, json.loads(out)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_suppression_with_reason(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "t.yaml").write_text(with_metadata(
        CFN, "ProcessUpload", "wa-lint:\n  ignore:\n    - id: WA101\n      reason: uploads are re-driven from S3"))
    code, data = report(capsys, "t.yaml")
    assert code == 0
    assert data["findings"] == []
    assert data["summary"]["suppressed"] == 1
    (hidden,) = data["suppressed"]
    assert (hidden["rule"], hidden["resource"]) == ("WA101", "ProcessUpload")
    assert hidden["suppression"] == {"kind": "inline", "reason": "uploads are re-driven from S3"}
    # the rules themselves still see everything: filtering is a separate stage
    assert [f.rule for r in lint(str(workdir / "t.yaml")) for f in r.findings if f.rule == "WA101"] == ["WA101"]


def test_bare_ids_suppress_but_ask_for_a_reason(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "t.yaml").write_text(with_metadata(CFN, "ProcessUpload", "wa-lint: {ignore: [WA101]}"))
    code, data = report(capsys, "t.yaml")
    (finding,) = data["findings"]
    assert (finding["rule"], finding["severity"], finding["resource"], finding["line"]) == (
        "WA001", "info", "ProcessUpload", 21)  # the line of the wa-lint key
    assert "suppresses WA101 without a reason" in finding["message"]
    assert data["suppressed"][0]["suppression"] == {"kind": "inline", "reason": ""}
    assert code == 0  # info does not fail the default fail-on
    text_code = main(["report", "t.yaml", "--no-config", "--select", RULES, "--show-suppressed"])
    out = capsys.readouterr().out
    assert text_code == 0
    assert "[inline] no reason given" in out
    assert "1 suppressed" in out


def test_rule_names_work_and_unknown_or_malformed_entries_are_reported(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "t.yaml").write_text(with_metadata(
        CFN, "ProcessUpload", "wa-lint:\n  ignore:\n    - {id: lambda-async-no-failure-destination, reason: ok}"))
    assert report(capsys, "t.yaml")[1]["summary"]["suppressed"] == 1
    (workdir / "t.yaml").write_text(with_metadata(
        CFN, "ProcessUpload", "wa-lint:\n  ignroe: [WA101]\n  ignore:\n    - {id: WA1O1, reason: typo}\n"
                              "    - {rule: WA101}\n    - 42"))
    code, data = report(capsys, "t.yaml")
    rules = sorted(f["rule"] for f in data["findings"])
    assert rules == ["WA002"] * 5 + ["WA101"]
    assert code == 1
    messages = " / ".join(f["message"] for f in data["findings"] if f["rule"] == "WA002")
    for part in ("unknown key 'ignroe'", "unknown rule 'WA1O1'", "unknown key 'rule'", "without an id",
                 "neither a rule id nor a mapping"):
        assert part in messages
    assert all(f["severity"] == "warning" for f in data["findings"] if f["rule"] == "WA002")


def test_sam_resource_metadata_covers_what_it_generates(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "sam.yaml").write_text(with_metadata(SAM, "NotifyCustomer", "wa-lint: {ignore: [WA101]}"))
    _, data = report(capsys, "sam.yaml")
    assert data["summary"]["suppressed"] == 1
    (finding,) = data["findings"]  # one WA001 for the SAM resource, not one per generated resource
    assert (finding["rule"], finding["resource"]) == ("WA001", "NotifyCustomer")
    assert finding["line"] == 13


def test_cdk_resource_metadata(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app = workdir / "cdk-app"
    shutil.copytree(CDK, app)
    template = app / "cdk.out" / "NotifierStack.template.json"
    doc = json.loads(template.read_text())
    doc["Resources"]["Notifier5C8D9E0F"]["Metadata"]["wa-lint"] = {
        "ignore": [{"id": "WA101", "reason": "alerts are best effort"}]}
    template.write_text(json.dumps(doc, indent=1))
    code, data = report(capsys, "cdk-app")
    assert code == 0
    assert data["findings"] == []
    (hidden,) = data["suppressed"]
    assert hidden["construct_path"].startswith("NotifierStack/Notifier")
    assert hidden["suppression"]["reason"] == "alerts are best effort"


@pytest.mark.parametrize("where", ["inline", "additionalMetadataFile"])
def test_cdk_construct_node_metadata_covers_the_construct_tree(
    workdir: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    """``notifier.node.addMetadata("wa-lint", …)`` lands in the assembly manifest (inline, or in the
    artifact's additionalMetadataFile in current CDK) under the construct's path."""
    app = workdir / "cdk-app"
    shutil.copytree(CDK, app)
    manifest_path = app / "cdk.out" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entries = {"/NotifierStack/Notifier": [{"type": "wa-lint", "data": {"ignore": ["WA101"]}}],
               "/NotifierStack/AlertsTopic": [{"type": "wa-lint", "data": {"ignore": [{"id": "WA9"}]}}]}
    artifact = manifest["artifacts"]["NotifierStack"]
    if where == "inline":
        artifact["metadata"] = entries
    else:
        artifact["additionalMetadataFile"] = "NotifierStack.metadata.json"
        (app / "cdk.out" / "NotifierStack.metadata.json").write_text(json.dumps(entries))
    manifest_path.write_text(json.dumps(manifest))
    code, data = report(capsys, "cdk-app")
    assert code == 0  # WA001 is info and WA002 a warning
    assert data["summary"]["suppressed"] == 1
    assert data["suppressed"][0]["rule"] == "WA101"
    found = sorted((f["rule"], f["resource"]) for f in data["findings"])
    # one WA001 for the construct entry (not one per resource below it), one WA002 for the typo
    assert found == [("WA001", "Notifier5C8D9E0F"), ("WA002", "AlertsTopicB5F1A3E2")]
    messages = {f["rule"]: f["message"] for f in data["findings"]}
    assert messages["WA001"].startswith("construct NotifierStack/Notifier suppresses WA101 without a reason")
    assert "names unknown rule 'WA9'" in messages["WA002"]


def test_suppressions_in_a_process_pool_match_one_process(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(4):
        (workdir / f"bare{i}.yaml").write_text(with_metadata(CFN, "ProcessUpload", "wa-lint: {ignore: [WA101]}"))
        (workdir / f"plain{i}.yaml").write_text(CFN.read_text())
    one = report(capsys, ".", "--jobs", "1")
    two = report(capsys, ".", "--jobs", "2")
    assert one == two
    assert one[1]["summary"]["suppressed"] == 4
    assert one[1]["summary"]["by_rule"] == {"WA001": 4, "WA101": 4}


def test_suppression_checks_can_be_deselected(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "t.yaml").write_text(with_metadata(CFN, "ProcessUpload", "wa-lint: {ignore: [WA101]}"))
    code = main(["report", "t.yaml", "--no-config", "--select", "WA101", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["findings"] == []
    assert data["summary"]["suppressed"] == 1
    assert main(["explain", "WA001"]) == 0
    assert "# WA001 suppression-without-reason" in capsys.readouterr().out
