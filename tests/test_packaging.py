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


def test_precommit_hooks() -> None:
    """The plain hook lints the named files and skips non-templates (file names after ``--``); the CDK
    hook reacts to the app's code (cdk.out is git-ignored, never offered) and synthesizes it."""
    import re

    import yaml

    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    plain, cdk = hooks["wa-lint"], hooks["wa-lint-cdk"]
    assert plain["args"] == ["--"]
    assert "--skip-non-templates" in plain["entry"]
    assert plain["pass_filenames"] is True
    assert cdk["entry"] == "python -m wa_lint.precommit_cdk"  # wa-lint report --cdk-synth on the apps found
    assert cdk["pass_filenames"] is False
    files = re.compile(cdk["files"])
    for name in ("infra/bin/app.ts", "infra/lib/stack.js", "app.py", "src/Main.java", "Stack.cs", "main.go",
                 "infra/cdk.json"):
        assert files.search(name), name
    for name in ("template.yaml", "cdk.out/Stack.template.json", "package.json", "README.md"):
        assert not files.search(name), name


def test_release_files() -> None:
    """LICENSE is the Apache-2.0 text the metadata names; the changelog follows Keep a Changelog; the
    version has one source; the sdist configuration ships what the sdist's tests need."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["license"] == "Apache-2.0"
    assert meta["project"]["license-files"] == ["LICENSE"]
    assert "version" in meta["project"]["dynamic"]
    assert "version" not in meta["project"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "wa_lint.__version__"}
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert "Version 2.0, January 2004" in (
        ROOT / "LICENSE").read_text()
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "keepachangelog.com" in changelog
    assert "## [Unreleased]" in changelog
    manifest = (ROOT / "MANIFEST.in").read_text().split()
    for tree in ("tests", "fixtures", "docs", "examples"):
        assert tree in manifest, tree
