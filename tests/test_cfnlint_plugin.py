"""The cfn-lint plugin, through the real cfn-lint CLI: ``cfn-lint --append-rules <dir>`` reports
wa-lint's findings as ``E9101``-style matches on CloudFormation and SAM templates (cfn-lint no
longer translates SAM; the plugin runs wa-lint's own loader), with cfn-lint's and wa-lint's
suppressions honoured."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wa_lint.api import Pillar, RuleMeta, Severity
from wa_lint.cli import cfn_lint_rules_dir, main

CFN = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
SAM = ROOT / "fixtures/WA101/bad/sam-sns-event.yaml"


def cfn_lint() -> str:
    found = shutil.which("cfn-lint", path=str(Path(sys.executable).parent)) or shutil.which("cfn-lint")
    if not found:
        pytest.skip("cfn-lint is not installed")
    return found


def test_rules_dir_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cfn-lint-rules-dir"]) == 0
    path = Path(capsys.readouterr().out.strip())
    assert path == cfn_lint_rules_dir()
    assert (path / "wa_lint_rules.py").is_file()


def test_id_mapping() -> None:
    from wa_lint.cfnlint_rules._support import cfn_lint_id

    def meta(rule_id: str, severity: Severity) -> RuleMeta:
        return RuleMeta(rule_id, "x", Pillar.COST, severity, "", "", lambda _graph: iter(()))

    assert cfn_lint_id(meta("WA101", Severity.ERROR)) == "E9101"
    assert cfn_lint_id(meta("WA212", Severity.WARNING)) == "W9212"
    assert cfn_lint_id(meta("WA501", Severity.INFO)) == "I9501"
    assert cfn_lint_id(meta("ACME1", Severity.INFO)) is None


@pytest.fixture(scope="module")
def matches(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """One cfn-lint run over a CloudFormation template, a SAM template, and copies suppressed the
    cfn-lint way and the wa-lint way; matches of wa-lint rules, by file name."""
    work = tmp_path_factory.mktemp("cfn-lint")
    shutil.copy(CFN, work / "cfn.yaml")
    shutil.copy(SAM, work / "sam.yaml")
    text = CFN.read_text()
    (work / "cfn-lint-ignored.yaml").write_text(text.replace(
        "  ProcessUpload:\n", "  ProcessUpload:\n    Metadata:\n      cfn-lint:\n        config:\n"
                              "          ignore_checks: [E9101]\n"))
    (work / "wa-lint-ignored.yaml").write_text(text.replace(
        "  ProcessUpload:\n", "  ProcessUpload:\n    Metadata:\n      wa-lint:\n        ignore:\n"
                              "          - {id: WA101, reason: replayed from S3}\n"))
    (work / ".wa-lint.yaml").write_text("select: [WA101, WA001, WA002]\n")
    files = ["cfn.yaml", "sam.yaml", "cfn-lint-ignored.yaml", "wa-lint-ignored.yaml"]
    proc = subprocess.run([cfn_lint(), "--append-rules", str(cfn_lint_rules_dir()), "--format", "json",
                           "--include-checks", "I", "--", *files],
                          cwd=work, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode in (0, 2, 4, 6, 8, 10, 12, 14), proc.stderr
    found: dict[str, list[dict[str, Any]]] = {f: [] for f in files}
    for match in json.loads(proc.stdout):
        if match["Rule"]["Id"][1:2] == "9":
            found[match["Filename"]].append(match)
    return found


def test_cloudformation_template(matches: dict[str, list[dict[str, Any]]]) -> None:
    (match,) = matches["cfn.yaml"]
    assert match["Rule"]["Id"] == "E9101"
    assert match["Level"] == "Error"
    assert match["Rule"]["ShortDescription"] == "WA101 lambda-async-no-failure-destination"
    assert match["Rule"]["Source"].endswith("/docs/rules/WA101.md")
    assert match["Location"]["Start"] == {"LineNumber": 19, "ColumnNumber": 3}
    assert match["Location"]["Path"] == ["Resources", "ProcessUpload"]
    assert "invoked asynchronously by UploadsBucket" in match["Message"]
    assert "(fix: " in match["Message"]


def test_sam_template_keeps_full_coverage(matches: dict[str, list[dict[str, Any]]]) -> None:
    (match,) = matches["sam.yaml"]
    assert match["Rule"]["Id"] == "E9101"
    assert match["Location"]["Start"]["LineNumber"] == 11
    assert match["Location"]["Path"] == ["Resources", "NotifyCustomer"]


def test_suppressions_of_both_tools(matches: dict[str, list[dict[str, Any]]]) -> None:
    assert matches["cfn-lint-ignored.yaml"] == []
    assert matches["wa-lint-ignored.yaml"] == []


def test_rules_are_listed(tmp_path: Path) -> None:
    proc = subprocess.run([cfn_lint(), "--append-rules", str(cfn_lint_rules_dir()), "--list-rules"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    listed = dict(line.split(": ", 1) for line in proc.stdout.splitlines() if line[1:2] == "9")
    assert listed["E9101"] == "WA101 lambda-async-no-failure-destination"
    assert listed["I9001"] == "WA001 suppression-without-reason"
    assert "W9002" in listed
    assert listed["E9001"].endswith("(reported as error by configuration)")  # a letter per actual severity


def test_id_mapping_with_a_changed_severity() -> None:
    from wa_lint.cfnlint_rules._support import cfn_lint_id

    meta = RuleMeta("WA104", "x", Pillar.RELIABILITY, Severity.WARNING, "", "", lambda _graph: iter(()))
    assert cfn_lint_id(meta) == "W9104"
    assert cfn_lint_id(meta, Severity.ERROR) == "E9104"


def test_module_path_is_a_rules_source(tmp_path: Path) -> None:
    """``-a wa_lint.cfnlint_rules`` (a module path: no machine-specific directory) works on the command
    line and in ``.cfnlintrc``; importing the package alone neither imports cfn-lint nor builds rules."""
    shutil.copy(CFN, tmp_path / "template.yaml")
    by_flag = subprocess.run([cfn_lint(), "-a", "wa_lint.cfnlint_rules", "--format", "json", "--", "template.yaml"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    (tmp_path / ".cfnlintrc").write_text("append_rules:\n  - wa_lint.cfnlint_rules\n")
    by_rc = subprocess.run([cfn_lint(), "--format", "json", "template.yaml"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    for proc in (by_flag, by_rc):
        ids = sorted(m["Rule"]["Id"] for m in json.loads(proc.stdout) if m["Rule"]["Id"][1:2] == "9")
        assert ids == ["E9101", "W9212"], proc.stderr
    quiet = subprocess.run([sys.executable, "-c", "import sys, wa_lint.cfnlint_rules; print('cfnlint' in sys.modules)"],
                           capture_output=True, text=True, timeout=60, check=False)
    assert quiet.stdout.split()[0] == "False", quiet.stderr


def test_finding_keeps_its_configured_severity(tmp_path: Path) -> None:
    """WA212 raised to error by the wa-lint configuration is E9212 (level Error), not W9212."""
    shutil.copy(CFN, tmp_path / "template.yaml")
    (tmp_path / ".wa-lint.yaml").write_text("severity: {WA212: error, WA101: info}\n")
    proc = subprocess.run([cfn_lint(), "-a", "wa_lint.cfnlint_rules", "--format", "json", "--include-checks", "I",
                           "--", "template.yaml"], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          check=False)
    found = {m["Rule"]["Id"]: m["Level"] for m in json.loads(proc.stdout) if m["Rule"]["Id"][2:] in ("212", "101")}
    assert found == {"E9212": "Error", "I9101": "Informational"}, proc.stderr


PACK = """
from wa_lint.api import Finding, Pillar, Severity, rule


