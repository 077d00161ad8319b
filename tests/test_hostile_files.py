"""Hostile files and names (issue 19, classes 4–6): what a pull request can put in the tree to make
wa-lint block, read without bound, leave the linted tree, or overwrite what it lints.

Cases that could hang or exhaust memory if broken run the real command in a subprocess with a
stated generous timeout and an address-space limit, beside a good template that must still be
linted.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from tests.test_action import Runner, wa_lint_bin
from wa_lint.cli import main
from wa_lint.expand import cdk_stack
from wa_lint.expand.cdk import load_cdk_assembly
from wa_lint.fileio import read_bytes, write_text_atomic
from wa_lint.model import InputError, Stack

MEMORY_LIMIT = 2 * 1024**3
GOOD = ROOT / "fixtures" / "WA101" / "bad" / "s3-notification.yaml"  # one WA101 finding
TIMEOUT = 60  # seconds; a run that blocks on a pipe or reads /dev/zero never ends

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``wa-lint report --format json`` on ``args`` plus the good template, bounded in time and memory."""
    proc = subprocess.run(
        [sys.executable, "-m", "wa_lint.cli", "report", "--format", "json", "--jobs", "1", *map(str, args),
         str(GOOD)],
        capture_output=True, text=True, timeout=TIMEOUT, preexec_fn=_limit_memory, check=False, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "internal error" not in proc.stderr, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["rule"] for f in report["findings"] if f["path"].endswith("s3-notification.yaml")
            and f["rule"] == "WA101"] == ["WA101"], "the good template was not linted"
    return proc


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


def stack_artifact(template: str, **extra: Any) -> dict[str, Any]:
    return {"type": "aws:cloudformation:stack", "properties": {"templateFile": template}, **extra}


# A resource without ``aws:cdk:path``: its construct path comes from the metadata file, which is read.
UNTAGGED = {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}


def load(directory: Path) -> tuple[list[Stack], list[InputError]]:
    return load_cdk_assembly(directory, lambda p: p.as_posix())


# -- the bounded reader ---------------------------------------------------------------------------
def test_reader_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a regular file \(a device\)"):
        read_bytes(Path(os.devnull), "null")
    if Path("/dev/zero").exists():
        with pytest.raises(InputError, match=r"not a regular file \(a device\)"):
            read_bytes(Path("/dev/zero"), "zero")
    with pytest.raises(InputError, match="Is a directory"):
        read_bytes(tmp_path, "dir")
    with pytest.raises(InputError, match="No such file"):
        read_bytes(tmp_path / "absent.yaml", "absent.yaml")


def test_reader_limit(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, "t.yaml", 100) == b"x" * 100
    with pytest.raises(InputError, match=r"file too large"):
        read_bytes(path, "t.yaml", 99)


@needs_fifo
def test_reader_does_not_block_on_a_pipe(tmp_path: Path) -> None:
    """Run in a subprocess: a blocking open would hang the test run, not fail it."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    code = ("import sys; from pathlib import Path; from wa_lint.fileio import read_bytes; from wa_lint.model import "
            "InputError\ntry:\n    read_bytes(Path(sys.argv[1]), 'pipe.yaml')\nexcept InputError as e:\n    print(e)")
    proc = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, timeout=TIMEOUT,
                          check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.stdout.strip() == "pipe.yaml: not a regular file (a named pipe); not read"


@needs_fifo
def test_fifo_named_yaml_on_the_command_line(tmp_path: Path) -> None:
    fifo = tmp_path / "evil.yaml"
    os.mkfifo(fifo)
    proc = run_cli(fifo)
    assert proc.returncode == 2
    [line] = [line for line in proc.stderr.splitlines() if "evil.yaml" in line]
    assert line.startswith("wa-lint: ")


# -- CDK: leaving the assembly, reading without bound, looping ---------------------------------------
def test_dev_zero_metadata_file(tmp_path: Path) -> None:
    """``additionalMetadataFile: /dev/zero`` (also through a symlink in the assembly) is outside the
    assembly: never read, by the expander or by the suppression reader; one error per file."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    assembly = tmp_path / "cdk.out"
    (assembly).mkdir()
    (assembly / "Link.metadata.json").symlink_to("/dev/zero")
    write(assembly / "manifest.json", {"artifacts": {
        "Zero": stack_artifact("Zero.template.json", additionalMetadataFile="/dev/zero"),
        "Link": stack_artifact("Link.template.json", additionalMetadataFile="Link.metadata.json"),
    }})
    write(assembly / "Zero.template.json", UNTAGGED)
    write(assembly / "Link.template.json", UNTAGGED)
    proc = run_cli(assembly)
    assert proc.returncode == 2
    errors = [line for line in proc.stderr.splitlines() if "outside the cloud assembly" in line]
    assert len(errors) == 2, proc.stderr
    assert all("manifest.json:" in line for line in errors), proc.stderr
    stacks = {s for f in json.loads(proc.stdout)["files"] for s in f.get("stacks", [])}
    assert {"Zero", "Link"} <= stacks  # the templates themselves are still linted


