"""The GitHub Action (``action.yml``): its structure, and its steps' scripts run locally the way the
runner runs them (``bash --noprofile --norc -eo pipefail``), with the ``GITHUB_*`` files they
write to. Expressions are evaluated by a small interpreter that knows the forms the action uses."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BAD = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
GOOD = ROOT / "fixtures/WA101/good/api-only.yaml"


# -- structure --------------------------------------------------------------------------------
def test_action_structure() -> None:
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in ("path", "format", "fail-on", "config", "sarif-file", "version", "upload-sarif"):
        assert name in inputs and inputs[name]["description"], name
        assert "default" in inputs[name] and inputs[name].get("required") is False
    assert ACTION["outputs"]["findings"]["value"] == "${{ steps.lint.outputs.findings }}"
    steps = ACTION["runs"]["steps"]
    ids = {s.get("id") for s in steps}
    for step in steps:
        assert "name" in step and ("run" in step) != ("uses" in step)
        if "run" in step:
            assert step["shell"] == "bash"
            assert not EXPR.search(step["run"]), "inputs reach scripts through env, never inlined (injection)"
        for text in _strings(step):
            for expr in EXPR.findall(text) + ([text] if text is step.get("if") else []):
                for name in re.findall(r"inputs\.([\w-]+)", expr):
                    assert name in inputs, f"unknown input {name}"
                for ref in re.findall(r"steps\.([\w-]+)\.", expr):
                    assert ref in ids, f"unknown step {ref}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert "inputs.upload-sarif == 'true'" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ steps.lint.outputs.sarif-file }}"


def test_inputs_are_documented_in_integrations() -> None:
    doc = (ROOT / "docs" / "integrations.md").read_text()
    for name in ACTION["inputs"]:
        assert f"`{name}`" in doc, name


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


# -- a tiny runner ----------------------------------------------------------------------------
class Runner:
    """Runs the composite action's ``run`` steps in order, like the Actions runner would."""

    def __init__(self, tmp: Path, workspace: Path, inputs: dict[str, str], path_dirs: list[Path]) -> None:
        self.inputs = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()} | inputs
        self.files = {name: tmp / name.lower() for name in ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV",
                                                             "GITHUB_PATH")}
        for f in self.files.values():
            f.write_text("")
        self.tmp, self.workspace = tmp, workspace
        self.path_dirs = [str(p) for p in path_dirs]
        self.outputs: dict[str, dict[str, str]] = {}
        self.ran: list[str] = []
        self.logs: dict[str, subprocess.CompletedProcess[str]] = {}

    def value(self, expr: str) -> Any:
        expr = expr.strip()
        if expr.startswith("${{") and expr.endswith("}}"):
            expr = expr[3:-2].strip()
        if "&&" in expr:
            return all(self.value(part) for part in expr.split("&&"))
        if expr == "!cancelled()":
            return True
        m = re.fullmatch(r"(.+?)\s*(==|!=)\s*(.+)", expr)
        if m:
            left, right = self.value(m.group(1)), self.value(m.group(3))
            return (left == right) if m.group(2) == "==" else (left != right)
        if m := re.fullmatch(r"'(.*)'", expr):
            return m.group(1)
        if m := re.fullmatch(r"hashFiles\((.+)\)", expr):
            target = self.workspace / str(self.value(m.group(1)))
            return "hash" if target.is_file() else ""
        if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
            return self.inputs[m.group(1)]
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"expression the test runner does not know: {expr}")

    def render(self, text: str) -> str:
        return EXPR.sub(lambda m: str(self.value(m.group(1))), text)

    def run(self) -> int:
        """Run every step whose ``if`` holds; returns the exit code of the first failing step (or 0)."""
        for step in ACTION["runs"]["steps"]:
            if "if" in step and not self.value(str(step["if"])):
                continue
            self.ran.append(step["name"])
            if "uses" in step:
                continue  # actions from the marketplace are not run here; their inputs are checked above
            env = {**os.environ, **{k: str(v) for k, v in self.files.items()}, "RUNNER_TEMP": str(self.tmp),
                   "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(self.workspace),
                   "PATH": os.pathsep.join([*self.path_dirs, os.environ.get("PATH", "")])}
            env |= {k: self.render(str(v)) for k, v in step.get("env", {}).items()}
            script = self.tmp / f"step-{len(self.ran)}.sh"
            script.write_text(step["run"])
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                                  cwd=self.workspace, env=env, capture_output=True, text=True, timeout=300,
                                  check=False)
            self.logs[step["name"]] = proc
            if "id" in step:
                self.outputs[step["id"]] = dict(
                    line.split("=", 1) for line in self.files["GITHUB_OUTPUT"].read_text().splitlines() if "=" in line)
            if proc.returncode != 0:
                return proc.returncode
        return 0


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    ws = tmp_path / "workspace"
    (ws / "infra").mkdir(parents=True)
    shutil.copy(BAD, ws / "infra" / "uploads.yaml")
    shutil.copy(GOOD, ws / "infra" / "api.yaml")
    (ws / ".wa-lint.yaml").write_text("select: [WA101]\n")
    return ws