@rule(id="WA981", name="every-function-noted", pillar=Pillar.OPERATIONS, severity=Severity.WARNING, lens="OPS 1")
def every_function_noted(graph):
    \"\"\"A third-party rule: notes every function.\"\"\"
    for fn in graph.functions():
        yield Finding.at(fn, "noted by the third-party pack", fix="nothing to fix")
"""


def test_entry_point_pack_shows_up_in_cfn_lint(tmp_path: Path) -> None:
    """A rule pack installed through the ``wa_lint.rules`` entry point is a cfn-lint rule too."""
    site = tmp_path / "site"
    (site / "acme_rules").mkdir(parents=True)
    (site / "acme_rules" / "__init__.py").write_text(PACK)
    info = site / "acme_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wa_lint.rules]\nacme = acme_rules\n")
    shutil.copy(CFN, tmp_path / "template.yaml")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])])}
    proc = subprocess.run([cfn_lint(), "-a", "wa_lint.cfnlint_rules", "--format", "json", "--", "template.yaml"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    found = {m["Rule"]["Id"]: m for m in json.loads(proc.stdout) if m["Rule"]["Id"][1:2] == "9"}
    assert found["W9981"]["Message"].startswith("noted by the third-party pack"), proc.stderr
    assert found["W9981"]["Location"]["Path"] == ["Resources", "ProcessUpload"]
