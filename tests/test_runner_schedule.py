"""The parallel schedule of ``wa_lint.runner``: the link index built while the pool lints (a deferred
index), the main process linting alongside the pool; output and errors as with one process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wa_lint.cli import main
from wa_lint.discover import discover_all
from wa_lint.link.deploy import DeployOptions
from wa_lint.link.index import DeferredIndex, build_index, link_candidates
from wa_lint.runner import lint_all
from wa_lint.setup import all_rules

ROOT = Path(__file__).resolve().parent.parent
CROSS_STACK = ROOT / "fixtures" / "cross-stack"


def _tree(tmp_path: Path) -> Path:
    """The cross-stack fixtures and 20 unlinked templates beside them, with a broken samconfig.toml
    next to one linked template: enough sources for a pool, candidates and others."""
    tree = tmp_path / "tree"
    shutil.copytree(CROSS_STACK, tree / "linked")
    for n in range(20):
        (tree / "plain" / f"t{n:02d}.yaml").parent.mkdir(parents=True, exist_ok=True)
        (tree / "plain" / f"t{n:02d}.yaml").write_text(
            f"Resources:\n  Q{n}:\n    Type: AWS::SQS::Queue\n    Properties: {{DelaySeconds: {n}}}\n")
    broken = next(p for p in sorted((tree / "linked").rglob("*.yaml")) if b"Export" in p.read_bytes())
    (broken.parent / "samconfig.toml").write_text("[default\n")
    return tree


def test_deferred_index_is_the_index(tmp_path: Path) -> None:
    sources = discover_all([str(_tree(tmp_path))]).sources
    errors: list[str] = []
    deferred = DeferredIndex(sources, DeployOptions(), errors)
    assert deferred.candidates == {s.display for s in link_candidates(sources)}
    assert deferred.candidates < {s.display for s in sources}  # the plain templates are not candidates
    index, expected_errors = build_index(sources)
    built = deferred.build()
    assert index is not None
    assert built is not None
    assert built.records == index.records
    assert errors == expected_errors
    assert any("samconfig.toml" in e for e in errors)


def test_lint_all_with_a_deferred_index_matches_one_process(tmp_path: Path) -> None:
    sources = discover_all([str(_tree(tmp_path))]).sources
    rules = all_rules()
    one = lint_all(sources, rules, jobs=1, links=build_index(sources)[0])
    two = lint_all(sources, rules, jobs=2, links=DeferredIndex(sources, DeployOptions(), []))
    assert [r.path for r in two] == [r.path for r in one]
    assert [[f.sort_key() for f in r.findings] for r in two] == [[f.sort_key() for f in r.findings] for r in one]


def test_jobs_give_identical_output_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _tree(tmp_path)
    monkeypatch.chdir(tree)
    runs = []
    for jobs in ("1", "2", "3"):
        code = main(["report", ".", "--format", "json", "--no-config", "--no-cache", "--jobs", jobs])
        out, err = capsys.readouterr()
        runs.append((code, out, err))
    assert runs[0] == runs[1] == runs[2]
    assert runs[0][0] == 2  # the broken samconfig.toml
    assert "samconfig.toml" in runs[0][2]
    assert "shop-data/Database" in runs[0][1]  # linked, also when the index was built during the run


def test_chunks_cover_every_job_in_order_and_shrink_to_one() -> None:
    from wa_lint.runner import Job, _chunks

    source = discover_all([str(CROSS_STACK)]).sources[0]
    jobs: list[Job] = [(n, source, None) for n in range(275)]
    chunks = _chunks(jobs, 2)
    assert [job for chunk in chunks for job in chunk] == jobs
    sizes = [len(chunk) for chunk in chunks]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[-1] == 1
    assert sizes[0] < len(jobs) // 8
    assert _chunks([], 2) == []


def test_templates_needing_the_schema_models_go_to_one_process(tmp_path: Path) -> None:
    from wa_lint.runner import Job, _one_process_for_models

    sam = "Transform: AWS::Serverless-2016-10-31\nResources:\n"
    for n in range(30):
        (tmp_path / f"plain{n:02d}.yaml").write_text(f"{sam}  F:\n    Type: AWS::Serverless::Function\n")
    (tmp_path / "graphql.yaml").write_text(f"{sam}  Api:\n    Type: AWS::Serverless::GraphQLApi\n")
    (tmp_path / "capacity.yaml").write_text(
        f"{sam}  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      CapacityProviderConfig: {{}}\n")
    (tmp_path / "not-sam.yaml").write_text("Resources:\n  Api:\n    Type: AWS::Serverless::GraphQLApi\n")
    jobs: list[Job] = [(n, s, None) for n, s in enumerate(discover_all([str(tmp_path)]).sources)]
    assert {Path(d).name for d in _one_process_for_models(jobs, 2)} == {"graphql.yaml", "capacity.yaml"}
    # when they are many, one process would do too much of the run: they are shared as any other
    assert _one_process_for_models(jobs[:6], 2) == set()


def test_the_process_pool_where_fork_is_not_used_gives_the_same_results(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """macOS and Windows lint with a process pool instead of the shared job list: same results."""
    from wa_lint import sharing

    sources = discover_all([str(_tree(tmp_path))]).sources
    rules = all_rules()
    one = lint_all(sources, rules, jobs=1, links=build_index(sources)[0])
    monkeypatch.setattr(sharing, "available", lambda: False)
    pooled = lint_all(sources, rules, jobs=2, links=DeferredIndex(sources, DeployOptions(), []))
    assert [r.path for r in pooled] == [r.path for r in one]
    assert [[f.sort_key() for f in r.findings] for r in pooled] == [[f.sort_key() for f in r.findings] for r in one]
    assert [r.error for r in pooled] == [r.error for r in one]
