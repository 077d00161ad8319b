"""Nested stacks with local template paths are loaded, linked to their parent and linted."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lint_helpers import lint
from wa_lint.api import Severity
from wa_lint.expand.template import MAX_STACKS

NESTED = "fixtures/loader/nested"


def test_nested_stack_is_loaded_linked_and_linted() -> None:
    [result] = lint(f"{NESTED}/parent.yaml")
    assert result.error is None
    assert result.stacks == ["parent", "parent/Workers"]
    [finding] = [f for f in result.findings if f.rule == "WA101"]
    assert (finding.path, finding.line, finding.resource, finding.stack) == (
        f"{NESTED}/children/workers.yaml", 9, "Worker", "parent/Workers")


def test_values_a_parent_passes_down_link_the_stacks() -> None:
    """The queue the parent creates is the nested function's event source (the parent passes its
    ARN in the nested stack's Parameters): WA104 knows its consumer, WA108 compares the timeouts,
    and each finding is reported once, where its resource is written."""
    [result] = lint("fixtures/loader/nested-parameters/parent.yaml")
    assert result.stacks == ["parent", "parent/Worker"]
    found = {(f.rule, f.path, f.line, f.resource): f for f in result.findings if f.rule in ("WA104", "WA108")}
    assert sorted(found) == [("WA104", "fixtures/loader/nested-parameters/parent.yaml", 3, "Jobs"),
                             ("WA108", "fixtures/loader/nested-parameters/parent.yaml", 6, "Jobs")]
    wa104 = found["WA104", "fixtures/loader/nested-parameters/parent.yaml", 3, "Jobs"]
    assert wa104.severity == Severity.ERROR  # a consumed queue: its failing messages are lost
    assert wa104.message.startswith("Queue Jobs feeds Worker/Fn but has no dead-letter queue")
    assert [(r.resource, r.path, r.line) for r in wa104.related] == [
        ("Worker/Fn", "fixtures/loader/nested-parameters/worker.yaml", 9)]
    assert "timeout 60 s" in found["WA108", "fixtures/loader/nested-parameters/parent.yaml", 6, "Jobs"].message


def test_outputs_a_nested_stack_gives_back_link_the_stacks() -> None:
    """The parent's rule targets ``GetAtt Reports.Outputs.FunctionArn``: the nested function is its
    target (WA106 names it) and is invoked asynchronously by it (WA101, on the nested template)."""
    [result] = lint("fixtures/loader/nested-outputs/parent.yaml")
    found = {(f.rule, f.path, f.line, f.resource): f.message for f in result.findings
             if f.rule in ("WA101", "WA106")}
    assert sorted(found) == [("WA101", "fixtures/loader/nested-outputs/reports.yaml", 6, "Fn"),
                             ("WA106", "fixtures/loader/nested-outputs/parent.yaml", 8, "Nightly")]
    assert "invoked asynchronously by parent/Nightly" in found["WA101", "fixtures/loader/nested-outputs/reports.yaml",
                                                               6, "Fn"]
    assert "sends events to function Reports/Fn" in found["WA106", "fixtures/loader/nested-outputs/parent.yaml", 8,
                                                          "Nightly"]


def test_nested_template_outside_the_linted_directory_is_a_warning() -> None:
    [result] = lint(f"{NESTED}/escape.yaml")
    assert result.stacks == ["escape"]
    assert result.error is None
    assert result.warnings == [f"{NESTED}/escape.yaml:7: nested stack Outside: template ../etc/passwd is outside "
                               "the linted directory; not loaded"]  # relative to the working directory


def test_walking_the_directory_lints_the_child_once() -> None:
    results = [r for r in lint(NESTED) if not r.skipped]
    findings = [(f.path, f.line) for r in results for f in r.findings if f.rule == "WA101"]
    assert findings == [(f"{NESTED}/children/workers.yaml", 9)]


def test_preprocessor_resources_are_tolerated() -> None:
    """Rain modules (`Type: !Rain::Module` in YAML, {"Rain::Module": …} in JSON) are not errors."""
    [result] = lint("fixtures/loader/rain-module.json")
    assert result.error is None
    assert result.resources == 1


def _stack_ref(logical_id: str, url: str) -> str:
    return f"  {logical_id}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: {url}\n"


def test_missing_shared_template_is_one_warning_per_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Six parents pointing at one missing template: six warnings, each naming its parent's line."""
    monkeypatch.chdir(tmp_path)
    Path("stacks").mkdir()
    for i in range(6):
        Path(f"stacks/app{i}.yaml").write_text(
            "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n" + _stack_ref("Dlq", "../shared/templates/dlq.yaml"))
    results = lint(".")
    assert [r.error for r in results] == [None] * 6  # every parent is linted
    warnings = [w for r in results for w in r.warnings]
    assert warnings == [f"stacks/app{i}.yaml:7: nested stack Dlq: template shared/templates/dlq.yaml does not "
                        "exist; not loaded" for i in range(6)]
    assert not any(str(tmp_path) in w for w in warnings)  # never a path of the machine


def test_a_child_that_does_not_parse_is_reported_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("child.yaml").write_text("Resources: [\n")
    Path("parent.yaml").write_text("Resources:\n" + _stack_ref("A", "child.yaml") + _stack_ref("B", "child.yaml"))
    [result] = lint("parent.yaml")
    assert result.stacks == ["parent"]
    [error] = result.errors  # two references, one error
    assert error.startswith("child.yaml:2: invalid YAML: ")


def _limit_memory() -> None:
    limit = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def test_fan_out_of_nested_stacks_is_bounded(tmp_path: Path) -> None:
    """Nine templates, each nesting the next eight times: 8^8 stacks unless loading is memoised
    and bounded. The run ends quickly with one clear error for the file, others still linted."""
    for level in range(9):
        refs = "".join(_stack_ref(f"Next{i}", f"level{level + 1}.yaml") for i in range(8)) if level < 8 else ""
        (tmp_path / f"level{level}.yaml").write_text(
            "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n" + refs)
    good = Path("fixtures/WA101/bad/s3-notification.yaml").resolve()
    proc = subprocess.run(
        [sys.executable, "-m", "wa_lint.cli", "report", "--format", "json", "--jobs", "1", "--no-config",
         "--select", "WA104", str(tmp_path / "level0.yaml"), str(good)],
        capture_output=True, text=True, timeout=120, preexec_fn=_limit_memory, check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    report = json.loads(proc.stdout)
    [parent, other] = report["files"]
    assert len(parent["stacks"]) == MAX_STACKS
    assert parent["error"].endswith(f"level0.yaml: expands to more than {MAX_STACKS} nested stacks; "
                                    "the rest are not loaded")
    assert other["error"] is None
    # one finding per template written, not one per stack instance
    assert len([f for f in report["findings"] if f["rule"] == "WA104"]) == 9
