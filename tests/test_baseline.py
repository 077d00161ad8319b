"""Baselines: only new findings are reported; fingerprints survive line shifts and reordering;
what disappeared is reported as fixed; files outside the run are left alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wa_lint.api import Finding, Severity
from wa_lint.baseline import entries, fingerprints, message_key
from wa_lint.cli import main

CFN = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
SAM = ROOT / "fixtures/WA101/bad/sam-sns-event.yaml"
DLQ = "      DeadLetterConfig:\n        TargetArn: arn:aws:sqs:us-east-1:123456789012:uploads-dlq\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["report", *argv, "--format", "json", "--no-config", "--select", "WA101"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "uploads.yaml").write_text(CFN.read_text())
    (tmp_path / "stacks" / "notify.yaml").write_text(SAM.read_text())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_then_only_new_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, "stacks", "--write-baseline", ".wa-lint-baseline.json")
    assert code == 0
    assert data["summary"]["findings"] == 2
    assert "wrote 2 finding(s) to the baseline" in err
    saved = json.loads((repo / ".wa-lint-baseline.json").read_text())
    assert saved["version"] == 1
    assert [(e["rule"], e["path"], e["resource"]) for e in saved["findings"]] == [
        ("WA101", "stacks/notify.yaml", "NotifyCustomer"), ("WA101", "stacks/uploads.yaml", "ProcessUpload")]
    code, data, _ = run(capsys, "stacks", "--baseline", ".wa-lint-baseline.json")
    assert code == 0
    assert data["findings"] == []
    assert data["fixed"] == []
    assert data["summary"]["baselined"] == 2
    assert data["baseline"]["baselined"] == 2
    # a new problem is reported, the known ones are not
    (repo / "stacks" / "copy.yaml").write_text(CFN.read_text())
    code, data, _ = run(capsys, "stacks", "--baseline", ".wa-lint-baseline.json")
    assert code == 1
    assert [f["path"] for f in data["findings"]] == ["stacks/copy.yaml"]


def test_fingerprints_survive_line_shifts_and_reordering(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "stacks", "--write-baseline", "base.json")
    text = CFN.read_text()
    head, rest = text.split("Resources:\n", 1)
    blocks = rest.split("\n  ProcessUpload:\n")
    reordered = head + "# moved things around\n\nResources:\n  ProcessUpload:\n" + blocks[1] + "\n" + blocks[0] + "\n"
    (repo / "stacks" / "uploads.yaml").write_text(reordered)
    code, data, _ = run(capsys, "stacks", "--baseline", "base.json", "--show-suppressed")
    assert code == 0
    assert data["findings"] == []
    assert data["fixed"] == []
    moved = next(s for s in data["suppressed"] if s["resource"] == "ProcessUpload")
    assert moved["line"] != 19
    assert moved["suppression"]["kind"] == "baseline"


def test_fixed_findings_are_reported(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "stacks", "--write-baseline", "base.json")
    fixed = CFN.read_text().replace("      Role: !GetAtt ProcessUploadRole.Arn\n",
                                    "      Role: !GetAtt ProcessUploadRole.Arn\n" + DLQ)
    (repo / "stacks" / "uploads.yaml").write_text(fixed)
    code, data, _ = run(capsys, "stacks", "--baseline", "base.json")
    assert code == 0
    assert data["findings"] == []
    assert [(f["rule"], f["path"], f["resource"]) for f in data["fixed"]] == [
        ("WA101", "stacks/uploads.yaml", "ProcessUpload")]
    assert data["summary"]["fixed"] == 1
    main(["report", "stacks", "--no-config", "--select", "WA101", "--baseline", "base.json"])
    text = capsys.readouterr().out
    assert "Fixed since the baseline (1)" in text
    assert "1 in baseline, 1 fixed since" in text
    main(["report", "stacks", "--no-config", "--select", "WA101", "--baseline", "base.json", "--format", "github"])
    assert "::notice file=stacks/uploads.yaml,title=WA101 fixed since the baseline::" in capsys.readouterr().out


@pytest.mark.usefixtures("repo")
def test_files_not_linted_are_not_reported_fixed(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "stacks", "--write-baseline", "base.json")
    code, data, _ = run(capsys, "stacks/notify.yaml", "--baseline", "base.json")  # as pre-commit would
    assert code == 0
    assert data["fixed"] == []
    assert data["summary"]["baselined"] == 1


def test_baseline_paths_are_relative_to_the_baseline_file(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, "stacks", "--write-baseline", "base.json")
    monkeypatch.chdir(repo / "stacks")
    code, data, _ = run(capsys, ".", "--baseline", "../base.json")
    assert code == 0
    assert data["summary"]["baselined"] == 2
    assert data["fixed"] == []


def test_baseline_from_the_config(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ".wa-lint.yaml").write_text("select: [WA101]\nbaseline: .wa-lint-baseline.json\n")
    assert main(["report", "stacks", "--write-baseline", ".wa-lint-baseline.json", "-q"]) == 0
    capsys.readouterr()
    assert main(["report", "stacks", "--format", "json", "--show-suppressed"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]["baselined"] == 2
    assert data["baseline"]["path"] == ".wa-lint-baseline.json"  # as documented: relative, not the machine's path
    assert {s["suppression"]["reason"] for s in data["suppressed"]} == {"in baseline .wa-lint-baseline.json"}


@pytest.mark.parametrize(("content", "message"), [
    (None, "baseline file not found (create it with --write-baseline)"),
    ("{not json", "cannot read baseline"),
    ('{"version": 7, "findings": []}', "not a wa-lint baseline"),
    ('{"version": 1, "findings": [{"rule": "WA101"}]}', "malformed baseline entry"),
])
def test_bad_baseline_files(repo: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str) -> None:
    if content is not None:
        (repo / "base.json").write_text(content)
    code, _, err = run(capsys, "stacks", "--baseline", "base.json")
    assert code == 2
    assert message in err


def test_fingerprint_key_and_duplicates(tmp_path: Path) -> None:
    def finding(message: str, line: int) -> Finding:
        return Finding("Fn", "AWS::Lambda::Function", line, 3, message, "fix", rule="WA108", path="t.yaml",
                       stack="t", severity=Severity.ERROR, masked=["s3cr3t-value"])

    assert message_key("Timeout 30 s is below  6 x 60") == "Timeout # s is below # x #"
    a, b = fingerprints([finding("VisibilityTimeout 30 s", 10), finding("VisibilityTimeout 30 s", 40)])
    assert b == f"{a}-1"
    assert fingerprints([finding("VisibilityTimeout 45 s", 99)]) == [a]  # numbers and lines do not matter
    assert fingerprints([finding("a different problem", 10)]) != [a]
    (entry,) = entries([finding("leaks s3cr3t-value", 1)], tmp_path)
    assert entry.message == "leaks ********"
