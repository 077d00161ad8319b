"""Configuration: found by walking up, overridable, every key works, and every mistake is named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wa_lint.cli import main
from wa_lint.config import ConfigError, compile_path_glob, find_config, load_config, load_config_file

CFN = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
SAM = ROOT / "fixtures/WA101/bad/sam-sns-event.yaml"
CDK = ROOT / "fixtures/WA101/bad/cdk-sns-app"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict, str]:
    code = main(["report", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else {}), err


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with a CloudFormation, a SAM and a CDK template; the working directory is a subfolder."""
    (tmp_path / "infra" / "legacy").mkdir(parents=True)
    shutil.copy(CFN, tmp_path / "infra" / "uploads.yaml")
    shutil.copy(SAM, tmp_path / "infra" / "legacy" / "notify.yaml")
    shutil.copytree(CDK, tmp_path / "infra" / "cdk-app")
    monkeypatch.chdir(tmp_path / "infra")
    return tmp_path


def test_pyproject_table_is_found_walking_up(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.wa-lint]\nselect = ["WA101"]\n'
                                            'fail-on = "never"\n')
    assert find_config() == project / "pyproject.toml"
    code, data, _ = run(capsys, ".")
    assert code == 0  # fail-on never from the config
    assert set(data["summary"]["by_rule"]) == {"WA101"}
    assert data["summary"]["findings"] == 3


def test_yaml_wins_over_pyproject_in_the_same_directory(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.wa-lint]\nselect = ['WA101']\n")
    (project / ".wa-lint.yaml").write_text("select: [WA1]\n")
    assert find_config() == project / ".wa-lint.yaml"
    assert load_config().select == ["WA1"]


def test_pyproject_without_table_is_skipped(project: Path) -> None:
    (project / "infra" / "pyproject.toml").write_text('[project]\nname = "wa-lint-user"\n')
    (project / ".wa-lint.yml").write_text("ignore: [WA101]\n")
    assert find_config() == project / ".wa-lint.yml"


def test_explicit_config_and_no_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text("select: [WA101]\nignore: [WA101]\n")
    other = project / "ci.yaml"
    other.write_text("select: [WA101]\n")
    assert run(capsys, ".")[1]["summary"]["findings"] == 0
    assert run(capsys, ".", "--config", str(other))[1]["summary"]["findings"] == 3
    assert run(capsys, ".", "--no-config", "--select", "WA101")[1]["summary"]["findings"] == 3


def test_cli_select_replaces_and_ignore_adds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text("select: [WA101]\nignore: [WA001]\n")
    data = run(capsys, ".", "--select", "WA101,WA001")[1]
    assert set(data["summary"]["by_rule"]) == {"WA101"}  # WA001 still ignored by the config
    code, data, _ = run(capsys, ".", "--ignore", "WA101")
    assert data["summary"]["findings"] == 0 and code == 0


def test_severity_override_and_fail_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text(
        "select: [WA101]\nseverity: {WA1: info, lambda-async-no-failure-destination: warning}\nfail-on: error\n")
    code, data, _ = run(capsys, ".")
    assert code == 0 and data["summary"]["by_severity"] == {"error": 0, "warning": 3, "info": 0}
    assert run(capsys, ".", "--fail-on", "warning")[0] == 1