def wa_lint_bin() -> Path:
    found = shutil.which("wa-lint", path=str(Path(sys.executable).parent))
    assert found, "wa-lint is installed next to the test interpreter"
    return Path(found).parent


def test_lint_step_writes_outputs_summary_and_sarif(tmp_path: Path, workspace: Path) -> None:
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "upload-sarif": "true"}, [wa_lint_bin()])
    code = runner.run()
    assert code == 1  # the last step fails the job on findings
    assert runner.ran == ["Run wa-lint", "Upload SARIF to code scanning", "Fail on findings"]
    lint = runner.logs["Run wa-lint"]
    assert lint.returncode == 0, lint.stderr
    assert "::error file=infra/uploads.yaml,line=19" in lint.stdout
    assert runner.outputs["lint"] == {"findings": "1", "exit-code": "1", "sarif-file": "wa-lint.sarif"}
    sarif = json.loads((workspace / "wa-lint.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"][0]["ruleId"] == "WA101"
    summary = runner.files["GITHUB_STEP_SUMMARY"].read_text()
    assert summary.startswith("## wa-lint") and "```mermaid" in summary
    assert "wa-lint found problems (exit code 1)" in runner.logs["Fail on findings"].stdout


def test_clean_run_and_inputs(tmp_path: Path, workspace: Path) -> None:
    inputs = {"path": "infra/api.yaml\ninfra/uploads.yaml", "version": "none", "format": "json", "fail-on": "never",
              "sarif-file": "reports/out.sarif", "config": ".wa-lint.yaml", "args": "--show-suppressed"}
    runner = Runner(tmp_path, workspace, inputs, [wa_lint_bin()])
    assert runner.run() == 0
    assert runner.ran == ["Run wa-lint"]  # no upload, nothing to fail
    assert runner.outputs["lint"] == {"findings": "1", "exit-code": "0", "sarif-file": "reports/out.sarif"}
    data = json.loads(runner.logs["Run wa-lint"].stdout.split("\nwa-lint exited")[0])
    assert [f["path"] for f in data["files"]] == ["infra/api.yaml", "infra/uploads.yaml"]
    assert (workspace / "reports" / "out.sarif").is_file()


def test_install_step(tmp_path: Path, workspace: Path) -> None:
    """The install step makes a virtualenv with the Python setup-python provides, installs the action's
    own revision (or a release), and puts the venv on PATH. A stub Python records what it is asked."""
    stub = tmp_path / "python"
    log = tmp_path / "python.log"
    stub.write_text(f"""#!/bin/bash
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi
echo "$@" >> {log}
""")
    stub.chmod(0o755)
    for version, expected in (("", f"-m pip install --quiet --disable-pip-version-check {ROOT}"),
                              ("1.2.3", "-m pip install --quiet --disable-pip-version-check wa-lint==1.2.3")):
        runner = Runner(tmp_path, workspace, {"path": "infra/api.yaml", "version": version}, [wa_lint_bin()])
        runner.outputs["python"] = {"python-path": str(stub)}
        step = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Install wa-lint")
        assert runner.value(step["if"]) is True
        env = {**os.environ, **{k: str(v) for k, v in runner.files.items()}, "RUNNER_TEMP": str(tmp_path)}
        env |= {k: runner.render(str(v)) for k, v in step["env"].items()}
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                              env=env, capture_output=True, text=True, check=False)
        assert proc.returncode == 0, proc.stderr
        assert log.read_text().splitlines()[-1] == expected
        assert runner.files["GITHUB_PATH"].read_text().strip() == f"{tmp_path}/wa-lint-venv/bin"
    assert Runner(tmp_path, workspace, {"version": "none"}, []).value(step["if"]) is False
