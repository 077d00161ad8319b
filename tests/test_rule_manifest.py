"""The rules manifest (``wa_lint.rule_manifest``): a hit gives the same rules as loading the packs,
with checks that load them at their first call; a re-run whose files are all cache hits imports no
rule pack; any change to a pack (its files, its installation) is a miss; a damaged manifest is
ignored and replaced; without the cache there is no manifest."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from wa_lint import rule_manifest
from wa_lint.cache import CACHE_DIR_NAME, default_directory, directory_for, installed_stamp, module_file, run_key
from wa_lint.cli import main
from wa_lint.config_tree import ConfigTree
from wa_lint.discover import discover
from wa_lint.finding import RuleMeta
from wa_lint.pipeline import lint_source
from wa_lint.plugins import load_rules
from wa_lint.rule_manifest import LazyCall, rules_through

PACK = '''
from wa_lint.api import Finding, Pillar, Severity, rule


@rule(id="WA981", name="{name}", pillar=Pillar.OPERATIONS, severity=Severity.WARNING, lens="OPS 1")
def every_function_noted(graph):
    """A third-party rule: notes every function."""
    for fn in graph.functions():
        yield Finding.at(fn, "noted by the third-party pack", fix="nothing to fix")
'''
TEMPLATE = """\
Resources:
  Fn{n}:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code:
        ZipFile: "def handler(e, c): pass"