@needs_fifo
def test_metadata_file_that_is_a_pipe_inside_the_assembly(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    assembly.mkdir()
    os.mkfifo(assembly / "S.metadata.json")
    write(assembly / "manifest.json", {"artifacts": {
        "S": stack_artifact("S.template.json", additionalMetadataFile="S.metadata.json")}})
    write(assembly / "S.template.json", UNTAGGED)
    proc = run_cli(assembly)
    assert proc.returncode == 2
    assert "S.metadata.json: not a regular file (a named pipe); not read" in proc.stderr


def test_stage_directory_name_loops(tmp_path: Path) -> None:
    """Stage directories are compared resolved: ``..`` back to an assembly already read, or to
    itself through ``x/..``, loads nothing twice; ``..`` out of the assembly is refused."""
    assembly = tmp_path / "cdk.out"
    stage = {"type": "cdk:cloud-assembly"}
    write(assembly / "manifest.json", {"artifacts": {
        "Top": stack_artifact("Top.template.json"),
        "A": {**stage, "properties": {"directoryName": "assembly-A"}},
        "Up": {**stage, "properties": {"directoryName": ".."}},
    }})
    write(assembly / "Top.template.json", UNTAGGED)
    write(assembly / "assembly-A" / "manifest.json", {"artifacts": {
        "InA": stack_artifact("InA.template.json"),
        "Self": {**stage, "properties": {"directoryName": "../assembly-A"}},
        "Back": {**stage, "properties": {"directoryName": "x/../.."}},
    }})
    write(assembly / "assembly-A" / "InA.template.json", UNTAGGED)
    write(tmp_path / "manifest.json", {"artifacts": {"Outside": stack_artifact("Top.template.json")}})
    stacks, errors = load(assembly)
    assert [s.name for s in stacks] == ["Top", "InA"]
    assert [e.message for e in errors] == ["assembly Up: directoryName is outside the cloud assembly; not loaded"]
    assert errors[0].path.endswith("cdk.out/manifest.json")
    assert errors[0].line


def test_template_file_outside_the_assembly(tmp_path: Path) -> None:
    assembly = tmp_path / "cdk.out"
    write(tmp_path / "outside.template.json", UNTAGGED)
    assembly.mkdir()
    (assembly / "Linked.template.json").symlink_to(tmp_path / "outside.template.json")
    write(assembly / "manifest.json", {"artifacts": {
        "Up": stack_artifact("../outside.template.json"),
        "Abs": stack_artifact(str(tmp_path / "outside.template.json")),
        "Linked": stack_artifact("Linked.template.json"),
        "Parent": stack_artifact("Parent.template.json"),
    }})
    write(assembly / "Parent.template.json", {"Resources": {"N": {
        "Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": "../outside.nested.template.json"}}}})
    write(tmp_path / "outside.nested.template.json", UNTAGGED)
    stacks, errors = load(assembly)
    assert [s.name for s in stacks] == ["Parent"]
    assert sorted(e.message for e in errors) == [
        "nested stack N: its template is outside the cloud assembly; not loaded",
        "stack Abs: templateFile is outside the cloud assembly; not loaded",
        "stack Linked: templateFile is outside the cloud assembly; not loaded",
        "stack Up: templateFile is outside the cloud assembly; not loaded",
    ]
    assert all(e.line for e in errors)


