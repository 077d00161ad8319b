"""The console script exits without the interpreter's teardown (``wa_lint.cli.run``): what it wrote
still arrives whole, its exit code is main's, and a reader that went away costs no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT

RUN = "from wa_lint.cli import run; run()"


def _run(*args: str, cwd: Path, stdout: int = subprocess.PIPE) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"WA_LINT_NO_CACHE", "FORCE_COLOR", "NO_COLOR"}}
    return subprocess.run([sys.executable, "-c", RUN, *args], cwd=cwd, env=env, text=True, check=False,
                          stdout=stdout, stderr=subprocess.PIPE)


def test_console_script_is_run() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"wa-lint": "wa_lint.cli:run"}


def test_a_report_larger_than_the_pipe_arrives_whole(tmp_path: Path) -> None:
    """Far more than a pipe holds (64 KiB): the flush before the exit writes the rest."""
    for n in range(40):
        (tmp_path / f"t{n}.yaml").write_text(_queue_template(n))
    done = _run("report", ".", "--no-cache", "-q", "--format", "json", "--severity-min", "info", cwd=tmp_path)
    assert len(done.stdout) > 64 * 1024
    report = json.loads(done.stdout)
    assert len({f["path"] for f in report["findings"]}) == 40
    assert done.returncode == 1  # findings at the default --fail-on: main's code
    assert done.stderr == ""


def test_a_report_to_a_file_is_complete_and_the_code_is_mains(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(_queue_template(0))
    done = _run("report", "t.yaml", "--no-cache", "-q", "--format", "json", "-o", "out.json", "--fail-on", "never",
                cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads((tmp_path / "out.json").read_text())["findings"]
    done = _run("report", "missing.yaml", "--no-cache", cwd=tmp_path)
    assert done.returncode == 2
    assert "missing.yaml" in done.stderr


def test_a_reader_that_went_away_gets_no_traceback(tmp_path: Path) -> None:
    for n in range(20):
        (tmp_path / f"t{n}.yaml").write_text(_queue_template(n))
    read, write = os.pipe()
    os.close(read)  # nobody reads: every write fails with EPIPE
    try:
        done = _run("report", ".", "--no-cache", "-q", "--format", "json", cwd=tmp_path, stdout=write)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 0  # as main returns for a closed pipe


def _queue_template(n: int) -> str:
    """An SQS queue without a dead-letter queue or encryption settings: several findings."""
    return (f"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue{n}:\n    Type: AWS::SQS::Queue\n"
            f"  Fn{n}:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
            f"      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/r\n"
            f"      Code: {{ZipFile: 'def handler(e, c): pass'}}\n"
            f"  Map{n}:\n    Type: AWS::Lambda::EventSourceMapping\n    Properties:\n"
            f"      FunctionName: !Ref Fn{n}\n      EventSourceArn: !GetAtt Queue{n}.Arn\n")