"""
FIXTURE = "fixtures/WA104/bad"  # a rule with applies_to among the rules that report there
FIELDS = ("id", "name", "pillar", "severity", "lens", "doc", "enabled", "pack")


def manifests(cache: Path) -> list[Path]:
    return sorted((cache / "v1" / "rules").glob("*.bin"))


def lazy(rules: list[RuleMeta]) -> bool:
    return all(isinstance(m.check, LazyCall) for m in rules)


def describe(fn: object) -> tuple[object, ...]:
    return tuple(getattr(fn, a) for a in ("__module__", "__name__", "__qualname__", "__doc__"))


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``acme_manifest_rules`` installed as a distribution with a ``wa_lint.rules`` entry point."""
    site = tmp_path / "site"
    (site / "acme_manifest_rules").mkdir(parents=True)
    (site / "acme_manifest_rules" / "__init__.py").write_text(PACK.format(name="every-function-noted"))
    info = site / "acme_manifest_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-manifest-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wa_lint.rules]\nacme = acme_manifest_rules\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "acme_manifest_rules", raising=False)
    importlib.invalidate_caches()
    return site


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of a few templates, run from there, with the cache switched on."""
    root = tmp_path / "project"
    for n in range(4):
        (root / f"t{n}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (root / f"t{n}.yaml").write_text(TEMPLATE.format(n=n), encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("WA_LINT_NO_CACHE", raising=False)
    return root


def test_a_hit_gives_the_rules_load_rules_gives(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = rules_through(cache)
    assert not lazy(first)
    assert len(manifests(cache)) == 1
    hit = rules_through(cache)
    assert lazy(hit)
    real = load_rules()
    assert [[getattr(m, f) for f in FIELDS] for m in hit] == [[getattr(m, f) for f in FIELDS] for m in real]
    for got, want in zip(hit, real, strict=True):
        assert describe(got.check) == describe(want.check)
        assert module_file(got.check) == module_file(want.check)
        assert (got.applies_to is None) == (want.applies_to is None)
        if want.applies_to is not None:
            assert describe(got.applies_to) == describe(want.applies_to)
    assert run_key(hit) == run_key(real)  # the result cache's key is the same either way


def test_lazy_checks_find_what_the_rules_find(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    rules_through(cache)
    hit = rules_through(cache)
    assert lazy(hit)
    sources, missing = discover([FIXTURE])
    assert sources
    assert not missing
    real = load_rules()
    for source in sources:
        got, want = lint_source(source, hit), lint_source(source, real)
        assert got.findings == want.findings
        assert got.findings
        assert got.internal_error is None
    graph_rule = next(m for m in hit if m.id == "WA104")
    assert isinstance(graph_rule.applies_to, LazyCall)
    from wa_lint.graph.builders import build_graph
    from wa_lint.stacks import load_stacks

    stacks, _ = load_stacks(sources[0])
    graph = build_graph(stacks[0])
    assert graph_rule.evaluated(graph) == next(m for m in real if m.id == "WA104").evaluated(graph)


def test_a_cached_rerun_imports_no_rule_pack(project: Path) -> None:
    code = ("import sys; from wa_lint.cli import main; main(['report', '-q', '--format', 'json', '-o', 'o.json']); "
            "print(sorted({m.split('.')[1] for m in sys.modules if m in ('wa_lint.api', 'wa_lint.rules') "
            "or m.startswith('wa_lint.rules.')}))")
    env = {k: v for k, v in os.environ.items() if k != "WA_LINT_NO_CACHE"}
    runs = [subprocess.run([sys.executable, "-c", code], cwd=project, env=env, capture_output=True, text=True,
                           check=True, timeout=300) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["['api', 'rules']", "[]"], runs[1].stderr
    assert len(manifests(project / CACHE_DIR_NAME)) == 1


def test_an_edited_rule_file_is_a_miss(tmp_path: Path, site: Path) -> None:
    cache = tmp_path / "cache"
    rules_through(cache)
    assert lazy(rules_through(cache))
    module = site / "acme_manifest_rules" / "__init__.py"
    module.write_text(PACK.format(name="every-function-counted"))
    sys.modules.pop("acme_manifest_rules", None)  # a new run imports the edited file
    edited = rules_through(cache)
    assert not lazy(edited)
    assert next(m for m in edited if m.id == "WA981").name == "every-function-counted"
    hit = rules_through(cache)
    assert lazy(hit)
    assert next(m for m in hit if m.id == "WA981").name == "every-function-counted"


def test_a_new_file_in_a_pack_is_a_miss(tmp_path: Path, site: Path) -> None:
    cache = tmp_path / "cache"
    rules_through(cache)
    assert lazy(rules_through(cache))
    (site / "acme_manifest_rules" / "more.py").write_text("")
    assert not lazy(rules_through(cache))


def test_installing_or_removing_a_pack_changes_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    empty = tmp_path / "empty-site"
    empty.mkdir()
    os.utime(empty, ns=(1_000_000_000, 1_000_000_000))
    monkeypatch.syspath_prepend(str(empty))
    before = rule_manifest._key()
    assert "WA981" not in {m.id for m in rules_through(cache)}
    (empty / "acme_manifest_rules").mkdir()
    (empty / "acme_manifest_rules" / "__init__.py").write_text(PACK.format(name="every-function-noted"))
    info = empty / "acme_manifest_rules-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-manifest-rules\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[wa_lint.rules]\nacme = acme_manifest_rules\n")
    monkeypatch.delitem(sys.modules, "acme_manifest_rules", raising=False)
    importlib.invalidate_caches()
    installed = rule_manifest._key()
    assert installed != before
    rules = rules_through(cache)
    assert not lazy(rules)
    assert "WA981" in {m.id for m in rules}
    assert "WA981" in {m.id for m in rules_through(cache)}  # a hit with the new pack
    sys.path.remove(str(empty))  # uninstalled
    assert rule_manifest._key() != installed
    assert "WA981" not in {m.id for m in rules_through(cache)}


def test_metadata_in_the_working_directory_counts_its_other_files_do_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [""])
    stamp = installed_stamp()
    (tmp_path / "report.json").write_text("{}")  # a run's output
    assert installed_stamp() == stamp
    (tmp_path / "acme-1.0.dist-info").mkdir()
    assert installed_stamp() != stamp


def test_a_corrupt_manifest_is_ignored_and_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    rules_through(cache)
    [entry] = manifests(cache)
    good = entry.read_bytes()
    for damaged in (b"", good[: len(good) // 2], good.split(b"\n", 1)[0] + b"\nnot a pickle", b"\x00" * 64):
        entry.write_bytes(damaged)
        rules = rules_through(cache)
        assert not lazy(rules)
        assert [m.id for m in rules] == [m.id for m in load_rules()]
        assert lazy(rules_through(cache))  # replaced by a valid manifest


def test_a_pack_that_fails_behind_a_hit_drops_the_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_lint import plugins

    cache = tmp_path / "cache"
    rules_through(cache)
    hit = rules_through(cache)

    def broken() -> list[RuleMeta]:
        raise plugins.PluginError("cannot load rule pack acme: boom")

    monkeypatch.setattr(plugins, "load_rules", broken)
    with pytest.raises(plugins.PluginError):
        cast(LazyCall, hit[0].check).resolve()
    assert not manifests(cache)  # the next run loads the packs and reports the failure


@pytest.mark.usefixtures("project")
def test_a_broken_pack_is_reported_as_without_the_manifest(site: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "-q", "--format", "json", "-o", "o.json"]) == 0
    assert main(["report", "-q", "--format", "json", "-o", "o.json"]) == 0
    (site / "acme_manifest_rules" / "__init__.py").write_text("raise ImportError('acme is broken')\n")
    sys.modules.pop("acme_manifest_rules", None)
    capsys.readouterr()
    assert main(["report", "-q", "--format", "json", "-o", "o.json"]) == 2
    assert "cannot load rule pack acme_manifest_rules: acme is broken" in capsys.readouterr().err


@pytest.mark.parametrize("off", [["--no-cache"], ["WA_LINT_NO_CACHE"]])
def test_without_the_cache_there_is_no_manifest(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                off: list[str]) -> None:
    if off == ["WA_LINT_NO_CACHE"]:
        monkeypatch.setenv("WA_LINT_NO_CACHE", "1")
        off = []
    assert main(["report", "-q", "--format", "json", "-o", "o.json", *off]) == 0
    assert not (project / CACHE_DIR_NAME).exists()


@pytest.mark.parametrize("how", ["none", "here", "above", "explicit", "isolated", "env"])
def test_the_manifest_is_where_the_result_cache_is(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path, how: str) -> None:
    explicit = None
    (project / "sub").mkdir()
    if how == "here":
        (project / ".wa-lint.yaml").write_text("fail-on: never\n")
    if how == "above":
        (project / ".wa-lint.yaml").write_text("fail-on: never\n")
        monkeypatch.chdir(project / "sub")
    if how == "explicit":
        (project / "sub" / "conf.yaml").write_text("fail-on: never\n")
        explicit = "sub/conf.yaml"
    if how == "env":
        monkeypatch.setenv("WA_LINT_CACHE_DIR", str(tmp_path / "elsewhere"))
    tree = ConfigTree(explicit=explicit, isolated=how == "isolated")
    assert directory_for(explicit, how == "isolated") == default_directory(tree.run.path)


def test_the_pool_lints_the_misses_behind_a_manifest_hit(project: Path) -> None:
    (project / "many").mkdir()
    for n in range(10):
        (project / "many" / f"m{n}.yaml").write_text(TEMPLATE.format(n=n + 10), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "WA_LINT_NO_CACHE"}
    cmd = [sys.executable, "-m", "wa_lint.cli", "report", "-q", "--format", "json", "--jobs", "2", "--debug"]

    def run(*extra: str) -> tuple[str, str]:
        proc = subprocess.run([*cmd, *extra, "-o", "o.json"], cwd=project, env=env, capture_output=True, text=True,
                              timeout=300, check=False)
        assert proc.returncode in (0, 1), proc.stderr
        return (project / "o.json").read_text(encoding="utf-8"), proc.stderr

    expected, _ = run("--no-cache")
    run()
    for n in range(0, 10, 2):  # half the files change: misses, linted by the pool with lazy rules
        (project / "many" / f"m{n}.yaml").write_text(TEMPLATE.format(n=n + 10) + "# edited\n", encoding="utf-8")
    out, err = run()
    assert "rules manifest hit" in err
    assert out == expected
    assert json.loads(out)["findings"]
    assert "internal error" not in err

