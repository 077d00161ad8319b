"""Runtime lifecycle data (read from cfn-lint's data, never by importing cfn-lint) and WA504's
dependence on "today", which tests pin so that findings do not change with the calendar."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, update_snapshots
from tests.lint_helpers import all_rules, lint
from wa_lint import runtimes
from wa_lint.report.json_format import finding_dict

DATED = ROOT / "fixtures" / "WA504" / "dated"
#: The day the dated fixtures are linted on.
PINNED = dt.date(2027, 2, 15)


def test_table_comes_from_cfn_lint_data() -> None:
    path = runtimes.data_file()
    assert path is not None
    assert path.name == "LmbdRuntimeLifecycle.json"
    go = runtimes.lifecycle("go1.x")
    assert go is not None
    assert go.deprecated == dt.date(2024, 1, 8)
    assert go.successor == "provided.al2023"
    assert runtimes.lifecycle("no-such-runtime") is None


def test_reading_the_table_does_not_import_cfn_lint() -> None:
    code = ("import sys; from wa_lint import runtimes; assert runtimes.table(); "
            "assert 'cfnlint' not in sys.modules, 'cfnlint imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_status_boundaries() -> None:
    deprecated = dt.date(2024, 1, 8)
    assert runtimes.status("go1.x", deprecated)[0] == "deprecated"  # type: ignore[index]
    assert runtimes.status("go1.x", deprecated - dt.timedelta(days=1))[0] == "soon"  # type: ignore[index]
    assert runtimes.status("go1.x", deprecated - dt.timedelta(days=90))[0] == "soon"  # type: ignore[index]
    assert runtimes.status("go1.x", deprecated - dt.timedelta(days=91))[0] == "supported"  # type: ignore[index]
    assert runtimes.status("no-such-runtime", deprecated) is None


def test_today_is_injectable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtimes, "today", lambda: dt.date(2023, 12, 1))
    assert runtimes.status("go1.x")[0] == "soon"  # type: ignore[index]
    monkeypatch.setattr(runtimes, "today", lambda: dt.date(2030, 1, 1))
    assert runtimes.status("go1.x")[0] == "deprecated"  # type: ignore[index]


def test_missing_or_broken_data_means_no_table(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    runtimes.table.cache_clear()
    try:
        monkeypatch.setattr(runtimes, "data_file", lambda: None)
        assert runtimes.table() == {}
        runtimes.table.cache_clear()
        broken = tmp_path / "broken.json"
        broken.write_text('{"python3.9": {"deprecated": "soon"}, "x": [1]', encoding="utf-8")
        monkeypatch.setattr(runtimes, "data_file", lambda: broken)
        assert runtimes.table() == {}
        runtimes.table.cache_clear()
        broken.write_text('{"python3.9": {"deprecated": "not a date"}, "x": [1]}', encoding="utf-8")
        assert runtimes.table()["python3.9"].deprecated is None
        assert runtimes.status("python3.9") is None
    finally:
        runtimes.table.cache_clear()


@pytest.mark.parametrize("case", sorted(DATED.glob("*.yaml")), ids=lambda p: p.name)
def test_dated_fixtures(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Like the bad/ snapshots, linted on :data:`PINNED` (in-process, so the patch applies)."""
    monkeypatch.setattr(runtimes, "today", lambda: PINNED)
    rules = [m for m in all_rules() if m.id == "WA504"]
    results = lint(case.relative_to(ROOT).as_posix(), rules=rules)
    found = [finding_dict(f) for r in results for f in r.findings]
    expected_file = case.with_name(f"{case.stem}.expected.json")
    if update_snapshots():
        expected_file.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    assert found == json.loads(expected_file.read_text(encoding="utf-8"))
    assert {f["severity"] for f in found} == {"error", "warning"}
