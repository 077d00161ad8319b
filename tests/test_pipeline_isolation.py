"""A rule that crashes loses only its own findings: the error names the rule, the file and the
exception type on one line (exit 2), and every other rule's findings for that file are kept.

The crashing rules are a third-party pack installed the way any pack is: a distribution on
``sys.path`` whose ``entry_points.txt`` names it in the ``wa_lint.rules`` group.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wa_lint.cli import main
from wa_lint.plugins import load_rules

TEMPLATE = ROOT / "fixtures/WA101/bad/s3-notification.yaml"  # one WA101 finding
PACK = '''
from wa_lint.api import Finding, Pillar, Severity, rule


@rule(id="WA991", name="crashes-after-one", pillar=Pillar.RELIABILITY, severity=Severity.ERROR, lens="REL 1")
def crashes_after_one(graph):
    """Yields a finding, then fails on text a template could have written."""
    for fn in graph.functions():
        yield Finding.at(fn, "a finding the crash must take with it", fix="none")
    raise ValueError("bad value\\n\\x1b[31mred")


@rule(id="WA992", name="crashes-at-once", pillar=Pillar.RELIABILITY, severity=Severity.ERROR, lens="REL 1")
def crashes_at_once(graph):
    """Not even a generator: raises when called."""
    raise KeyError("Properties")


@rule(id="WA993", name="plugin-works", pillar=Pillar.RELIABILITY, severity=Severity.WARNING, lens="REL 1")
def plugin_works(graph):
    """A rule of the same pack that works."""
    for fn in graph.functions():
        yield Finding.at(fn, "the plugin's working rule still reports", fix="none")
'''


@pytest.fixture
def crashing_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Install ``crashing_pack`` as a distribution with a ``wa_lint.rules`` entry point."""
    site = tmp_path / "site"
    (site / "crashing_pack").mkdir(parents=True)
    (site / "crashing_pack" / "__init__.py").write_text(textwrap.dedent(PACK))
    info = site / "crashing_pack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: crashing-pack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wa_lint.rules]\ncrashing = crashing_pack\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(__import__("sys").modules, "crashing_pack", raising=False)
    return site


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["report", "--format", "json", "--no-config", *argv])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.usefixtures("crashing_pack")
def test_the_pack_loads_through_its_entry_point() -> None:
    ids = {m.id: m.pack for m in load_rules()}
    assert ids["WA991"] == ids["WA992"] == ids["WA993"] == "crashing_pack"


@pytest.mark.usefixtures("crashing_pack")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_crashing_rule_keeps_the_other_rules_findings(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, jobs: str
) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(TEMPLATE.read_text())
    code, data, err = run(capsys, str(TEMPLATE), str(other), "--select", "WA101,WA991,WA992,WA993", "--jobs", jobs)
    assert code == 2
    by_file: dict[str, set[str]] = {}
    for f in data["findings"]:
        by_file.setdefault(f["path"], set()).add(f["rule"])
    assert by_file == {"fixtures/WA101/bad/s3-notification.yaml": {"WA101", "WA993"}, str(other): {"WA101", "WA993"}}
    lines = err.splitlines()
    assert len(lines) == 2  # one line per file, however many rules crashed in it
    line = next(x for x in lines if "s3-notification.yaml" in x)
    assert line == ("wa-lint: fixtures/WA101/bad/s3-notification.yaml: internal error in rule WA991 "
                    "(crashes-after-one): ValueError: bad value \\x1b[31mred; "
                    "fixtures/WA101/bad/s3-notification.yaml: internal error in rule WA992 (crashes-at-once): "
                    "KeyError: 'Properties'")
    assert "Traceback" not in err
    assert "\x1b" not in err
    [entry] = [f for f in data["files"] if f["path"] == "fixtures/WA101/bad/s3-notification.yaml"]
    assert "WA991" in entry["error"]
    assert data["summary"]["errors"] == 2


@pytest.mark.usefixtures("crashing_pack")
def test_debug_shows_each_rules_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, str(TEMPLATE), "--select", "WA101,WA991", "--debug")
    assert code == 2
    assert [f["rule"] for f in data["findings"]] == ["WA101"]
    assert "rule WA991 on fixtures/WA101/bad/s3-notification.yaml:" in err
    assert "Traceback (most recent call last)" in err
    assert 'raise ValueError("bad value' in err


@pytest.mark.usefixtures("crashing_pack")
def test_without_a_crash_nothing_changes(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, str(TEMPLATE), "--select", "WA101,WA993")
    assert code == 1
    assert err == ""
    assert sorted(f["rule"] for f in data["findings"]) == ["WA101", "WA993"]
