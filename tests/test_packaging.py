"""The wheel ships every package, the rule pack under ``wa_lint.rules``, and generated docs are in sync."""

from __future__ import annotations

import tomllib

from tests.conftest import ROOT
from wa_lint.gen_docs import expected_files


def test_every_package_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    found = {p.parent.relative_to(ROOT).as_posix().replace("/", ".") for p in (ROOT / "wa_lint").rglob("__init__.py")}
    found |= {"wa_lint." + p.parent.relative_to(ROOT).as_posix().replace("/", ".")
              for p in (ROOT / "rules").rglob("__init__.py")}
    assert found == listed


def test_builtin_pack_loads_through_entry_point() -> None:
    from importlib.metadata import entry_points

    assert "wa_lint.rules" in [ep.value for ep in entry_points(group="wa_lint.rules")]


def test_generated_docs_and_readme_table_are_in_sync() -> None:
    stale = [p.relative_to(ROOT).as_posix() for p, text in expected_files().items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert stale == [], f"run `make docs`: {stale}"
