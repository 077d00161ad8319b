"""The pre-commit hooks, run by the real pre-commit: ``pre-commit try-repo`` installs wa-lint from a
commit of this working tree (copied into a temporary git repository). ``wa-lint`` lints exactly the
files it is given: a bad template fails, a good one and non-template YAML pass. ``wa-lint-cdk``
synthesizes the repository's CDK apps and lints those only (``npx`` is a stub that writes a
prepared cloud assembly, so neither Node.js nor the network is needed).

The hook's environment installs offline, from the wheelhouse ``make test`` builds before pytest
starts (``build/wheelhouse``: every dependency plus the build backend); pytest itself never reaches a
package index. Without the wheelhouse the runs skip, saying so (and fail when ``CI`` is set). The
two runs go side by side.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, missing

WHEELHOUSE = ROOT / "build" / "wheelhouse"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "wa-lint tests", "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "wa-lint tests", "GIT_COMMITTER_EMAIL": "tests@example.invalid",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def hooks_by_id() -> dict[str, dict[str, Any]]:
    return {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}


def test_hook_definition() -> None:
    hook = hooks_by_id()["wa-lint"]
    assert hook["id"] == "wa-lint"
    assert hook["language"] == "python"
    assert hook["entry"].split()[:2] == ["wa-lint", "report"]
    assert "--skip-non-templates" in hook["entry"]
    assert "--force-exclude" in hook["entry"]
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    for name in ("template.yaml", "a/b.yml", "cdk.out/S.template.json", "x.template"):
        assert files.search(name), name
    assert not files.search("handler.py")


def test_cdk_hook_definition() -> None:
    hook = hooks_by_id()["wa-lint-cdk"]
    assert hook["language"] == "python"
    assert shlex.split(hook["entry"]) == ["python", "-m", "wa_lint.precommit_cdk"]  # the hook venv's python
    assert hook["pass_filenames"] is False
    assert hook["require_serial"] is True
    files = re.compile(hook["files"])
    for name in ("infra/bin/app.ts", "cdk.json", "infra/lib/stack.py", "main.go"):
        assert files.search(name), name
    assert not files.search("template.yaml")


ASSEMBLY = ROOT / "fixtures" / "WA101" / "bad" / "cdk-sns-app" / "cdk.out"


def fake_npx(directory: Path) -> Path:
    """An ``npx`` that, asked for ``cdk synth --output DIR``, writes a prepared cloud assembly to DIR
    (a CDK app with one WA101 finding, NotifierStack)."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "fake_npx.py"
    script.write_text("import shutil, sys\n"
                      "shutil.copytree(sys.argv[1], sys.argv[sys.argv.index('--output') + 1])\n")
    npx = directory / "npx"
    npx.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(script))} "
                   f"{shlex.quote(str(ASSEMBLY))} \"$@\"\n")
    npx.chmod(0o755)
    return directory


def cdk_repository(root: Path) -> None:
    """A CDK app in app/, a template outside it (the ``wa-lint`` hook's), and a Serverless service at
    the root that was never packaged (an input error for ``wa-lint report .``)."""
    (root / "app" / "bin").mkdir(parents=True)
    (root / "app" / "cdk.json").write_text('{"app": "node bin/app.js"}\n')
    (root / "app" / "bin" / "app.js").write_text("// the CDK app\n")
    (root / "infra").mkdir()
    shutil.copy(ROOT / "fixtures/WA101/bad/s3-notification.yaml", root / "infra" / "template.yaml")
    (root / "serverless.yml").write_text("service: orders\nprovider: {name: aws, runtime: python3.12}\n")


