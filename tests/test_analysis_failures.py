"""A glue analysis that raises is "no evidence" in the report, but never silent: the failure is
kept with its exception and ``--debug`` prints one line per failure, from this process and from
the workers of the process pool alike.

The error is real: the analysis runs on a forwarding table of the wrong shape (one of ours), so
the exception comes from the glue code itself while it weighs a function's permissions.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.lint_helpers import lint_keeping_graphs
from wa_lint.cli import main
from wa_lint.code import glue

CASE = "fixtures/WA403/bad/sqs-to-sns-no-code.yaml"  # FanOut: glue on permissions alone
OTHER = "fixtures/WA403/bad/cfn-kinesis-to-firehose-inline-node.yaml"
BROKEN_FAMILIES = (("sns", frozenset({"Publish"})),)  # two fields where the code unpacks three
DEBUG_LINE = (f"wa-lint: debug: handler analysis failed for {CASE} (function FanOut): "
              "ValueError: not enough values to unpack (expected 3, got 2)")


def report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["report", CASE, "--select", "WA403", "--no-config", "--fail-on", "info", "--format", "json",
                 *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_case_is_glue_when_the_analysis_works(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = report(capsys, "--debug")
    assert code == 1
    assert [f["resource"] for f in json.loads(out)["findings"]] == ["FanOut"]
    assert "debug:" not in err


def test_a_failed_analysis_is_no_evidence_and_shows_in_debug(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(glue, "FAMILIES", BROKEN_FAMILIES)
    code, out, err = report(capsys, "--debug")
    assert code == 0
    assert json.loads(out)["findings"] == []
    assert err.splitlines() == [DEBUG_LINE]


def test_without_debug_the_failure_is_not_printed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(glue, "FAMILIES", BROKEN_FAMILIES)
    code, _, err = report(capsys)
    assert code == 0
    assert err == ""


def test_failures_are_kept_per_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glue, "FAMILIES", BROKEN_FAMILIES)
    _, graphs = lint_keeping_graphs(CASE)
    (failure,) = [f for g in graphs for f in glue.analysis_failures(g)]
    assert (failure.path, failure.function, type(failure.error)) == (CASE, "FanOut", ValueError)
    assert str(failure) == DEBUG_LINE.removeprefix("wa-lint: debug: ")


def test_debug_lines_come_from_pool_workers_too() -> None:
    """Two files with ``--jobs 2`` are linted in worker processes; their failures still show."""
    script = ("import sys\nfrom wa_lint.code import glue\n"
              f"glue.FAMILIES = {BROKEN_FAMILIES!r}\n"
              "from wa_lint.cli import main\nsys.exit(main(sys.argv[1:]))\n")
    proc = subprocess.run(
        [sys.executable, "-c", script, "report", CASE, OTHER, "--select", "WA403", "--no-config", "--jobs", "2",
         "--debug", "--quiet", "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert DEBUG_LINE in proc.stderr.splitlines()
    found = json.loads(proc.stdout)["findings"]
    assert found
    assert {f["path"] for f in found} == {OTHER}


def test_debug_lines_escape_control_characters(capsys: pytest.CaptureFixture[str]) -> None:
    from wa_lint.cli import _DebugLines

    handler = _DebugLines()
    handler.emit(glue.log.makeRecord("wa_lint.analysis", 10, __file__, 1, "%s", ("a\x1b[2Jb\nc",), None))
    assert capsys.readouterr().err == "wa-lint: debug: a\\x1b[2Jb\\nc\n"
