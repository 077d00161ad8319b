"""Discovery: what a walk picks up, what it skips (non-templates, links out of the root, pipes),
cdk.out folders as one source, and projects that must be built first."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from wa_lint.discover import clearly_template, discover, discover_all, has_template_signs, skip_reason

TEMPLATE = "Resources:\n  T:\n    Type: AWS::SNS::Topic\n"
JSON_TEMPLATE = '{"Resources": {"T": {"Type": "AWS::SNS::Topic"}}}'


def test_walk_finds_templates_and_skips_tool_directories(tmp_path: Path) -> None:
    for rel in ("a.yaml", "sub/b.json", "c.template", "d.yml", ".git/x.yaml", "node_modules/m/t.yaml",
                ".aws-sam/build/template.yaml", ".venv/lib/t.yaml", "notes.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(TEMPLATE if not rel.endswith(".json") else JSON_TEMPLATE)
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


@pytest.mark.parametrize("text", [
    TEMPLATE,
    JSON_TEMPLATE,
    '{"Resources":{"T":{"Type":"Custom::Thing"}}}',
    "Resources:\n  Skill: {Type: 'Alexa::ASK::Skill'}\n",
    "AWSTemplateFormatVersion: '2010-09-09'\n",  # a broken template is still a template: the loader says why
    "Transform: AWS::Serverless-2016-10-31\nResources: {}\n",
    "Transform: [AWS::LanguageExtensions]\n",
])
def test_template_signs(text: str) -> None:
    assert has_template_signs(text.encode())


@pytest.mark.parametrize("text", [
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      resources: {}\n---\nkind: Service\n",
    "services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits: {cpus: '0.5'}\n",
    "openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n    Resources: {type: object}\n",
    "on: push\njobs:\n  b:\n    steps:\n      - run: echo Resources\n",
    "Resources:\n  r:\n    ResourceType: AWS::SNS::Topic\n",  # Type only as a whole key
])
def test_not_template_signs(text: str) -> None:
    assert not has_template_signs(text.encode())


def test_clearly_template_is_stricter() -> None:
    assert clearly_template(b"Type: AWS::SNS::Topic")
    assert clearly_template(b"AWSTemplateFormatVersion: x")
    assert not clearly_template(b"Resources:\n  r:\n    Type: Custom::Thing\n  {{ .Values.x }}")


def test_walk_skips_non_templates_and_lists_them(tmp_path: Path) -> None:
    files = {
        "k8s.yaml": "apiVersion: v1\nkind: ConfigMap\ndata: {Resources: x}\n---\napiVersion: v1\nkind: Secret\n",
        "compose.yaml": "services:\n  db:\n    image: postgres\n",
        "package.json": '{"name": "x", "Resources": {"Type": "AWS::X::Y"}}',
        "stack.yaml": TEMPLATE,
        "notes.md": "Resources\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    assert [s.display for s in found.sources] == ["stack.yaml"]
    assert found.skipped == [("compose.yaml", "not a CloudFormation template"),
                             ("k8s.yaml", "not a CloudFormation template"),
                             ("package.json", "a project file, not a template")]


def test_large_file_is_scanned_past_the_peek(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"Metadata": "' + "x" * (1 << 21) + '", ' + JSON_TEMPLATE[1:])
    assert skip_reason(big) is None
    data = tmp_path / "data.json"
    data.write_text('{"rows": "' + "x" * (1 << 21) + '"}')
    assert skip_reason(data) == "not a CloudFormation template"


def test_walk_does_not_follow_symlinks_out_of_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(TEMPLATE)
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "t.yaml").write_text(TEMPLATE)
    os.symlink(outside, root / "out-dir")
    os.symlink(outside / "secret.yaml", root / "out-file.yaml")
    os.symlink("/", root / "slash")
    os.symlink(root / "real", root / "in-dir")  # inside the root: followed (the same files, deduplicated)
    os.symlink(root / "real" / "t.yaml", root / "in-file.yaml")
    found = discover_all([str(root)], cwd=tmp_path)
    # links inside the root are followed; the one file they all name is linted once
    assert [s.path.resolve() for s in found.sources] == [(root / "real" / "t.yaml").resolve()]
    assert ("repo/out-file.yaml", "a symlink to outside the linted directory") in found.skipped
    assert not any("secret" in s.display or "slash" in s.display for s in found.sources)


def test_walk_skips_broken_and_looping_links_and_says_which(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    os.symlink("gone.yaml", tmp_path / "dangling.yaml")
    os.symlink("loopy.yaml", tmp_path / "loopy.yaml")
    os.symlink("b.yaml", tmp_path / "a.yaml")
    os.symlink("a.yaml", tmp_path / "b.yaml")
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    assert [s.display for s in found.sources] == ["t.yaml"]
    assert not found.errors  # a stale link is no reason to fail the run
    assert sorted(found.skipped) == [("a.yaml", "a symlink loop"), ("b.yaml", "a symlink loop"),
                                     ("dangling.yaml", "a broken symlink (its target does not exist)"),
                                     ("loopy.yaml", "a symlink loop")]
    named = discover_all([str(tmp_path / "dangling.yaml")], cwd=tmp_path)  # named explicitly: an error
    assert named.errors == [f"{tmp_path / 'dangling.yaml'}: no such file or directory"]


def test_walk_through_a_symlinked_root_stays_in_its_target(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "t.yaml").write_text(TEMPLATE)
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert [s.display for s in discover([str(tmp_path / "link")], cwd=tmp_path)[0]] == ["link/t.yaml"]


def test_named_pipe_does_not_block_the_walk(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    os.mkfifo(tmp_path / "pipe.yaml")
    result: list[object] = []
    worker = threading.Thread(target=lambda: result.append(discover_all([str(tmp_path)], cwd=tmp_path)),
                              daemon=True)
    worker.start()
    worker.join(timeout=30)  # generous: the walk itself takes milliseconds
    assert result, "the walk blocked on a named pipe"
    found = result[0]
    assert isinstance(found, type(discover_all([])))
    assert [s.display for s in found.sources] == ["t.yaml"]
    assert ("pipe.yaml", "not a regular file") in found.skipped


def test_named_pipe_given_explicitly_is_an_error(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    sources, errors = discover([str(tmp_path / "pipe.yaml")], cwd=tmp_path)
    assert sources == []
    assert errors == [f"{tmp_path / 'pipe.yaml'}: not a regular file or directory"]


def _cdk_app(path: Path, cdk_json: dict[str, object] | None = None) -> Path:
    path.mkdir(parents=True)
    (path / "cdk.json").write_text(json.dumps(cdk_json or {"app": "node bin/app.js"}))
    return path


def _assembly(path: Path) -> None:
    path.mkdir(parents=True)
    (path / "manifest.json").write_text('{"artifacts": {}}')
    (path / "Stack.template.json").write_text(JSON_TEMPLATE)


def test_cdk_app_without_assembly_must_be_synthesized(tmp_path: Path) -> None:
    _cdk_app(tmp_path / "app")
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    [source] = found.sources
    assert (source.display, source.kind) == ("app", "cdk-app")
    assert source.problem is not None
    assert "run `cdk synth`" in source.problem
    assert "cdk.out not found" in source.problem


def test_cdk_app_problem_says_what_is_there_instead(tmp_path: Path) -> None:
    (_cdk_app(tmp_path / "interrupted") / "cdk.out").mkdir()  # a synth that failed: no manifest.json
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "cdk.json").write_text('{"app": "node bin/app.js",}')
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    problems = {s.display: s.problem for s in found.sources}
    assert problems == {
        "broken": "CDK app without a cloud assembly (cdk.out not found; cdk.json is not valid JSON: line 1: "
                  "Expecting property name enclosed in double quotes): run `cdk synth` in this directory first, "
                  "or lint with --cdk-synth",
        "interrupted": "CDK app without a cloud assembly (cdk.out has no manifest.json): run `cdk synth` in this "
                       "directory first, or lint with --cdk-synth",
    }


def test_cdk_app_with_assembly_lints_it_also_from_cdk_json_output(tmp_path: Path) -> None:
    _assembly(_cdk_app(tmp_path / "a") / "cdk.out")
    _assembly(_cdk_app(tmp_path / "b", {"app": "x", "output": "build/assembly"}) / "build" / "assembly")
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    assert [(s.display, s.kind) for s in found.sources] == [("a/cdk.out", "cdk"), ("b/build/assembly", "cdk")]
    # cdk.json does not lead the walk out of the linted directory: the assembly must be named
    _assembly(tmp_path / "shared-out")
    _cdk_app(tmp_path / "c", {"app": "x", "output": "../shared-out"})
    for named in (tmp_path / "c", tmp_path / "c" / "cdk.json"):
        [source] = discover_all([str(named)], cwd=tmp_path).sources
        assert (source.display, source.kind) == ("c", "cdk-app")
        assert source.problem is not None
        assert "(../shared-out) is outside the linted directory" in source.problem


def test_cdk_synth_mode_yields_the_app_and_skips_its_stale_assembly(tmp_path: Path) -> None:
    _assembly(_cdk_app(tmp_path / "app") / "cdk.out")
    found = discover_all([str(tmp_path)], cwd=tmp_path, cdk_synth=True)
    assert [(s.display, s.kind) for s in found.sources] == [("app", "cdk-app")]
    found = discover_all([str(tmp_path / "app" / "cdk.json")], cwd=tmp_path)
    assert [(s.display, s.kind, s.explicit) for s in found.sources] == [("app/cdk.out", "cdk", True)]


def test_serverless_service_must_be_packaged(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "serverless.yml").write_text(
        "service: x\nresources:\n  Resources:\n    Q: {Type: AWS::SQS::Queue}\n")
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    [source] = found.sources
    assert (source.display, source.kind) == ("svc", "serverless-app")
    assert source.problem is not None
    assert "run `serverless package`" in source.problem
    assert ("svc/serverless.yml", "a project file, not a template") in found.skipped


def test_packaged_serverless_service_lints_the_update_stack_template(tmp_path: Path) -> None:
    packaged = tmp_path / "svc" / ".serverless"
    packaged.mkdir(parents=True)
    (tmp_path / "svc" / "serverless.yml").write_text("service: x\n")
    (packaged / "cloudformation-template-update-stack.json").write_text(JSON_TEMPLATE)
    (packaged / "cloudformation-template-create-stack.json").write_text(JSON_TEMPLATE)
    (packaged / "serverless-state.json").write_text('{"service": {"resources": ' + JSON_TEMPLATE + "}}")
    found = discover_all([str(tmp_path)], cwd=tmp_path)
    assert [s.display for s in found.sources] == ["svc/.serverless/cloudformation-template-update-stack.json"]
    named = discover_all([str(tmp_path / "svc" / "serverless.yml")], cwd=tmp_path)
    assert [(s.display, s.explicit) for s in named.sources] == [
        ("svc/.serverless/cloudformation-template-update-stack.json", True)]
