"""Discovery: what a walk picks up, what it skips, and cdk.out folders as one source."""

from __future__ import annotations

import os
from pathlib import Path

from wa_lint.discover import discover

TEMPLATE = "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"


def test_walk_finds_templates_and_skips_tool_directories(tmp_path: Path) -> None:
    for rel in ("a.yaml", "sub/b.json", "c.template", "d.yml", ".git/x.yaml", "node_modules/m/t.yaml",
                ".aws-sam/build/template.yaml", ".venv/lib/t.yaml", "notes.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE if not rel.endswith(".json") else '{"Resources": {}}')
    sources, errors = discover([str(tmp_path)], cwd=tmp_path)
    assert errors == []
    assert [s.display for s in sources] == ["a.yaml", "c.template", "d.yml", "sub/b.json"]
    assert all(s.kind == "template" and not s.explicit for s in sources)


def test_cdk_out_is_one_source_and_manifest_names_it(tmp_path: Path) -> None:
    cdk = tmp_path / "app" / "cdk.out"
    cdk.mkdir(parents=True)
    (cdk / "manifest.json").write_text('{"artifacts": {}}')
    (cdk / "Stack.template.json").write_text('{"Resources": {}}')
    sources, _ = discover([str(tmp_path)], cwd=tmp_path)
    assert [(s.display, s.kind) for s in sources] == [("app/cdk.out", "cdk")]
    sources, _ = discover([str(cdk / "manifest.json")], cwd=tmp_path)
    assert [(s.display, s.kind, s.explicit) for s in sources] == [("app/cdk.out", "cdk", True)]


def test_symlink_loop_terminates(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "t.yaml").write_text(TEMPLATE)
    os.symlink(tmp_path, tmp_path / "d" / "loop")
    sources, _ = discover([str(tmp_path)], cwd=tmp_path)
    assert [s.display for s in sources] == ["d/t.yaml"]


def test_explicit_file_and_missing_path(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    sources, errors = discover([str(tmp_path / "x.txt"), str(tmp_path / "nope.yaml")], cwd=tmp_path)
    assert [(s.display, s.explicit) for s in sources] == [("x.txt", True)]
    assert errors == [f"{tmp_path / 'nope.yaml'}: no such file or directory"]


def test_virtual_environments_are_skipped_whatever_their_name(tmp_path: Path) -> None:
    (tmp_path / "env-x" / "lib").mkdir(parents=True)
    (tmp_path / "env-x" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "env-x" / "lib" / "t.yaml").write_text(TEMPLATE)
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    sources, _ = discover([str(tmp_path)], cwd=tmp_path)
    assert [s.display for s in sources] == ["t.yaml"]
