"""What the run remembers to look up paths once (``realpaths.Resolver``, ``ConfigTree``'s memos, the
walk's name checks) answers exactly what looking each path up afresh answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from wa_lint.config import ConfigError
from wa_lint.config_tree import ConfigTree
from wa_lint.discover import _suffix, discover_all
from wa_lint.realpaths import Resolver

TEMPLATE = "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Directories reached through symlinks (relative, absolute, chained, looping, broken)."""
    (tmp_path / "real/deep/er").mkdir(parents=True)
    (tmp_path / "real/deep/er/t.yaml").write_text(TEMPLATE)
    (tmp_path / "real/file.yaml").write_text(TEMPLATE)
    (tmp_path / "link").symlink_to("real")
    (tmp_path / "abs").symlink_to(tmp_path / "real/deep")
    (tmp_path / "chain").symlink_to("link/deep")
    (tmp_path / "real/up").symlink_to("..")
    (tmp_path / "real/file-link.yaml").symlink_to("deep/er/t.yaml")
    (tmp_path / "loop1").symlink_to("loop2")
    (tmp_path / "loop2").symlink_to("loop1")
    (tmp_path / "broken").symlink_to("nowhere/at/all")
    monkeypatch.chdir(tmp_path)
    return tmp_path


PATHS = [".", "real", "link", "link/deep/er/t.yaml", "abs/er/t.yaml", "chain/er", "chain/er/t.yaml",
         "real/up/link/file.yaml", "real/file-link.yaml", "link/file-link.yaml", "broken", "broken/x.yaml",
         "missing/dir/x.yaml", "real/deep/../file.yaml", "link/deep/..", "..", "real/./deep", "/"]


def test_resolver_is_path_resolve(linked: Path) -> None:
    resolve = Resolver()
    for rel in [*PATHS, *reversed(PATHS), *(str(linked / p) for p in PATHS)]:  # again: from the memo
        assert resolve(Path(rel)) == Path(rel).resolve(), rel
        assert resolve.directory(Path(rel)) == Path(rel).resolve(), rel
    for looping in ("loop1", "loop1/x.yaml", "link/../loop2/y"):  # what resolve() does with a loop, it does
        assert _outcome(resolve, Path(looping)) == _outcome(Path.resolve, Path(looping))


