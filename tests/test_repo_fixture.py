"""A whole repository on the first run (fixtures/repo): templates among Kubernetes, Helm, Compose,
workflow and OpenAPI files, a CDK app that was not synthesized, Serverless Framework services with
and without their packaged template, an ``AWS::Include`` template and a duplicate key.

The run's stdout (the JSON report), its stderr lines and its exit code must equal
fixtures/repo.expected.json; regenerate with WA_LINT_UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, update_snapshots

from wa_lint.cli import main

REPO = "fixtures/repo"
EXPECTED = ROOT / "fixtures" / "repo.expected.json"
COMMAND = ["report", REPO, "--format", "json", "--no-config"]


def _run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _observed(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = _run(capsys, COMMAND)
    verbose_code, verbose_out, verbose_err = _run(capsys, [*COMMAND, "--verbose"])
    assert (verbose_code, verbose_out) == (code, out)  # --verbose only adds lines on stderr
    return {
        "command": ["wa-lint", *COMMAND],
        "exit_code": code,
        "stderr": err.splitlines(),
        "stderr_verbose": verbose_err.splitlines(),
        "report": json.loads(out),
    }


def test_repository_run_matches_the_snapshot(capsys: pytest.CaptureFixture[str]) -> None:
    observed = _observed(capsys)
    if update_snapshots() or not EXPECTED.exists():
        EXPECTED.write_text(json.dumps(observed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert observed == expected


def test_snapshot_says_what_the_issue_asks(capsys: pytest.CaptureFixture[str]) -> None:
    """The properties the snapshot must keep, stated once so that a careless regeneration shows."""
    observed = _observed(capsys)
    linted = {f["path"] for f in observed["report"]["files"]}
    assert not any(part in path for path in linted for part in ("k8s/", "helm/", "compose", ".github/", "api/"))
    assert f"{REPO}/sls-packaged/.serverless/cloudformation-template-update-stack.json" in linted
    assert f"{REPO}/sls-packaged/.serverless/cloudformation-template-create-stack.json" not in linted
    assert observed["exit_code"] == 2
    assert [line.split(": ", 2)[1] for line in observed["stderr"]] == [f"{REPO}/cdk-app", f"{REPO}/sls-unpackaged"]
    assert "run `cdk synth`" in observed["stderr"][0]
    assert "run `serverless package`" in observed["stderr"][1]
    skipped = {line.split(": ")[1].removeprefix("skipped ") for line in observed["stderr_verbose"]
               if line.startswith("wa-lint: skipped ")}
    assert {f"{REPO}/k8s/orders.yaml", f"{REPO}/helm/orders/templates/deployment.yaml",
            f"{REPO}/helm/orders/templates/stack-config.yaml", f"{REPO}/docker-compose.yml",
            f"{REPO}/.github/workflows/ci.yml", f"{REPO}/api/openapi.yaml"} <= skipped


def test_input_error_wins_over_fail_on_never(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, [*COMMAND, "--fail-on", "never", "--quiet"])
    assert code == 2
    assert len(err.splitlines()) == 2


def test_named_non_template_is_an_error_but_pre_commit_skips_it(capsys: pytest.CaptureFixture[str]) -> None:
    named = [f"{REPO}/k8s/orders.yaml", f"{REPO}/sls-unpackaged/serverless.yml", f"{REPO}/cdk-app/cdk.json"]
    code, _, err = _run(capsys, ["report", *named, "--no-config", "-q"])
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"wa-lint: {REPO}/k8s/orders.yaml")
    assert "run `serverless package`" in lines[1]
    assert "run `cdk synth`" in lines[2]
    code, out, err = _run(capsys, ["report", *named, "--no-config", "--skip-non-templates", "--format", "json"])
    assert (code, err) == (0, "")
    assert json.loads(out)["files"] == []


def test_named_packaged_service_lints_its_template(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, ["report", f"{REPO}/sls-packaged/serverless.yml", "--no-config", "--format", "json"])
    assert code == 1
    assert [f["path"] for f in json.loads(out)["files"]] == [
        f"{REPO}/sls-packaged/.serverless/cloudformation-template-update-stack.json"]


def test_walked_file_that_clearly_is_a_template_stays_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken.yaml").write_text("Resources:\n  T:\n    Type: AWS::SNS::Topic\n  {{ oops }}\n")
    (tmp_path / "chart.yaml").write_text("Resources:\n  T:\n    Type: Custom::Thing\n  {{ oops }}\n")
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, ["report", ".", "--no-config", "-q", "--verbose"])
    assert code == 2
    lines = err.splitlines()
    assert lines[0].startswith("wa-lint: skipped chart.yaml: does not load and does not look like a template")
    assert lines[1].startswith("wa-lint: broken.yaml:")
    assert len(lines) == 2