def run_cdk_entry(cwd: Path, npx_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The ``wa-lint-cdk`` hook's entry and ``args``, as pre-commit runs it (``python`` is the hook's)."""
    command = shlex.split(hooks_by_id()["wa-lint-cdk"]["entry"])
    env = {**os.environ, "PATH": f"{npx_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, *command[1:], *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def test_cdk_hook_lints_the_synthesized_apps_only(tmp_path: Path) -> None:
    """With its default (no args) the hook synthesizes app/ and lints its assembly: neither the
    template outside the app nor the unpackaged Serverless service at the root is linted."""
    repo = tmp_path / "repo"
    cdk_repository(repo)
    npx = fake_npx(tmp_path / "bin")
    run = run_cdk_entry(repo, npx)
    assert run.returncode == 1, run.stdout + run.stderr  # the app's WA101 error
    assert "app/cdk.out/NotifierStack.template.json" in run.stdout
    assert "infra/template.yaml" not in run.stdout + run.stderr
    assert "Serverless" not in run.stdout + run.stderr
    run = run_cdk_entry(repo, npx, "--format", "json", "--fail-on", "never", "--")  # options, as users write them
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert [f["path"] for f in report["files"]] == ["app/cdk.out"]
    assert {(f["rule"], f["path"]) for f in report["findings"] if f["rule"] == "WA101"} == {
        ("WA101", "app/cdk.out/NotifierStack.template.json")}
    assert report["errors"] == []


def test_cdk_hook_args_name_the_apps(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    cdk_repository(repo)
    shutil.copytree(repo / "app", repo / "other")
    npx = fake_npx(tmp_path / "bin")
    both = json.loads(run_cdk_entry(repo, npx, "--format", "json").stdout)
    assert sorted(f["path"] for f in both["files"]) == ["app/cdk.out", "other/cdk.out"]
    run = run_cdk_entry(repo, npx, "--format", "json", "other")
    assert [f["path"] for f in json.loads(run.stdout)["files"]] == ["other/cdk.out"]


def test_cdk_hook_without_a_cdk_app_passes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    cdk_repository(repo)
    shutil.rmtree(repo / "app")
    run = run_cdk_entry(repo, fake_npx(tmp_path / "bin"))
    assert run.returncode == 0, run.stderr
    assert run.stdout == "wa-lint-cdk: no CDK app (cdk.json) below the repository root: nothing to synthesize\n"
    assert run.stderr == ""


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True)
    return proc.stdout


def project_files() -> list[str]:
    """This working tree as git would commit it (tracked and untracked, minus ignored files)."""
    if shutil.which("git") and (ROOT / ".git").exists():
        out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                             check=True).stdout.decode()
        return [f for f in out.split("\0") if f and (ROOT / f).is_file()]
    skip = {".venv", ".git", "build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    return [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts) and not p.name.endswith(".egg-info")]


def offline_pip() -> dict[str, str]:
    """pip settings for the hook's install: the wheelhouse only, no index."""
    if not any(WHEELHOUSE.glob("setuptools-*.whl")):
        missing("no wheelhouse for the offline hook install: run `make wheelhouse` (make test does)")
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(WHEELHOUSE), "PIP_NO_COMPILE": "1",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_CONFIG_FILE": os.devnull, "VIRTUALENV_NO_PERIODIC_UPDATE": "1"}


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    if importlib.util.find_spec("pre_commit") is None:
        missing("pre-commit is not installed (it is in the test extra)")
    if not shutil.which("git"):
        missing("git is not installed")
    offline_pip()
    base = tmp_path_factory.mktemp("pre-commit")
    project = base / "wa-lint"
    for rel in project_files():
        target = project / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "wa-lint under test")
    user = base / "user"
    (user / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "fixtures/WA101/bad/s3-notification.yaml", user / "bad.yaml")
    shutil.copy(ROOT / "fixtures/WA101/good/api-only.yaml", user / "good.yaml")
    (user / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {test: {runs-on: ubuntu-latest}}\n")
    (user / ".wa-lint.yaml").write_text("select: [WA101]\n")
    cdk_repository(user)
    git(user, "init", "-q")
    git(user, "add", "-A")
    return project, user, base / "cache"


def try_repo(repos: tuple[Path, Path, Path], *files: str, hook: str = "wa-lint") -> subprocess.Popen[str]:
    project, user, cache = repos
    env = {**os.environ, **GIT_ENV, **offline_pip(), "PRE_COMMIT_HOME": str(cache / files[0].replace("/", "_")),
           "PRE_COMMIT_COLOR": "never"}
    for name in ("VIRTUAL_ENV", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL"):
        env.pop(name, None)
    env["PATH"] = f"{fake_npx(cache / 'bin')}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.Popen([sys.executable, "-m", "pre_commit", "try-repo", str(project), hook, "--files",
                             *files], cwd=user, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope="module")
def runs(repos: tuple[Path, Path, Path]) -> dict[str, tuple[int, str]]:
    """The try-repo runs, started together: try-repo installs into a fresh store every time, so
    running them side by side saves most of the wait."""
    procs = {"bad": try_repo(repos, "bad.yaml"), "good": try_repo(repos, "good.yaml", ".github/workflows/ci.yml"),
             "cdk": try_repo(repos, "app/bin/app.js", hook="wa-lint-cdk")}
    done = {}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=900)
        done[name] = (proc.returncode, out)
    return done


@pytest.mark.precommit
def test_hook_fails_on_a_bad_template(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["bad"]
    assert code == 1, output
    assert "Failed" in output
    assert "WA101" in output
    assert "bad.yaml:19" in output


@pytest.mark.precommit
def test_hook_passes_on_a_good_template_and_other_yaml(runs: dict[str, tuple[int, str]]) -> None:
    code, output = runs["good"]
    assert code == 0, output
    assert "Passed" in output


@pytest.mark.precommit
def test_cdk_hook_synthesizes_the_app_and_lints_it_only(runs: dict[str, tuple[int, str]]) -> None:
    """The wa-lint-cdk hook with its defaults, on a code change in app/: the app's assembly is linted;
    bad.yaml and infra/template.yaml (the wa-lint hook's) and the root serverless.yml are not."""
    code, output = runs["cdk"]
    assert code == 1, output
    assert "Failed" in output
    assert "app/cdk.out/NotifierStack.template.json" in output
    assert "WA101" in output
    for other in ("bad.yaml", "infra/template.yaml", "Serverless", "serverless"):
        assert other not in output, output