def test_assembly_read_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A manifest naming the same template under many artifacts stops at the budget, once."""
    monkeypatch.setattr(cdk_stack, "MAX_FILES", 10)
    artifacts = {f"S{i}": stack_artifact("S.template.json") for i in range(50)}
    write(tmp_path / "cdk.out" / "manifest.json", {"artifacts": artifacts})
    write(tmp_path / "cdk.out" / "S.template.json", UNTAGGED)
    stacks, errors = load(tmp_path / "cdk.out")
    assert len(stacks) == 9  # the manifest is the first of the ten files
    assert len(errors) == 1
    assert "reads more than 10 files" in errors[0].message


# -- never overwriting what it reads ----------------------------------------------------------------
@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(GOOD, tmp_path / "template.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("argv", [
    ["template.yaml", "--output", "template.yaml"],
    ["template.yaml", "-otemplate.yaml"],
    [".", "--save", "json:./template.yaml"],
    ["template.yaml", "--write-baseline", "template.yaml"],
    ["template.yaml", "--output", "link.json"],  # a symlink to the template
    ["template.yaml", "--output", "hard.yaml"],  # a hard link to it
])
def test_outputs_never_replace_a_linted_file(tree: Path, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (tree / "link.json").symlink_to("template.yaml")
    os.link(tree / "template.yaml", tree / "hard.yaml")
    before = GOOD.read_bytes()
    assert main(["report", "--quiet", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "refusing to overwrite a file this run lints" in err
    assert (tree / "template.yaml").read_bytes() == before
    assert (tree / "link.json").is_symlink()


def test_outputs_never_replace_assembly_or_nested_files(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assembly = tree / "cdk.out"
    write(assembly / "manifest.json", {"artifacts": {"S": stack_artifact("S.template.json")}})
    write(assembly / "S.template.json", UNTAGGED)
    assert main(["report", "cdk.out", "--output", "cdk.out/S.template.json"]) == 2
    assert json.loads((assembly / "S.template.json").read_text()) == UNTAGGED
    # a nested template a finding names, though only its parent is on the command line
    write(tree / "parent.yaml", {"Resources": {"N": {"Type": "AWS::CloudFormation::Stack",
                                                     "Properties": {"TemplateURL": "template.yaml"}}}})
    assert main(["report", "parent.yaml", "--save", "sarif:template.yaml"]) == 2
    assert main(["graph", "template.yaml", "--output", "template.yaml"]) == 2
    assert (tree / "template.yaml").read_bytes() == GOOD.read_bytes()
    assert capsys.readouterr().err.count("refusing to overwrite") == 3


def test_failed_write_leaves_the_existing_report(tree: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A disk that fills up half-way through the new report: the old one is still there, whole."""
    (tree / "report.json").write_text("previous report\n")
    real = os.fdopen

    class Full:
        def __init__(self, fh: Any) -> None:
            self.fh = fh

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Full(real(*a, **k)))
    assert main(["report", "template.yaml", "--format", "json", "--output", "report.json"]) == 2
    err = capsys.readouterr().err
    assert err == "wa-lint: report.json: cannot write the output: No space left on device\n"
    assert (tree / "report.json").read_text() == "previous report\n"
    assert sorted(p.name for p in tree.iterdir()) == ["report.json", "template.yaml"]  # no temporary file left


def test_output_replaced_whole_and_keeps_its_mode(tree: Path) -> None:
    (tree / "report.txt").write_text("old " * 10_000)
    os.chmod(tree / "report.txt", 0o640)
    assert main(["report", "template.yaml", "--quiet", "--format", "json", "--output", "report.txt"]) == 1
    assert json.loads((tree / "report.txt").read_text())["summary"]["findings"] >= 1
    assert (tree / "report.txt").stat().st_mode & 0o777 == 0o640
    write_text_atomic(tree / "new" / "dir" / "r.txt", "x")  # missing directories are made
    assert (tree / "new" / "dir" / "r.txt").read_text() == "x"


@pytest.mark.parametrize("target", ["outdir", "/dev/full"])
def test_unwritable_output_is_one_line(tree: Path, target: str, capsys: pytest.CaptureFixture[str]) -> None:
    if target == "/dev/full" and not Path(target).exists():
        pytest.skip("no /dev/full")
    (tree / "outdir").mkdir()
    for option in (["--output", target], ["--save", f"sarif:{target}"], ["--write-baseline", target]):
        assert main(["report", "template.yaml", "--quiet", *option]) == 2, option
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert err.startswith(f"wa-lint: {target}: cannot write the output: "), err
    assert list((tree / "outdir").iterdir()) == []


