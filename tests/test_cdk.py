"""CDK cloud assembly expansion: the synthetic fixture, broken assemblies, and the real corpus."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require_corpus
from wa_lint.expand.cdk import is_cdk_assembly, load_cdk_assembly
from wa_lint.expand.cdk_internal import internal_singleton
from wa_lint.model import InputError, Mark, Stack, mark_of

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "loader" / "cdk-app" / "cdk.out"
ASSET = "asset.5f1b1e0c3c1d4e2a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a"
NESTED = "AppStack/NetworkNestedStackNetworkNestedStackResource2BF8A9C4"
INNER = NESTED + "/InnerNestedStackInnerNestedStackResource5E6F7A8B"


def show(path: Path) -> str:
    """Display paths relative to the fixture assembly, as the CLI would relative to the cwd."""
    try:
        return path.relative_to(FIXTURE).as_posix()
    except ValueError:
        return path.as_posix()


def load(directory: Path = FIXTURE) -> tuple[dict[str, Stack], list[InputError]]:
    stacks, errors = load_cdk_assembly(directory, show)
    by_name = {s.name: s for s in stacks}
    assert len(by_name) == len(stacks)
    return by_name, errors


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


def stack_artifact(template: str, **extra: Any) -> dict[str, Any]:
    return {"type": "aws:cloudformation:stack", "properties": {"templateFile": template}, **extra}


QUEUE = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Metadata": {"aws:cdk:path": "Good/Q/Resource"}}}}


def test_fixture_is_an_assembly(tmp_path: Path) -> None:
    assert is_cdk_assembly(FIXTURE)
    assert is_cdk_assembly(FIXTURE / "assembly-Prod")
    assert not is_cdk_assembly(FIXTURE.parent)
    write(tmp_path / "cdk.out" / "manifest.json", "{broken")
    write(tmp_path / "other" / "manifest.json", "{broken")
    assert is_cdk_assembly(tmp_path / "cdk.out")
    assert not is_cdk_assembly(tmp_path / "other")


def test_fixture_stacks_in_order() -> None:
    stacks, errors = load_cdk_assembly(FIXTURE, show)
    assert errors == []
    assert [s.name for s in stacks] == ["AppStack", NESTED, INNER, "Prod-ServiceStack"]
    assert [s.path for s in stacks] == [
        "AppStack.template.json",
        "AppStackNetwork1A2B3C4D.nested.template.json",
        "AppStackNetworkInner9A8B7C6D.nested.template.json",
        "assembly-Prod/ProdServiceStack1A2B3C4D.template.json",
    ]
    assert {s.kind for s in stacks} == {"cdk"}
    assert [s.base_dir for s in stacks] == [FIXTURE, FIXTURE, FIXTURE, FIXTURE / "assembly-Prod"]
    assert all(s.source_text and s.source_text.startswith("{") for s in stacks)


def test_nested_parent_links() -> None:
    stacks, _ = load()
    assert stacks["AppStack"].parent is None
    assert stacks[NESTED].parent == ("AppStack", "NetworkNestedStackNetworkNestedStackResource2BF8A9C4")
    assert stacks[INNER].parent == (NESTED, "InnerNestedStackInnerNestedStackResource5E6F7A8B")
    assert stacks["Prod-ServiceStack"].parent is None
    nested_resource = stacks["AppStack"].resources["NetworkNestedStackNetworkNestedStackResource2BF8A9C4"]
    nested_file = FIXTURE / "AppStackNetwork1A2B3C4D.nested.template.json"
    assert nested_resource.local_paths == {"TemplateURL": nested_file}


def test_construct_paths() -> None:
    stacks, _ = load()
    app = stacks["AppStack"].resources
    assert app["HandlerFCA2A4E1"].construct_path == "AppStack/Handler/Resource"
    assert app["Queue4A7E3555"].construct_path == "AppStack/Queue/Resource"  # from AppStack.metadata.json
    assert stacks[NESTED].resources["Vpc8378EB38"].construct_path == "AppStack/Network/Vpc/Resource"
    # same logical id in parent and inner stack: the metadata entry under the inner stack wins
    assert stacks[INNER].resources["TopicBFC7AF6E"].construct_path == "AppStack/Network/Inner/Topic/Resource"
    prod = stacks["Prod-ServiceStack"].resources
    # from the inline manifest metadata
    assert prod["Bucket83908E77"].construct_path == "Prod/ServiceStack/Bucket/Resource"
    assert all(r.construct_path for s in stacks.values() for r in s.resources.values())


def test_loader_marks_kept() -> None:
    stacks, _ = load()
    app = stacks["AppStack"]
    handler = app.resources["HandlerFCA2A4E1"]
    assert (handler.line, handler.prop_line("Runtime")) == (37, 53)
    assert mark_of(app.parameters, "Email") == Mark(400, 3)  # marks survive dropping BootstrapVersion


def test_manifest_error_line(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", '{\n "artifacts": {\n  "A": {\n   "type": "aws:cloudformation:stack",\n'
          '   "properties": {"templateFile": 3}\n  }\n }\n}')
    stacks, errors = load(tmp_path)
    assert stacks == {}
    assert [(e.line, e.message) for e in errors] == [(5, "stack artifact A has no properties.templateFile")]


def test_cdk_plumbing_dropped() -> None:
    stacks, _ = load()
    assert all("CDKMetadata" not in s.resources for s in stacks.values())
    assert all("BootstrapVersion" not in s.parameters for s in stacks.values())
    assert all(s.conditions == {} for s in stacks.values())  # CDKMetadataAvailable went with CDKMetadata
    app = stacks["AppStack"]
    assert list(app.parameters) == ["Email"]
    assert list(app.outputs) == ["QueueUrl"]
    assert len(app.resources) == 15
    assert [len(stacks[n].resources) for n in (NESTED, INNER, "Prod-ServiceStack")] == [4, 1, 8]


def test_asset_local_paths() -> None:
    stacks, _ = load()
    handler = stacks["AppStack"].resources["HandlerFCA2A4E1"]
    assert handler.local_paths == {"Code": FIXTURE / ASSET}
    assert (handler.local_paths["Code"] / "index.py").is_file()
    prod = stacks["Prod-ServiceStack"].resources
    assert prod["Worker8B2C5F9E"].local_paths == {"Code": FIXTURE / ASSET}  # "../asset.…" from the Stage
    assert prod["DepsLayer7F3E2D1C"].local_paths == {}  # named but not on disk
    log_retention = stacks["AppStack"].resources["LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A"]
    assert log_retention.local_paths == {}


def test_internal_flags() -> None:
    stacks, _ = load()
    internal = sorted(
        f"{s.name}:{r.logical_id}" for s in stacks.values() for r in s.resources.values() if r.internal
    )
    lr = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"
    aws = "AWS679f53fac002430cb0da5b7982bd2287"
    assert internal == sorted([
        f"AppStack:{lr}ServiceRole9741ECFB",
        f"AppStack:{lr}ServiceRoleDefaultPolicyADDA7DEB",
        f"AppStack:{lr}FD4BFC8A",
        "AppStack:MyProviderframeworkonEventServiceRole9FF04296",
        "AppStack:MyProviderframeworkonEventServiceRoleDefaultPolicy48CD2133",
        "AppStack:MyProviderframeworkonEvent83C1D0A7",
        f"{NESTED}:CustomVpcRestrictDefaultSGCustomResourceProviderRole26592FE0",
        f"{NESTED}:CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E",
        f"Prod-ServiceStack:{aws}ServiceRoleC1EA0FF2",
        f"Prod-ServiceStack:{aws}22872D164C4C",
    ])


def test_internal_by_logical_id_without_path() -> None:
    assert internal_singleton(None, "CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F")
    assert internal_singleton(None, "ProviderframeworkonEventServiceRole4A2B1C3D")
    deployment = "CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"
    assert internal_singleton(None, deployment + "ServiceRole89A01265")
    assert internal_singleton(None, "HandlerLogRetention6A2B2D8A") is None
    assert internal_singleton("App/Handler/LogRetention/Resource", "X") is None
    sized = "App/Site/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB/ServiceRole/Resource"
    assert internal_singleton(sized, "X")


def test_missing_template_keeps_other_stacks(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", {"artifacts": {
        "Missing": stack_artifact("Missing.template.json"),
        "Good": stack_artifact("Good.template.json"),
    }})
    write(tmp_path / "Good.template.json", QUEUE)
    stacks, errors = load(tmp_path)
    assert list(stacks) == ["Good"]
    assert [(e.path, e.line) for e in errors] == [((tmp_path / "Missing.template.json").as_posix(), None)]
    assert "not found" in errors[0].message


def test_broken_template_keeps_other_stacks(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", {"artifacts": {
        "Bad": stack_artifact("Bad.template.json"),
        "List": stack_artifact("List.template.json"),
        "Good": stack_artifact("Good.template.json"),
    }})
    write(tmp_path / "Bad.template.json", '{"Resources": {\n  "X": }')
    write(tmp_path / "List.template.json", "[]")
    write(tmp_path / "Good.template.json", QUEUE)
    stacks, errors = load(tmp_path)
    assert list(stacks) == ["Good"]
    found = [(Path(e.path).name, e.line) for e in errors]
    assert found == [("Bad.template.json", 2), ("List.template.json", None)]


def test_bad_manifest(tmp_path: Path) -> None:
    write(tmp_path / "manifest.json", '{"artifacts": ')
    stacks, errors = load(tmp_path)
    assert stacks == {}
    assert len(errors) == 1
    assert errors[0].path.endswith("manifest.json")
    write(tmp_path / "manifest.json", {"artifacts": []})
    assert len(load(tmp_path)[1]) == 1
    write(tmp_path / "manifest.json", {"version": "55.0.0"})  # an app without stacks
    assert load(tmp_path) == ({}, [])
    stacks, errors = load(tmp_path / "nowhere")
    assert stacks == {}
    assert len(errors) == 1


@pytest.mark.parametrize("artifacts", [
    {"A": None},
    {"A": {"type": 42}},
    {"A": {"type": "aws:cloudformation:stack"}},
    {"A": {"type": "aws:cloudformation:stack", "properties": []}},
    {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": 7}}},
    {"A": {"type": "cdk:cloud-assembly", "properties": {"directoryName": None}}},
    {"A": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}}},
    {"A": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "absent"}}},
    {"A": stack_artifact("T.json", metadata=[1], additionalMetadataFile=3)},
    {"A": stack_artifact("T.json", additionalMetadataFile="absent.metadata.json")},
])
def test_odd_manifests_never_crash(tmp_path: Path, artifacts: dict[str, Any]) -> None:
    write(tmp_path / "manifest.json", {"artifacts": artifacts})
    write(tmp_path / "T.json", {"Resources": {
        "X": {"Type": "AWS::SQS::Queue", "Metadata": {"aws:asset:path": 5, "aws:asset:property": "Code"}},
        "N": {"Type": "AWS::CloudFormation::Stack",
              "Metadata": {"aws:asset:path": "\0.nested.template.json"}},
        "Y": "not a resource",
    }, "Parameters": [], "Conditions": None})
    stacks, errors = load(tmp_path)
    assert all(isinstance(e, InputError) for e in errors)
    assert len(stacks) <= 2


def test_nested_stack_cycle_and_missing(tmp_path: Path) -> None:
    def nested(target: str) -> dict[str, Any]:
        return {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": target}}

    write(tmp_path / "manifest.json", {"artifacts": {"Top": stack_artifact("Top.template.json")}})
    write(tmp_path / "Top.template.json", {"Resources": {"Loop": nested("A.nested.template.json"),
                                                         "Gone": nested("Gone.nested.template.json")}})
    write(tmp_path / "A.nested.template.json", {"Resources": {"Back": nested("A.nested.template.json")}})
    stacks, errors = load(tmp_path)
    assert list(stacks) == ["Top", "Top/Loop"]
    names = sorted(Path(e.path).name for e in errors)
    assert names == ["A.nested.template.json", "Gone.nested.template.json"]


def test_v1_asset_metadata_and_absolute_asset(tmp_path: Path) -> None:
    """v1 names assets in manifest ``aws:cdk:asset`` entries; skipped bundling leaves absolute paths."""
    source = tmp_path / "src" / "handler"
    source.mkdir(parents=True)
    param = "AssetParametersabcS3Bucket1234ABCD"
    entry = {"type": "aws:cdk:asset", "data": {"path": "asset.abc", "s3BucketParameter": param}}
    assembly = tmp_path / "cdk.out"
    (assembly / "asset.abc").mkdir(parents=True)
    artifact = stack_artifact("S.template.json", metadata={"/S": [entry]})
    write(assembly / "manifest.json", {"artifacts": {"S": artifact}})
    write(assembly / "S.template.json", {"Resources": {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Bucket": {"Ref": param}}}},
        "Abs": {"Type": "AWS::Lambda::Function", "Metadata": {
            "aws:asset:path": str(source), "aws:asset:property": "Code", "aws:asset:is-bundled": True}},
    }})
    stacks, errors = load(assembly)
    assert errors == []
    assert stacks["S"].resources["Fn"].local_paths == {"Code": assembly / "asset.abc"}
    assert stacks["S"].resources["Abs"].local_paths == {"Code": source}


def test_synthesis_errors_are_a_warning(tmp_path: Path) -> None:
    """An assembly ``cdk synth`` wrote before failing (``Annotations.addError``, cdk-nag's errors)
    is linted with one warning per stack artifact naming the first error, inline or in the
    metadata file; its nested stacks do not repeat it, a clean artifact has none."""
    error = {"type": "aws:cdk:error", "data": "AwsSolutions-L1: not the latest runtime.\nsecond line"}
    nested = {"Type": "AWS::CloudFormation::Stack", "Metadata": {"aws:asset:path": "N.nested.template.json"}}
    write(tmp_path / "manifest.json", {"artifacts": {
        "Inline": stack_artifact("Inline.template.json", metadata={"/Inline/Fn/Resource": [error, error]}),
        "InFile": stack_artifact("InFile.template.json", additionalMetadataFile="InFile.metadata.json"),
        "Clean": stack_artifact("Clean.template.json", additionalMetadataFile="Clean.metadata.json"),
    }})
    write(tmp_path / "Inline.template.json", {"Resources": {"Child": nested}})
    write(tmp_path / "N.nested.template.json", QUEUE)
    write(tmp_path / "InFile.template.json", QUEUE)
    write(tmp_path / "Clean.template.json", QUEUE)
    write(tmp_path / "InFile.metadata.json", '{\n"/InFile/Q/Resource": [\n{"type": "aws:cdk:error", "data": "boom"}]}')
    write(tmp_path / "Clean.metadata.json", {"/Clean/Q/Resource": [{"type": "aws:cdk:warning", "data": "minor"}]})
    loaded, errors = load_cdk_assembly(tmp_path, lambda p: p.relative_to(tmp_path).as_posix())
    stacks = {s.name: s for s in loaded}
    assert errors == []
    assert stacks["Inline"].warnings == [
        "manifest.json:1: the cloud assembly records 2 CDK synthesis error(s) (aws:cdk:error), which cdk synth "
        "reports and fails on: /Inline/Fn/Resource: AwsSolutions-L1: not the latest runtime. (and 1 more)"]
    assert stacks["Inline/Child"].warnings == []
    assert stacks["InFile"].warnings == [
        "InFile.metadata.json:3: the cloud assembly records 1 CDK synthesis error(s) (aws:cdk:error), which cdk "
        "synth reports and fails on: /InFile/Q/Resource: boom"]
    assert stacks["Clean"].warnings == []


def test_a_transform_on_a_cdk_stack_is_a_warning(tmp_path: Path) -> None:
    """CDK stacks are linted as synthesized: a transform added with ``stack.addTransform`` (SAM
    in a CDK app) is not expanded, and the warning says so."""
    write(tmp_path / "manifest.json", {"artifacts": {"S": stack_artifact("S.template.json")}})
    write(tmp_path / "S.template.json", '{\n "Transform": "AWS::Serverless-2016-10-31",\n "Resources": '
                                        '{"Q": {"Type": "AWS::SQS::Queue"}}}')
    [stack], errors = load_cdk_assembly(tmp_path, lambda p: p.relative_to(tmp_path).as_posix())
    assert errors == []
    assert stack.warnings == ["S.template.json:2: transform AWS::Serverless-2016-10-31 is not run by wa-lint on a CDK "
                              "stack: the resources it adds or changes are not linted"]


def test_copied_fixture_with_relative_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative assembly directory (as typed on the command line) still finds Stage assets."""
    shutil.copytree(FIXTURE, tmp_path / "cdk.out")
    monkeypatch.chdir(tmp_path)
    stacks, errors = load_cdk_assembly(Path("cdk.out"), str)
    assert errors == []
    assert len(stacks) == 4
    assert stacks[0].path == "cdk.out/AppStack.template.json"
    worker = stacks[3].resources["Worker8B2C5F9E"]
    assert worker.local_paths["Code"] == tmp_path / "cdk.out" / ASSET


@pytest.mark.corpus
def test_corpus_loads_without_errors() -> None:
    """Every real assembly loads without an error, and what the loader keeps agrees with the
    templates on disk: every resource but CDK's plumbing, each with its construct path, nested
    stacks linked to a stack resource of their parent."""
    assemblies = sorted(require_corpus("cdk").glob("*/cdk.out"))
    assert assemblies, "the CDK corpus holds no cdk.out directory"
    for assembly in assemblies:
        assert is_cdk_assembly(assembly)
        loaded, errors = load_cdk_assembly(assembly, str)
        assert errors == [], assembly
        assert loaded, f"{assembly} has no stack"
        by_name = {s.name: s for s in loaded}
        for stack in loaded:
            assert stack.source_text is not None
            written = json.loads(stack.source_text).get("Resources", {})
            kept = [name for name, res in written.items() if res.get("Type") != "AWS::CDK::Metadata"]
            assert sorted(stack.resources) == sorted(kept), stack.path
            assert all(r.construct_path for r in stack.resources.values()), stack.path
            assert "BootstrapVersion" not in stack.parameters
            if stack.parent is not None:
                parent, resource = stack.parent
                assert by_name[parent].resources[resource].type == "AWS::CloudFormation::Stack"
