"""Every command in the README's and docs/integrations.md's ``sh`` blocks runs, verbatim, as a user
would copy it: in a temporary repository holding the examples and a ``template.yaml``, with the
test environment's ``wa-lint`` and ``cfn-lint`` on PATH. A command that needs the network or a
build of this repository says so with a trailing ``# network:`` comment and is not run (the
README's ``make`` commands: ``make test`` runs this very test). The ``.cfnlintrc`` example is
used as written too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = ["README.md", "docs/integrations.md"]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
NETWORK = re.compile(r"#\s*network:")
TEMPLATE = ROOT / "fixtures/WA101/bad/s3-notification.yaml"
CFN_LINT_EXIT_OK = {0, 2, 4, 6, 8, 10, 12, 14}  # a bit mask of the levels found; 1 or 32 is cfn-lint failing


def blocks(doc: str, languages: tuple[str, ...]) -> list[str]:
    return [body for lang, body in FENCE.findall((ROOT / doc).read_text(encoding="utf-8")) if lang in languages]


def command_blocks(doc: str) -> list[list[str]]:
    """The commands of each shell block, in order (a block's commands may build on each other)."""
    return [[line for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
            for body in blocks(doc, ("sh", "shell", "bash", "console"))]


BLOCKS = [(doc, block) for doc in DOCS for block in command_blocks(doc)]
ALL = [(doc, line) for doc, block in BLOCKS for line in block]
RUNNABLE = [(doc, [c for c in block if not NETWORK.search(c)]) for doc, block in BLOCKS]
RUNNABLE = [(doc, block) for doc, block in RUNNABLE if block]


def test_the_docs_have_commands() -> None:
    runnable = [line for _, line in ALL if not NETWORK.search(line)]
    assert len(runnable) >= 6
    assert any(line.startswith("cfn-lint ") for line in runnable)
    assert any(NETWORK.search(line) and "pipx inject cfn-lint wa-lint" in line for _, line in ALL)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository a user might run the commands in: the examples and one template at the root."""
    work = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", work / "examples")
    shutil.copy(TEMPLATE, work / "template.yaml")
    return work


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": os.pathsep.join([bin_dir, os.environ.get("PATH", "")])}
    return subprocess.run(["bash", "--noprofile", "--norc", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.mark.parametrize(("doc", "block"), RUNNABLE, ids=[f"{d}:{b[0][:50]}" for d, b in RUNNABLE])
def test_commands_run_as_written(doc: str, block: list[str], repo: Path) -> None:
    for command in block:
        check(doc, command, repo)


def check(doc: str, command: str, repo: Path) -> None:
    word = command.split()[0]
    if word == "cfn-lint" and not shutil.which("cfn-lint", path=str(Path(sys.executable).parent)):
        pytest.skip("cfn-lint is not installed beside the test interpreter")
    proc = run(command, repo)
    assert "Traceback" not in proc.stderr, proc.stderr
    if word == "cfn-lint":
        assert proc.returncode in CFN_LINT_EXIT_OK, proc.stdout + proc.stderr
        assert re.search(r"\b[EWI]9\d{3}\b", proc.stdout), proc.stdout  # wa-lint's rules ran
    else:
        assert word == "wa-lint", f"{doc}: a command the test does not know how to judge: {command}"
        assert proc.returncode in (0, 1), proc.stderr  # 2 would be a usage or input error
    for produced in re.findall(r"(?:-o|--output|--save \w+:|--write-baseline)[ =]?\"?([\w./-]+)", command):
        assert (repo / produced).is_file(), f"{command} did not write {produced}"


def test_cfnlintrc_example_as_written(repo: Path) -> None:
    if not shutil.which("cfn-lint", path=str(Path(sys.executable).parent)):
        pytest.skip("cfn-lint is not installed beside the test interpreter")
    (rc,) = [b for b in blocks("docs/integrations.md", ("yaml",)) if b.startswith("# .cfnlintrc")]
    (repo / ".cfnlintrc").write_text(rc)
    proc = run("cfn-lint template.yaml", repo)
    assert proc.returncode in CFN_LINT_EXIT_OK, proc.stdout + proc.stderr
    assert "E9101" in proc.stdout, proc.stdout + proc.stderr


def test_the_swallowed_template_is_explained(repo: Path) -> None:
    """The form the docs warn about fails as they say it does; the documented forms are what avoid it."""
    if not shutil.which("cfn-lint", path=str(Path(sys.executable).parent)):
        pytest.skip("cfn-lint is not installed beside the test interpreter")
    proc = run('cfn-lint --append-rules "$(wa-lint cfn-lint-rules-dir)" template.yaml', repo)
    assert "No module named 'template'" in proc.stdout + proc.stderr
    assert "No module named 'template'" in (ROOT / "docs/integrations.md").read_text()
