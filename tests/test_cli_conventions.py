"""Command-line conventions other linters share: ``-`` reads a template from standard input
(``--stdin-filename`` names it in the output), ``FORCE_COLOR`` and ``NO_COLOR`` are honoured (NO_COLOR
wins), and ``--extend-select`` adds rules to the configured selection instead of replacing it."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wa_lint.cli import main

TEMPLATE = ROOT / "fixtures/WA101/bad/s3-notification.yaml"


def feed(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_with_a_name(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    feed(monkeypatch, TEMPLATE.read_bytes())
    code = main(["report", "--no-config", "--format", "json", "--select", "WA101", "--stdin-filename",
                 "infra/uploads.yaml", "-"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [(f["path"], f["rule"], f["line"]) for f in data["findings"]] == [("infra/uploads.yaml", "WA101", 19)]


def test_stdin_without_a_name_and_bad_input(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    feed(monkeypatch, TEMPLATE.read_bytes())
    assert main(["report", "--no-config", "--format", "github", "--select", "WA101", "-"]) == 1
    assert "::error file=-,line=19" in capsys.readouterr().out
    feed(monkeypatch, b"Resources: {A: [\n")
    assert main(["report", "--no-config", "-"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wa-lint: -:")
    assert "Traceback" not in err
    assert "wa-lint-stdin-" not in err


def render(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **env: str) -> str:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main(["report", "--no-config", "--select", "WA101", str(TEMPLATE.relative_to(ROOT))])
    return capsys.readouterr().out


def test_force_color_and_no_color(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert "\x1b[" not in render(monkeypatch, capsys)  # captured output is not a terminal
    assert "\x1b[" in render(monkeypatch, capsys, FORCE_COLOR="1")
    assert "\x1b[" not in render(monkeypatch, capsys, FORCE_COLOR="1", NO_COLOR="1")


def test_extend_select_adds_to_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_bytes(TEMPLATE.read_bytes())
    (tmp_path / ".wa-lint.yaml").write_text("select: [WA101]\n")
    monkeypatch.chdir(tmp_path)

    def rules(*extra: str) -> set[str]:
        main(["report", "--format", "json", "--fail-on", "never", *extra, "t.yaml"])
        return set(json.loads(capsys.readouterr().out)["summary"]["by_rule"])

    assert rules() == {"WA101"}
    assert rules("--extend-select", "WA212") == {"WA101", "WA212"}
    assert rules("--select", "WA212") == {"WA212"}
    assert main(["report", "--extend-select", "WA9X9", "t.yaml"]) == 2
    assert "unknown rule" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "says"), [
    (["--jobs", "0"], "--jobs/-j: must be at least 1, got 0"),
    (["-j", "two"], "--jobs/-j: expected a whole number, got 'two'"),
    (["--config", "x.toml", "--no-config"], "--config and --no-config exclude each other"),
    (["--stdin-filename", "a.yaml"], "--stdin-filename names the template read from standard input: give - as a path"),
    (["-o", "same.out", "--save", "sarif:same.out"], "--output and --save both write same.out"),
    (["--save", "json:-"], "--save: --save writes a file; the report on standard output is --format without -o"),
])
def test_options_that_contradict_or_do_nothing_are_usage_errors(
        argv: list[str], says: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        main(["report", str(TEMPLATE), "--no-cache", *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"wa-lint report: error: {'argument ' if argv[0] in ('--jobs', '-j', '--save') else ''}{says}" in err
    assert not list(tmp_path.iterdir())  # nothing was linted or written


def test_a_run_without_templates_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "docker-compose.yml").write_text("services:\n  web:\n    image: nginx\n")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "empty", "--no-cache", "-q"]) == 0
    assert capsys.readouterr().err == "wa-lint: warning: no template found in empty\n"
    assert main(["report", "app", "--no-cache", "-q"]) == 0
    assert capsys.readouterr().err == ("wa-lint: warning: no template found in app; 1 file(s) skipped as not "
                                       "templates (--verbose lists them)\n")
    # pre-commit names files and asks to skip non-templates: a commit without templates stays quiet
    assert main(["report", "app/docker-compose.yml", "--skip-non-templates", "--no-cache", "-q"]) == 0
    assert capsys.readouterr().err == ""
