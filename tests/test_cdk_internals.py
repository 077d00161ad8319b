"""CDK framework internals: the table generated from aws-cdk-lib's source, and recognition from
``aws:cdk:path`` in an assembly and in a single ``*.template.json`` alike.

The generator runs here on a small checked-in sample of aws-cdk-lib's compiled sources
(``tests/data/cdk-lib-sample``, no network); ``make cdk-internals`` regenerates the real table.
"""

from __future__ import annotations

import importlib.util
import json
import re
from types import ModuleType

import pytest

from tests.conftest import ROOT
from tests.lint_helpers import lint
from wa_lint.expand.cdk_internal import data, internal_singleton

SAMPLE = ROOT / "tests" / "data" / "cdk-lib-sample" / "package"
APP = "fixtures/cdk-internals/app"
TEMPLATE = f"{APP}/cdk.out/InternalsStack.template.json"
NESTED = f"{APP}/cdk.out/InternalsStackawscdkawseksKubectlProvider1F2E3D4C.nested.template.json"
#: The rules that report the fixture's internals when they are not recognised (measured on the
#: fixture without recognition): their findings are compared exactly.
CHECKED_RULES = ("WA101", "WA105", "WA109", "WA202", "WA207", "WA501", "WA503", "WA504", "WA505", "WA506")
EXPECTED = [  # (rule, resource): the user's own resources keep their findings
    ("WA101", "Worker7E8F9A0B"),
    ("WA105", "WorkerEventsTopicSub5E6F7A8B"),
    ("WA501", "Worker7E8F9A0B"),
    ("WA504", "Worker7E8F9A0B"),
    ("WA505", "Worker7E8F9A0B"),
]
USER_RESOURCES = {"EventsTopic9A1B2C3D", "Worker7E8F9A0B", "WorkerServiceRoleA1B2C3D4", "WorkerAllowInvoke1A2B3C4D",
                  "WorkerEventsTopicSub5E6F7A8B", "CustomResourceTopicC1D2E3F4"}


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cdk_internals", ROOT / "tools" / "gen_cdk_internals.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_table_is_well_formed_and_records_the_version() -> None:
    table = data()
    assert table["package"] == "aws-cdk-lib"
    assert re.fullmatch(r"2\.\d+\.\d+", table["version"])
    for e in table["entries"]:
        assert set(e) == {"family", "what", "component", "logical_id", "source"}
        re.compile(e["component"])
        if e["logical_id"] is not None:
            re.compile(e["logical_id"])
        assert not re.fullmatch(e["component"], "Resource")
        assert not re.fullmatch(e["component"], "Handler")


@pytest.mark.parametrize("path", [
    "App/MyProvider/framework-onEvent/Resource",
    "App/MyProvider/framework-isComplete/ServiceRole/Resource",
    "App/MyProvider/framework-onTimeout/Resource",
    "App/MyProvider/waiter-state-machine/Resource",
    "App/AWS679f53fac002430cb0da5b7982bd2287/Resource",
    "App/Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C512MiB/Resource",
    "App/Deploy/AwsCliLayer/Resource",
    "App/LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a/ServiceRole/DefaultPolicy/Resource",
    "App/Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler",
    "App/BucketNotificationsHandler050a0587b7544547bf325f094a3db834/Role/Resource",
    "App/@aws-cdk--aws-eks.KubectlProvider/Handler/Resource",
    "App/@aws-cdk--aws-eks.ClusterResourceProvider/OnEventHandler/Resource",
    "App/Custom::AWSCDKOpenIdConnectProviderCustomResourceProvider/Handler",
    "App/AWSCDK.TriggerCustomResourceProviderCustomResourceProvider/Handler",
    "App/Eval078d40d3fb4e4d5394a79c46fc11fe02/Resource",
    "App/Custom::VpcRestrictDefaultSGCustomResourceProvider/Role",
    "App/Custom::CrossRegionExportWriterCustomResourceProvider/Handler",
])
def test_table_covers_the_named_families(path: str) -> None:
    assert internal_singleton(path, "X") is not None


@pytest.mark.parametrize("path", [
    "App/Handler/Resource", "App/Provider/Resource", "App/MyFunction/LogRetention/Resource",
    "App/Singleton/Resource", "App/KubectlProvider/Resource", "App/framework-onEventual/Resource",
])
def test_user_constructs_are_not_internal(path: str) -> None:
    assert internal_singleton(path, "X") is None


def test_regeneration_from_sample_sources() -> None:
    generated, unresolved = _generator().generate(SAMPLE)
    assert generated["version"] == "0.0.0-sample"
    assert unresolved == []
    found = {(e["family"], e["component"], e["logical_id"]) for e in generated["entries"]}
    assert found == {
        ("custom-resource-provider", re.escape("Custom::S3AutoDeleteObjectsCustomResourceProvider"),
         "^CustomS3AutoDeleteObjectsCustomResourceProvider"),
        ("handler-layer", "AwsCliLayer", "AwsCliLayer[0-9A-F]{8}$"),
        ("provider-framework", re.escape("framework-isComplete"), "frameworkisComplete"),
        ("provider-framework", re.escape("framework-onEvent"), "frameworkonEvent"),
        ("provider-framework", re.escape("framework-onTimeout"), "frameworkonTimeout"),
        ("provider-framework", re.escape("waiter-state-machine"), "waiterstatemachine"),
        ("singleton-function", "(?:Custom::CDKBucketDeployment)(?:8693BB64968944B69AAFB0CC9EB8756C)[A-Za-z0-9]*",
         "^(?:CustomCDKBucketDeployment)(?:8693BB64968944B69AAFB0CC9EB8756C)"),
        ("singleton-function", "(?:AWS)(?:679f53fac002430cb0da5b7982bd2287)[A-Za-z0-9]*",
         "^(?:AWS)(?:679f53fac002430cb0da5b7982bd2287)"),
        ("stack-singleton", re.escape("@aws-cdk--aws-eks.KubectlProvider"), "^awscdkawseksKubectlProvider"),
        ("stack-singleton", "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
         "^LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"),
    }


def test_shipped_table_is_what_the_generator_writes() -> None:
    """The checked-in table has the generator's shape (same keys and ordering), so a regeneration
    diff shows only what changed in aws-cdk-lib."""
    table = data()
    order = [(e["family"], e["source"], e["component"]) for e in table["entries"]]
    assert order == sorted(order)
    assert table["generated_by"] == "tools/gen_cdk_internals.py"


def _findings(*paths: str) -> list[tuple[str, str]]:
    results = lint(*paths)
    assert results, [r.error for r in results]
    assert all(r.error is None for r in results), [r.error for r in results]
    return sorted((f.rule, f.resource) for r in results for f in r.findings)


@pytest.mark.parametrize("paths", [(APP,), (TEMPLATE, NESTED)], ids=["assembly", "single-templates"])
def test_internals_are_skipped_in_assembly_and_single_template(paths: tuple[str, ...]) -> None:
    found = _findings(*paths)
    assert {res for _, res in found} <= USER_RESOURCES, "a finding on a CDK framework internal"
    assert [f for f in found if f[0] in CHECKED_RULES] == sorted(EXPECTED)


def test_fixture_expected_file() -> None:
    """The fixture's expected findings, kept beside it for readers."""
    expected = json.loads((ROOT / "fixtures" / "cdk-internals" / "app.expected.json").read_text(encoding="utf-8"))
    assert [tuple(e) for e in expected] == sorted(EXPECTED)
