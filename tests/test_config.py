"""Configuration: found by walking up, overridable, every key works, and every mistake is named."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wa_lint.cli import main
from wa_lint.config import ConfigError, find_config, load_config, load_config_file
from wa_lint.globs import PathGlob

CFN = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
SAM = ROOT / "fixtures/WA101/bad/sam-sns-event.yaml"
CDK = ROOT / "fixtures/WA101/bad/cdk-sns-app"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
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
    assert data["summary"]["findings"] == 0
    assert code == 0


def test_severity_override_and_fail_on(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".wa-lint.yaml").write_text(
        "select: [WA101]\nseverity: {WA1: info, lambda-async-no-failure-destination: warning}\nfail-on: error\n")
    code, data, _ = run(capsys, ".")
    assert code == 0
    assert data["summary"]["by_severity"] == {"error": 0, "warning": 3, "info": 0}
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
    assert data["summary"]["suppressed"] == 2
    assert code == 1
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
    assert code == 2
    assert data == {}
    assert message in err
    assert ".wa-lint.yaml" in err
    assert err.count("\n") == 1


def test_toml_mistakes_name_the_table(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text("[tool.wa-lint]\nfail_on = 'never'\n")
    code, _, err = run(capsys, ".")
    assert code == 2
    assert "pyproject.toml: unknown key 'fail_on' (did you mean 'fail-on'?)" in err
    bad = project / "wa-lint.toml"
    bad.write_text("[tool.other]\nx = 1\n")
    with pytest.raises(ConfigError, match=r"no \[tool.wa-lint\] table"):
        load_config_file(bad)
    bad.write_text("select = ['WA101']\n")  # a standalone TOML file holds the keys at the top
    assert load_config_file(bad).select == ["WA101"]
    code, _, err = run(capsys, ".", "--config", "missing.yaml")
    assert code == 2
    assert "configuration file not found" in err


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
    assert PathGlob.compile(glob).match(path) is hit


# -- each file takes its nearest configuration (issue 12) --------------------------------------
@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose teams keep their own configuration; the run starts at its root."""
    for rel, fixture in [("infra/uploads.yaml", CFN), ("services/orders/notify.yaml", SAM),
                         ("services/orders/legacy/notify.yaml", SAM), ("services/billing/notify.yaml", SAM),
                         ("services/payments/notify.yaml", SAM), ("services/payments/old/notify.yaml", SAM)]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(fixture, tmp_path / rel)
    (tmp_path / ".wa-lint.yaml").write_text(
        "select: [WA101, WA212]\nper-path-ignores: {'services/payments/old/**': [WA101]}\n")
    (tmp_path / "services/orders/.wa-lint.yaml").write_text(
        "select: [WA101, WA212, WA505]\nignore: [WA101]\nfail-on: never\nseverity: {WA212: error}\n"
        "per-path-ignores: {'legacy/**': [WA505]}\n")  # relative to services/orders
    (tmp_path / "services/billing/pyproject.toml").write_text(
        '[project]\nname = "billing"\n\n[tool.wa-lint]\nselect = ["WA105"]\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_by_file(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for f in data["findings"]:
        found.setdefault(f["path"], []).append((f["rule"], f["severity"]))
    return {path: sorted(rules) for path, rules in found.items()}


@pytest.mark.usefixtures("monorepo")
def test_each_file_takes_its_nearest_config(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, ".", "--show-suppressed")
    assert err == ""
    assert rules_by_file(data) == {
        "infra/uploads.yaml": [("WA101", "error"), ("WA212", "warning")],
        "services/orders/notify.yaml": [("WA212", "error"), ("WA505", "info")],
        "services/orders/legacy/notify.yaml": [("WA212", "error")],
        "services/billing/notify.yaml": [("WA105", "warning")],
        "services/payments/notify.yaml": [("WA101", "error"), ("WA212", "warning")],
        "services/payments/old/notify.yaml": [("WA212", "warning")],
    }
    assert sorted(s["suppression"]["reason"] for s in data["suppressed"]) == [
        "per-path-ignores 'legacy/**'", "per-path-ignores 'services/payments/old/**'"]
    assert code == 1  # fail-on is the run's: the orders team's "never" does not silence the others
    assert set(data["summary"]["by_rule"]) == {"WA101", "WA105", "WA212", "WA505"}
    assert run(capsys, ".", "--show-suppressed", "--jobs", "2") == (code, data, err)  # policies reach workers


def test_the_run_config_is_the_one_nearest_the_working_directory(
    monorepo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(monorepo / "services/orders")
    code, data, _ = run(capsys, ".", "../../infra")
    assert code == 0  # fail-on: never, from services/orders
    assert rules_by_file(data) == {"notify.yaml": [("WA212", "error"), ("WA505", "info")],
                                   "legacy/notify.yaml": [("WA212", "error")],
                                   "../../infra/uploads.yaml": [("WA101", "error"), ("WA212", "warning")]}


def test_extend_inherits_what_the_child_does_not_set(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monorepo / "services/payments/.wa-lint.yaml").write_text("extend: ../../.wa-lint.yaml\nignore: [WA212]\n")
    data = run(capsys, "services/payments")[1]
    # select and the root-relative per-path-ignores come from the root; ignore is the child's
    assert rules_by_file(data) == {"services/payments/notify.yaml": [("WA101", "error")]}
    assert data["summary"]["suppressed"] == 1
    config = load_config_file(monorepo / "services/payments/.wa-lint.yaml")
    assert config.select == ["WA101", "WA212"]
    assert config.ignore == ["WA212"]
    assert config.root_of("per-path-ignores") == monorepo
    assert config.root_of("ignore") == monorepo / "services/payments"


def test_extend_a_pyproject_and_loops_are_errors(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monorepo / "services/payments/.wa-lint.yaml").write_text("extend: ../billing/pyproject.toml\n")
    assert rules_by_file(run(capsys, "services/payments")[1]) == {
        "services/payments/notify.yaml": [("WA105", "warning")],
        "services/payments/old/notify.yaml": [("WA105", "warning")]}
    (monorepo / "a.yaml").write_text("extend: b.yaml\n")
    (monorepo / "b.yaml").write_text("extend: ./a.yaml\n")
    code, data, err = run(capsys, ".", "--config", "a.yaml")
    assert code == 2
    assert data == {}
    assert err.count("\n") == 1
    assert "b.yaml: extend: ./a.yaml is already being extended" in err
    (monorepo / "c.yaml").write_text("extend: missing.yaml\n")
    err = run(capsys, ".", "--config", "c.yaml")[2]
    assert "c.yaml: extend: configuration file not found" in err


def test_config_option_overrides_every_file_and_no_config_uses_defaults(
    monorepo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (monorepo / "ci.yaml").write_text("select: [WA105]\n")
    data = run(capsys, ".", "--config", "ci.yaml")[1]
    assert set(data["summary"]["by_rule"]) == {"WA105"}
    assert len(rules_by_file(data)) == 5
    data = run(capsys, ".", "--no-config", "--select", "WA212")[1]
    assert {rules[0] for rules in rules_by_file(data).values()} == {("WA212", "warning")}
    assert data["summary"]["findings"] == 6
    assert data["summary"]["suppressed"] == 0


def test_excludes_are_each_configs_own(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monorepo / "services/orders/.wa-lint.yaml").write_text("select: [WA101]\nexclude: [legacy]\n")
    paths = [f["path"] for f in run(capsys, ".")[1]["files"]]
    assert "services/orders/notify.yaml" in paths
    assert "services/orders/legacy/notify.yaml" not in paths
    # a directory excluded above is never entered, even where it has a configuration of its own
    (monorepo / ".wa-lint.yaml").write_text("select: [WA101]\nexclude: [services/orders]\n")
    paths = [f["path"] for f in run(capsys, ".")[1]["files"]]
    assert not [p for p in paths if p.startswith("services/orders")]
    assert "infra/uploads.yaml" in paths


def test_a_broken_child_config_fails_only_its_files(monorepo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monorepo / "services/orders/.wa-lint.yaml").write_text("select: [WA1O1]\n")
    code, data, err = run(capsys, ".")
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"wa-lint: {monorepo / 'services/orders/.wa-lint.yaml'}: select: unknown rule 'WA1O1'")
    paths = [f["path"] for f in data["files"]]
    assert "infra/uploads.yaml" in paths
    assert not [p for p in paths if p.startswith("services/orders")]


def test_configs_are_looked_up_once_per_directory(monorepo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_lint import config_tree
    from wa_lint.config import config_in

    calls: list[Path] = []

    def counting(directory: Path) -> Path | None:
        calls.append(directory)
        return config_in(directory)

    monkeypatch.setattr(config_tree, "config_in", counting)
    tree = config_tree.ConfigTree()
    for rel in ["services/orders/notify.yaml", "services/orders/legacy/notify.yaml", "infra/uploads.yaml"] * 3:
        tree.for_path(monorepo / rel)
    assert len(calls) == len(set(calls))
    assert tree.for_path(monorepo / "services/orders/legacy/notify.yaml").path == \
        monorepo / "services/orders/.wa-lint.yaml"


# -- hostile configuration (issue 19) ----------------------------------------------------------
@pytest.mark.parametrize(("name", "content", "message"), [
    (".wa-lint.yaml", "fail-on: .inf\n", "fail-on must be one of error, warning, info, never, not inf"),
    (".wa-lint.yaml", "select: Infinity\n", "select: unknown rule 'Infinity'"),
    (".wa-lint.yaml", "severity: {WA101: .nan}\n", "severity.WA101 must be error, warning or info, not nan"),
    (".wa-lint.yaml", "fail-on: " + "9" * 5000 + "\n", "invalid YAML: Exceeds the limit (4300 digits)"),
    (".wa-lint.yaml", "? " + "9" * 5000 + "\n: x\n", "invalid YAML: Exceeds the limit (4300 digits)"),
    (".wa-lint.yaml", "select: " + "[" * 5000 + "]" * 5000 + "\n", "invalid YAML: values nest too deeply"),
    (".wa-lint.yaml", "select: " + "[" * 50 + "]" * 50 + "\n", "select must be a list of rule ids"),
    (".wa-lint.yaml", "? " + "x" * 5000 + "\n: 1\n", "unknown key 'xxxxxxxx"),
    (".wa-lint.yaml", "exclude: ['t[z-a].yaml']\n", "exclude: invalid glob 't[z-a].yaml': invalid range z-a"),
    (".wa-lint.yaml", "per-path-ignores: {'[9-0]/**': [WA101]}\n", "per-path-ignores: invalid glob '[9-0]/**'"),
    (".wa-lint.yaml", "per-construct-ignores: {'S/[z-a]': [WA101]}\n", "per-construct-ignores: invalid glob"),
    (".wa-lint.yaml", "per-resource-type-ignores: {'AWS::[z-a]': [WA101]}\n", "invalid range z-a"),
    (".wa-lint.yaml", "exclude: ['" + "*" * 2000 + "']\n", "glob longer than 1024 characters"),
    (".wa-lint.yaml", "exclude: ['/']\n", "exclude: invalid glob '/': empty glob"),
    ("pyproject.toml", "[tool.wa-lint]\nfail-on = 1e400\n",
     "fail-on must be one of error, warning, info, never, not inf"),
    ("pyproject.toml", "[tool.wa-lint]\nfail-on = inf\n", "not inf"),
    ("pyproject.toml", "[tool.wa-lint]\nfail-on = " + "9" * 5000 + "\n", "invalid TOML: Exceeds the limit"),
    ("pyproject.toml", "[tool.wa-lint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n", "values nest too deeply"),
    ("pyproject.toml", "[tool.wa-lint]\nx = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "nest too deeply"),
    ("pyproject.toml", "[tool.wa-lint]\n" + ".".join(["a"] * 200) + " = 1\n", "a key nests more than 16 levels"),
])
def test_hostile_values_are_one_line_errors(
    project: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    (project / name).write_text(content)
    code, data, err = run(capsys, ".")
    assert code == 2
    assert data == {}
    assert err.count("\n") == 1
    assert len(err) < 400
    assert err.startswith(f"wa-lint: {project / name}: "), err
    assert message in err, err


def run_subprocess(cwd: Path, *argv: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """The real command, bounded in time (a backtracking glob would hang it)."""
    proc = subprocess.run([sys.executable, "-m", "wa_lint.cli", "report", "--format", "json", "--jobs", "1", *argv],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def test_backtracking_globs_do_not_hang(tmp_path: Path) -> None:
    """Each glob below takes a backtracking regex engine beyond any timeout on these subjects
    (``*a*a…*b`` on a long construct path, ``**/**/…/x`` on a deep path); bound: 60 s for all."""
    deep = tmp_path.joinpath(*["a"] * 150)
    deep.mkdir(parents=True)
    template = CFN.read_text().replace(
        "  ProcessUpload:\n    Type: AWS::Lambda::Function\n",
        "  ProcessUpload:\n    Type: AWS::Lambda::Function\n    Metadata:\n"
        f"      aws:cdk:path: S/{'a' * 5000}\n")
    (deep / "t.yaml").write_text(template)
    stars = "*a" * 30 + "*b"
    (tmp_path / ".wa-lint.yaml").write_text(
        "select: [WA101]\n"
        f"exclude: ['{'**/' * 40}x', '{stars}']\n"
        f"per-path-ignores: {{'{'**/' * 40}b': [WA101], '{stars}': [WA101]}}\n"
        f"per-construct-ignores: {{'S/{stars}': [WA101]}}\n"
        f"per-resource-type-ignores: {{'{stars}': [WA101]}}\n")
    proc = run_subprocess(tmp_path, ".", timeout=60)
    report = json.loads(proc.stdout)
    assert [f["rule"] for f in report["findings"]] == ["WA101"]
    assert proc.returncode == 1


def test_huge_dotted_key_does_not_exhaust_memory(tmp_path: Path) -> None:
    """tomllib needs memory growing with the square of a dotted key's depth (about 400 MB at
    10,000 levels, 40 GB at 100,000): refused before parsing; bound: 60 s."""
    (tmp_path / "pyproject.toml").write_text("[tool.wa-lint]\n" + ".".join(["a"] * 100_000) + " = 1\n")
    proc = run_subprocess(tmp_path, ".", timeout=60)
    assert proc.returncode == 2
    assert "a key nests more than 16 levels deep" in proc.stderr
    assert proc.stderr.count("\n") == 1