def test_exclude_globs(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text("select: [WA101]\nexclude: [legacy, 'cdk-*']\n")
    data = run(capsys, ".")[1]
    assert [f["path"] for f in data["files"]] == ["uploads.yaml"]
    # a file named on the command line is linted unless --force-exclude (pre-commit passes it)
    assert [f["path"] for f in run(capsys, "legacy/notify.yaml")[1]["files"]] == ["legacy/notify.yaml"]
    assert run(capsys, "legacy/notify.yaml", "--force-exclude")[1]["files"] == []


def test_per_path_construct_and_resource_type_ignores(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text(
        "select: [WA101]\n"
        "per-path-ignores: {'infra/legacy/**': [WA101]}\n"
        "per-construct-ignores: {'NotifierStack/Notifier': [lambda-async-no-failure-destination]}\n")
    code, data, _ = run(capsys, ".", "--show-suppressed")
    assert [f["path"] for f in data["findings"]] == ["uploads.yaml"]
    reasons = sorted(s["suppression"]["reason"] for s in data["suppressed"])
    assert reasons == ["per-construct-ignores 'NotifierStack/Notifier'", "per-path-ignores 'infra/legacy/**'"]
    assert {s["suppression"]["kind"] for s in data["suppressed"]} == {"config"}
    assert data["summary"]["suppressed"] == 2 and code == 1
    (project / ".wa-lint.yaml").write_text(
        "select: [WA101]\nper-resource-type-ignores: {'AWS::Lambda::*': [ALL]}\n")
    assert run(capsys, ".")[1]["summary"]["findings"] == 0


@pytest.mark.parametrize(("content", "message"), [
    ("selcet: [WA101]\n", "unknown key 'selcet' (did you mean 'select'?)"),
    ("per_path_ignores: {}\n", "unknown key 'per_path_ignores' (did you mean 'per-path-ignores'?)"),
    ("ignore: [WA1O1]\n", "ignore: unknown rule 'WA1O1'"),
    ("severity: {WA999: error}\n", "severity: unknown rule 'WA999'"),
    ("severity: {WA101: fatal}\n", "severity.WA101 must be error, warning or info, not 'fatal'"),
    ("per-path-ignores: {'a/**': [WA977]}\n", "per-path-ignores: unknown rule 'WA977'"),
    ("per-construct-ignores: {'A/B': WA9}\n", "per-construct-ignores: unknown rule 'WA9'"),
    ("fail-on: sometimes\n", "fail-on must be one of error, warning, info, never, not 'sometimes'"),
    ("exclude: 3\n", "exclude must be a list of path globs"),
    ("- just a list\n", "the configuration must be a mapping"),
    ("select: [WA101\n", "invalid YAML"),
])
def test_mistakes_are_errors_that_name_them(
    project: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    (project / ".wa-lint.yaml").write_text(content)
    code, data, err = run(capsys, ".")
    assert code == 2 and data == {}
    assert message in err and ".wa-lint.yaml" in err
    assert err.count("\n") == 1


def test_toml_mistakes_name_the_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.wa-lint]\nfail_on = 'never'\n")
    code, _, err = run(capsys, ".")
    assert code == 2 and "pyproject.toml: unknown key 'fail_on' (did you mean 'fail-on'?)" in err
    bad = project / "wa-lint.toml"
    bad.write_text("[tool.other]\nx = 1\n")
    with pytest.raises(ConfigError, match=r"no \[tool.wa-lint\] table"):
        load_config_file(bad)
    bad.write_text("select = ['WA101']\n")  # a standalone TOML file holds the keys at the top
    assert load_config_file(bad).select == ["WA101"]
    code, _, err = run(capsys, ".", "--config", "missing.yaml")
    assert code == 2 and "configuration file not found" in err


@pytest.mark.parametrize(("glob", "path", "hit"), [
    ("legacy", "legacy/a.yaml", True),
    ("legacy", "src/legacy/b/c.yaml", True),
    ("legacy", "legacyx/a.yaml", False),
    ("*.gen.json", "deep/x.gen.json", True),
    ("infra/*.yaml", "infra/a.yaml", True),
    ("infra/*.yaml", "infra/sub/a.yaml", False),
    ("infra/**/*.yaml", "infra/sub/deeper/a.yaml", True),
    ("infra/**/*.yaml", "infra/a.yaml", True),
    ("/infra/", "infra/a.yaml", True),
    ("./cdk.out", "cdk.out/Stack.template.json", True),
    ("t[0-9].yaml", "t5.yaml", True),
    ("t[!0-9].yaml", "t5.yaml", False),
])
def test_path_globs(glob: str, path: str, hit: bool) -> None:
    assert bool(compile_path_glob(glob).fullmatch(path)) is hit
