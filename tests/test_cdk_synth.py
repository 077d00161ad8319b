"""``--cdk-synth`` on a real (small, plain JavaScript) CDK app, and what happens without it.

The app is fixtures/repo-cdk-app; its CDK packages are installed by ``make cdk-fixture`` (run by
``make test``) into build/cdk-fixture, outside fixtures/. Nothing is installed or fetched here:
without Node.js or those packages the test skips and says why (under CI a missing install fails).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, missing

from wa_lint.cdk_synth import _last_line, synth_command
from wa_lint.cli import main

APP = ROOT / "fixtures" / "repo-cdk-app"
MODULES = ROOT / "build" / "cdk-fixture" / "node_modules"


def _copy_app(tmp_path: Path) -> Path:
    """The app in a scratch directory (synth must not write into the repository), its
    node_modules linked from the installed fixture."""
    app = tmp_path / "orders-app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("node_modules", "cdk.out"))
    if MODULES.is_dir():
        (app / "node_modules").symlink_to(MODULES, target_is_directory=True)
    return app


def _require_node_app() -> None:
    """Skip without Node.js; without the fixture's packages skip, or fail under CI."""
    if shutil.which("npx") is None or shutil.which("node") is None:
        pytest.skip("Node.js (node, npx) is not installed: --cdk-synth cannot run here")
    if not MODULES.is_dir():
        missing("the CDK fixture's packages are not installed: run `make cdk-fixture` (make test does)")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cdk_app_without_assembly_is_an_input_error(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "report", ".", "--format", "json", "--no-config", "--fail-on", "never")
    assert code == 2  # an input error wins over --fail-on never
    assert err == ("wa-lint: orders-app: CDK app without a cloud assembly (cdk.out not found): run `cdk synth` "
                   "in this directory first, or lint with --cdk-synth\n")
    data = json.loads(out)
    assert data["findings"] == []
    assert [(f["path"], f["error"] is not None) for f in data["files"]] == [("orders-app", True)]


def test_cdk_synth_lints_the_synthesized_app(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _require_node_app()
    app = _copy_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "report", "orders-app", "--cdk-synth", "--format", "json", "--no-config")
    assert err == "", err
    assert code == 1
    data = json.loads(out)
    assert [(f["path"], f["kind"], f["stacks"], f["error"]) for f in data["files"]] == [
        ("orders-app/cdk.out", "cdk", ["OrdersStack"], None)]
    wa104 = [f for f in data["findings"] if f["rule"] == "WA104"]
    assert [(f["path"], f["resource"], f["construct_path"]) for f in wa104] == [
        ("orders-app/cdk.out/OrdersStack.template.json", "OrdersQueue3DFA1D51", "OrdersStack/OrdersQueue/Resource")]
    assert all(f["path"] == "orders-app/cdk.out/OrdersStack.template.json" for f in data["findings"])
    assert "wa-lint-synth-" not in out  # the temporary directory is never named
    assert not (app / "cdk.out").exists()  # the app's own output directory is not touched
    assert not list(Path(tmp_path).glob("**/wa-lint-synth-*"))


def test_cdk_synth_failure_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _require_node_app()
    app = _copy_app(tmp_path)
    (app / "cdk.json").write_text('{"app": "node bin/missing.js"}')
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(capsys, "report", "orders-app", "--cdk-synth", "--format", "json", "--no-config")
    assert code == 2
    [line] = err.splitlines()
    assert line.startswith("wa-lint: orders-app: `npx cdk synth` failed (exit 1): Error: Cannot find module")


def test_cdk_synth_without_npx_says_so(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, _, err = _run(capsys, "report", "orders-app", "--cdk-synth", "--no-config", "-q")
    assert code == 2
    assert err == "wa-lint: orders-app: --cdk-synth needs Node.js: `npx` was not found on PATH\n"


def test_synth_command_and_error_line() -> None:
    assert synth_command("npx", Path("/o")) == ["npx", "cdk", "synth", "--output", "/o", "--quiet", "--no-notices"]
    stderr = b"npm warn x\nnode:internal\n  throw err;\nError: Cannot find module '/a.js'\n  at x\nNode.js v20\n"
    assert _last_line(stderr) == "Error: Cannot find module '/a.js'"
    assert _last_line(b"some output\n\x1b[31mlast words\n") == "some output / \\x1b[31mlast words"
    npm = (b"Exit prior to config file resolving\ncause\nmust not have multiple workspaces with the same name\n"
           b"package 'same' has conflicts in the following paths:\n    /repo/a\n    /repo/b\n")
    assert _last_line(npm) == ("Exit prior to config file resolving / cause / must not have multiple workspaces "
                               "with the same name / package 'same' has conflicts in the following paths: / "
                               "/repo/a / /repo/b")
    assert _last_line(b"") == ""