def _outcome(resolve: Callable[[Path], Path], path: Path) -> object:
    try:
        return resolve(path)
    except (OSError, RuntimeError) as exc:
        return type(exc)


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Nested configurations, an extend, excludes at two levels, a broken one, a symlinked directory."""
    files = {
        ".wa-lint.yaml": "exclude: [skipped]\n",
        "a.yaml": TEMPLATE, "b.yaml": TEMPLATE, "skipped/t.yaml": TEMPLATE,
        "services/orders/.wa-lint.yaml": "select: [WA101]\nexclude: [legacy, old]\n",
        "services/orders/t.yaml": TEMPLATE, "services/orders/u.yaml": TEMPLATE,
        "services/orders/legacy/t.yaml": TEMPLATE,
        "services/orders/old/.wa-lint.yaml": "select: [WA101]\n", "services/orders/old/t.yaml": TEMPLATE,
        "services/pay/.wa-lint.yaml": "extend: ../orders/.wa-lint.yaml\n", "services/pay/legacy/t.yaml": TEMPLATE,
        "services/pay/t.yaml": TEMPLATE,
        "broken/.wa-lint.yaml": "fail-on: sometimes\n", "broken/t.yaml": TEMPLATE,
        "elsewhere/.wa-lint.yaml": "exclude: [old]\n", "elsewhere/old/t.yaml": TEMPLATE,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "services/orders-link").symlink_to("orders")
    (tmp_path / "services/pay/orders").symlink_to(tmp_path / "services/orders")
    (tmp_path / "services/pay/far").symlink_to(tmp_path / "elsewhere")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _answers(tree: ConfigTree, path: Path) -> tuple[object, ...]:
    try:
        config = tree.for_path(path)
        return config.path, tree.excluded(path), [c.path for c in tree.above(config)]
    except ConfigError as exc:
        return ("error", str(exc))


def test_config_tree_answers_as_a_fresh_tree_does(configured: Path) -> None:
    rels = ["a.yaml", "b.yaml", "skipped/t.yaml", "services/orders/t.yaml", "services/orders/u.yaml",
            "services/orders/legacy/t.yaml", "services/orders/old/t.yaml", "services/pay/t.yaml",
            "services/pay/legacy/t.yaml", "services/orders-link/t.yaml", "services/orders-link/legacy/t.yaml",
            "services/orders-link/old/t.yaml", "services/pay/orders/legacy/t.yaml", "services/pay/far/old/t.yaml",
            "broken/t.yaml", "services/orders", "services/orders-link", "./services/../a.yaml"]
    paths = [*(Path(r) for r in rels), *(configured / r for r in rels)]
    fresh = {p: _answers(ConfigTree(), p) for p in paths}  # a new tree per path: nothing remembered
    shared = ConfigTree()
    for p in [*paths, *reversed(paths), *paths]:  # asked again and again, in another order: same answers
        assert _answers(shared, p) == fresh[p], p
    # the answers are the ones the configuration means, not only the same as before
    assert fresh[Path("services/orders/u.yaml")][:2] == (configured / "services/orders/.wa-lint.yaml", None)
    assert fresh[Path("services/orders-link/legacy/t.yaml")][1] == "legacy"
    assert fresh[Path("services/orders/old/t.yaml")][:2] == (configured / "services/orders/old/.wa-lint.yaml",
                                                             "old")  # its directory excluded from above
    assert fresh[Path("services/pay/legacy/t.yaml")][1] == "legacy"  # extended
    assert fresh[Path("services/pay/far/old/t.yaml")][0] == configured / "elsewhere/.wa-lint.yaml"
    assert fresh[Path("skipped/t.yaml")][1] == "skipped"
    assert fresh[Path("broken/t.yaml")][0] == "error"


def test_a_broken_configuration_fails_each_time(configured: Path) -> None:
    tree = ConfigTree()
    for _ in range(3):
        with pytest.raises(ConfigError, match="fail-on"):
            tree.for_path(Path("broken/t.yaml"))
    assert tree.for_path(Path("a.yaml")).path == configured / ".wa-lint.yaml"


def test_a_configuration_added_later_is_found_by_a_new_tree(configured: Path) -> None:
    assert ConfigTree().for_path(Path("services/pay/legacy/t.yaml")).path == configured / "services/pay/.wa-lint.yaml"
    (configured / "services/pay/legacy/.wa-lint.yaml").write_text("select: [WA101]\n")
    assert ConfigTree().for_path(Path("services/pay/legacy/t.yaml")).path == \
        configured / "services/pay/legacy/.wa-lint.yaml"


@pytest.mark.parametrize("name", ["a.yaml", "a.YAML", ".yaml", "a.", "a..yaml", "a.b.json", "noext", ".a.yml",
                                  "x.template", "..", "a.tar.gz", "é.yml", "t.yaml ", "."])
def test_suffix_is_path_suffix(name: str) -> None:
    assert _suffix(name) == Path(name).suffix


def test_walk_name_checks_see_what_the_file_system_holds(tmp_path: Path) -> None:
    """The walk only stats ``manifest.json`` and ``pyvenv.cfg`` when a directory lists them, and
    takes a walked file's ``lstat`` for its checks: directories named so are not those files; a
    symlink to a template inside the root is that template (linted once), one out of it is not followed."""
    root = tmp_path / "root"
    (root / "m/manifest.json").mkdir(parents=True)  # a directory: not a cloud assembly
    (root / "m/t.yaml").write_text(TEMPLATE)
    (root / "v/pyvenv.cfg").mkdir(parents=True)  # a directory: not a virtual environment
    (root / "v/t.yaml").write_text(TEMPLATE)
    (root / "d.yaml").mkdir()  # a directory with a template's name
    (root / "in.yaml").symlink_to("m/t.yaml")
    (root / "dangling.yaml").symlink_to("nowhere.yaml")  # a stale link: skipped, and --verbose says why
    (tmp_path / "outside.yaml").write_text(TEMPLATE)
    (root / "out.yaml").symlink_to(tmp_path / "outside.yaml")
    found = discover_all([str(root)], cwd=root)
    assert [s.display for s in found.sources] == ["m/t.yaml", "v/t.yaml"]
    assert sorted(found.skipped) == [("dangling.yaml", "a broken symlink (its target does not exist)"),
                                     ("out.yaml", "a symlink to outside the linted directory")]


def test_a_file_named_twice_is_one_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a walk that followed a symlink, or several paths, can name a file twice: then sources
    are told apart by their resolved path; a single walk without symlinks needs no resolving."""
    for rel in ("a/t.yaml", "a/b/u.yaml", "c.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(TEMPLATE)
    monkeypatch.chdir(tmp_path)
    alone = [s.display for s in discover_all(["."]).sources]
    assert alone == ["c.yaml", "a/t.yaml", "a/b/u.yaml"]
    assert [s.display for s in discover_all([".", "a", "a/b/u.yaml", str(tmp_path / "c.yaml")]).sources] == alone
    (tmp_path / "link.yaml").symlink_to("a/t.yaml")  # walked before its target: one source, named as the target
    assert [s.display for s in discover_all(["."]).sources] == ["c.yaml", "a/t.yaml", "a/b/u.yaml"]