# -- the pre-commit hook and the GitHub Action: file names are never options ----------------------
HOSTILE_NAME = "--output=template.yaml"


def _hook_command(files: list[str], args: list[str] | None = None) -> list[str]:
    """The command line pre-commit runs: entry + args (the hook's, unless the user gives their
    own) + file names."""
    (hook,) = [h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if h["id"] == "wa-lint"]
    entry = shlex.split(hook["entry"])
    entry[0] = str(wa_lint_bin() / entry[0])
    return [*entry, *(hook.get("args", []) if args is None else args), *files]


@pytest.mark.parametrize("user_args", [None, ["--fail-on", "warning"], ["--fail-on", "warning", "--"]])
def test_precommit_file_named_like_an_option(tmp_path: Path, user_args: list[str] | None) -> None:
    shutil.copy(GOOD, tmp_path / "template.yaml")
    (tmp_path / HOSTILE_NAME).write_text("not: a template\n")
    proc = subprocess.run(_hook_command([HOSTILE_NAME, "template.yaml"], user_args), cwd=tmp_path,
                          capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert (tmp_path / "template.yaml").read_bytes() == GOOD.read_bytes()
    assert "Traceback" not in proc.stderr
    if user_args is not None and "--" not in user_args:  # user args without `--`: refused, not obeyed
        assert proc.returncode == 2
        assert "is an option but also names a file" in proc.stderr
    else:
        assert proc.returncode == 1
        assert "WA101" in proc.stdout


def test_action_passes_paths_and_args_as_arguments(tmp_path: Path) -> None:
    """The Action's script with a stand-in wa-lint that records its arguments: paths with spaces
    and leading dashes arrive whole after ``--``; args are split like a shell line, never run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "argv"
    fake = bin_dir / "wa-lint"
    fake.write_text(f"#!/bin/sh\nprintf '%s\\0' \"$@\" > {shlex.quote(str(record))}\nexit 0\n")
    fake.chmod(0o755)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    inputs = {"path": "infra/my stacks/a.yaml\n--output=infra/api.yaml\n  -x  \n*\n", "version": "none",
              "args": "--show-suppressed --baseline 'my baseline.json' $(touch pwned) *"}
    runner = Runner(tmp_path, workspace, inputs, [bin_dir])
    assert runner.run() == 0, runner.logs
    argv = record.read_bytes().split(b"\0")[:-1]
    args = [a.decode() for a in argv]
    assert args[args.index("--"):] == ["--", "infra/my stacks/a.yaml", "--output=infra/api.yaml", "-x", "*"]
    extra = args[args.index("--show-suppressed"):args.index("--")]
    assert extra == ["--show-suppressed", "--baseline", "my baseline.json", "$(touch", "pwned)", "*"]
    assert not (workspace / "pwned").exists()
    assert not (tmp_path / "pwned").exists()
    # a single line is split on blanks, still after `--`
    runner = Runner(tmp_path, workspace, {"path": "a.yaml -o b.yaml", "version": "none"}, [bin_dir])
    assert runner.run() == 0
    args = [a.decode() for a in record.read_bytes().split(b"\0")[:-1]]
    assert args[args.index("--"):] == ["--", "a.yaml", "-o", "b.yaml"]


def test_action_with_a_file_named_like_an_option(tmp_path: Path) -> None:
    """The real wa-lint through the Action: a path input naming ``--output=infra/api.yaml`` lints
    that file and leaves ``infra/api.yaml`` alone."""
    workspace = tmp_path / "ws"
    (workspace / "infra").mkdir(parents=True)
    shutil.copy(GOOD, workspace / "infra" / "api.yaml")
    (workspace / "--output=infra").mkdir()
    shutil.copy(GOOD, workspace / "--output=infra" / "api.yaml")
    (workspace / ".wa-lint.yaml").write_text("select: [WA101]\n")
    runner = Runner(tmp_path, workspace, {"path": "--output=infra/api.yaml\ninfra", "version": "none",
                                          "fail-on": "never"}, [wa_lint_bin()])
    assert runner.run() == 0
    assert (workspace / "infra" / "api.yaml").read_bytes() == GOOD.read_bytes()
    assert runner.outputs["lint"]["findings"] == "2", runner.logs["Run wa-lint"].stderr
