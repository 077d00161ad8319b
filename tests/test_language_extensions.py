"""The ``AWS::LanguageExtensions`` expansion: loops, functions, marks and errors.

Fixtures live in ``fixtures/loader/language-extensions``: each ``<case>.yaml`` with a
``<case>.expanded.json`` must expand to exactly that JSON. Templates are read with a small
marking YAML reader defined here, so these tests do not depend on the loader module.
"""

from __future__ import annotations

import contextlib
import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import CORPUS, ROOT, require_corpus
from wa_lint.expand.language_extensions import (
    MAX_GENERATED,
    expand_language_extensions,
    uses_language_extensions,
)
from wa_lint.model import InputError, Mark, MarkedDict, Unknown, mark_of

FIXTURES = ROOT / "fixtures" / "loader" / "language-extensions"

_FUNCTIONS = {
    "Ref", "Condition", "GetAtt", "Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join",
    "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Length",
    "ToJsonString",
}  # fmt: skip


# -- a small YAML reader that keeps marks, enough for fixtures and the corpus --------------------


def load_yaml(text: str) -> Any:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _construct(loader, node)  # None: an empty document, as yaml.safe_load
    finally:
        loader.dispose()


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        value: Any = MarkedDict()
        value.mark = _mark(node)
        for key_node, value_node in node.value:
            key = _construct(loader, key_node)
            value[key] = _construct(loader, value_node)
            value.key_marks[key] = _mark(key_node)
    elif isinstance(node, yaml.SequenceNode):
        value = [_construct(loader, item) for item in node.value]
    elif node.tag.startswith("!"):
        value = node.value
    else:
        value = loader.construct_object(node, deep=True)
    return _short_form(node, value) if node.tag.startswith("!") else value


def _short_form(node: yaml.Node, value: Any) -> Any:
    name = node.tag[1:]
    if name not in _FUNCTIONS:
        return Unknown(f"YAML tag {node.tag}")
    if name == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"
    out = MarkedDict({key: value})
    out.mark = _mark(node)
    out.key_marks[key] = _mark(node)
    return out


def load_fixture(name: str) -> Any:
    return load_yaml((FIXTURES / name).read_text())


def expand_fixture(name: str) -> Any:
    return expand_language_extensions(load_fixture(name), f"fixtures/{name}")


def plain(value: Any) -> Any:
    """The expanded template as JSON data, for exact comparisons."""
    return json.loads(json.dumps(value))


# -- detection and Transform -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("transform", "expected"),
    [
        ("AWS::LanguageExtensions", True),
        (["AWS::LanguageExtensions", "AWS::Serverless-2016-10-31"], True),
        ("AWS::Serverless-2016-10-31", False),
        ([{"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}], False),
        (None, False),
    ],
)
def test_uses_language_extensions(transform: Any, expected: bool) -> None:
    assert uses_language_extensions({"Transform": transform, "Resources": {}}) is expected


def test_not_a_template_does_not_use_the_transform() -> None:
    assert uses_language_extensions([]) is False  # type: ignore[arg-type]


def test_string_transform_is_removed() -> None:
    template = load_yaml("Transform: AWS::LanguageExtensions\nResources: {}\n")
    out = expand_language_extensions(template, "t.yaml")
    assert out == {"Resources": {}}
    assert isinstance(out, MarkedDict)
    assert "Transform" not in out.key_marks


def test_transform_list_keeps_other_transforms() -> None:
    out = expand_fixture("transform-list.yaml")
    assert out["Transform"] == ["AWS::Serverless-2016-10-31"]
    assert list(out["Resources"]) == ["ReaderFunction", "WriterFunction"]
    assert out["Resources"]["WriterFunction"]["Properties"]["Handler"] == "Writer.handler"


def test_transform_list_of_only_the_extension_is_removed() -> None:
    out = expand_language_extensions({"Transform": ["AWS::LanguageExtensions"]}, "t.json")
    assert out == {}


# -- Fn::ForEach ---------------------------------------------------------------------------------


def test_foreach_over_resources() -> None:
    resources = expand_fixture("foreach-resources.yaml")["Resources"]
    assert list(resources) == [
        "TopicOrders",
        "TopicPayments",
        "Queueapiexamplecom",
        "Queueweb1examplecom",
        "Dlq",
    ]
    assert plain(resources["TopicPayments"]) == {
        "Type": "AWS::SNS::Topic",
        "Properties": {
            "TopicName": {"Fn::Sub": "Payments-${AWS::StackName}"},
            "DisplayName": "Payments",
        },
    }
    assert plain(resources["Queueweb1examplecom"]) == {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": "web-1.example.com",
            "Tags": [{"Key": "host", "Value": "web-1.example.com"}],
        },
    }


def test_nested_foreach() -> None:
    out = expand_fixture("foreach-nested.yaml")
    assert list(out["Resources"]) == ["S3BucketA", "S3BucketB"]
    assert plain(out["Outputs"]) == {
        "S3BucketAArn": {"Value": {"Fn::GetAtt": ["S3BucketA", "Arn"]}},
        "S3BucketADomainName": {"Value": {"Fn::GetAtt": ["S3BucketA", "DomainName"]}},
        "S3BucketBArn": {"Value": {"Fn::GetAtt": ["S3BucketB", "Arn"]}},
        "S3BucketBDomainName": {"Value": {"Fn::GetAtt": ["S3BucketB", "DomainName"]}},
    }


def test_foreach_in_conditions_outputs_and_properties() -> None:
    out = expand_fixture("foreach-sections.yaml")
    assert plain(out["Conditions"]) == {
        "Isdev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]},
        "Isprod": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]},
    }
    assert plain(out["Resources"]["Function"]["Properties"]["Environment"]) == {
        "Variables": {
            "MODE": "fast",
            "TABLE_NAME": {"Fn::Sub": "TABLE-${Stage}"},
            "QUEUE_NAME": {"Fn::Sub": "QUEUE-${Stage}"},
        }
    }
    assert out["Resources"]["Alarmprod"]["Condition"] == "Isprod"
    assert plain(out["Outputs"]) == {
        "devAlarmName": {
            "Condition": "Isdev",
            "Value": {"Ref": "Alarmdev"},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-dev-alarm"}},
        },
        "prodAlarmName": {
            "Condition": "Isprod",
            "Value": {"Ref": "Alarmprod"},
            "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-prod-alarm"}},
        },
    }


def test_collections_from_parameters_mappings_and_split() -> None:
    resources = expand_fixture("collection-sources.yaml")["Resources"]
    assert list(resources) == [
        "Queuea",
        "Queueb",
        "Queuec",
        "Group80",
        "Group443",
        "Bucketlogs",
        "Bucketdata",
        "Topicx",
        "Topicy",
        "Tablesvc",
        "Table7",
    ]
    assert resources["Group443"]["Properties"]["GroupDescription"] == "port 443"


def test_unknown_collection_drops_the_loop() -> None:
    template = {
        "Transform": "AWS::LanguageExtensions",
        "Resources": {
            "Fn::ForEach::Tagged": ["Name", Unknown("YAML tag !Rain::Names"), {"Q${Name}": {}}],
            "Fn::ForEach::Items": ["Name", ["a", Unknown("tag")], {"R${Name}": {}}],
            "Fn::ForEach::Cond": ["Name", {"Fn::If": ["C", ["a"], ["b"]]}, {"S${Name}": {}}],
            "Fn::ForEach::Whole": Unknown("tag"),
            "Kept": {"Type": "AWS::SQS::Queue"},
        },
    }
    out = expand_language_extensions(template, "t.json")
    assert out == {"Resources": {"Kept": {"Type": "AWS::SQS::Queue"}}}


def test_empty_collection_generates_nothing() -> None:
    template = {"Resources": {"Fn::ForEach::None": ["N", [], {"Q${N}": {"Type": "AWS::SQS::Queue"}}]}}
    assert expand_language_extensions(template, "t.json") == {"Resources": {}}


# -- the other functions -------------------------------------------------------------------------


def test_length_tojsonstring_and_findinmap_default() -> None:
    resources = expand_fixture("functions.yaml")["Resources"]
    queue = resources["Queue"]["Properties"]
    assert queue["DelaySeconds"] == 3
    assert queue["MaximumMessageSize"] == 3
    assert plain(queue["MessageRetentionPeriod"]) == {"Fn::Length": {"Ref": "Vpcs"}}
    assert queue["RedrivePolicy"] == (
        '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:dlq","maxReceiveCount":5}'
    )
    assert plain(queue["RedriveAllowPolicy"]) == {
        "Fn::ToJsonString": {
            "redrivePermission": "byQueue",
            "sourceQueueArns": [{"Fn::GetAtt": ["Other", "Arn"]}],
        }
    }
    function = resources["Function"]["Properties"]
    assert function["MemorySize"] == 128
    assert function["Timeout"] == 1024
    assert function["EphemeralStorage"] == {"Size": 2048}
    assert plain(function["Description"]) == {
        "Fn::FindInMap": ["Sizes", {"Ref": "AWS::Region"}, "Memory", {"DefaultValue": "none"}]
    }
    assert plain(function["Handler"]) == {"Fn::FindInMap": ["Missing", "dev", "Memory"]}


def test_tojsonstring_inside_a_loop_sees_the_item() -> None:
    template = {
        "Resources": {
            "Fn::ForEach::Q": [
                "N",
                ["a"],
                {"Q${N}": {"Properties": {"Policy": {"Fn::ToJsonString": {"name": {"Ref": "N"}}}}}},
            ]
        }
    }
    out = expand_language_extensions(template, "t.json")
    assert out["Resources"]["Qa"]["Properties"]["Policy"] == '{"name":"a"}'


def test_findinmap_default_inside_a_loop() -> None:
    template = {
        "Mappings": {"Memory": {"Size": {"big": 1024}}},
        "Resources": {
            "Fn::ForEach::F": [
                "N",
                ["big", "small"],
                {
                    "F${N}": {
                        "Properties": {
                            "MemorySize": {"Fn::FindInMap": ["Memory", "Size", {"Ref": "N"}, {"DefaultValue": 128}]}
                        }
                    }
                },
            ]
        },
    }
    resources = expand_language_extensions(template, "t.json")["Resources"]
    assert resources["Fbig"]["Properties"]["MemorySize"] == 1024
    assert resources["Fsmall"]["Properties"]["MemorySize"] == 128


# -- marks, copies and errors --------------------------------------------------------------------


def test_generated_keys_point_at_their_loop() -> None:
    out = expand_fixture("foreach-resources.yaml")
    resources = out["Resources"]
    assert isinstance(out, MarkedDict)
    assert isinstance(resources, MarkedDict)
    assert mark_of(resources, "TopicOrders") == Mark(4, 3)
    assert mark_of(resources, "TopicPayments") == Mark(4, 3)
    assert mark_of(resources, "Queueweb1examplecom") == Mark(12, 3)
    assert mark_of(resources, "Dlq") == Mark(22, 3)
    topic = resources["TopicPayments"]
    assert isinstance(topic, MarkedDict)
    assert isinstance(topic["Properties"], MarkedDict)
    assert mark_of(topic, "Properties") == Mark(9, 9)
    assert mark_of(topic["Properties"], "DisplayName") == Mark(11, 11)
    assert topic is not resources["TopicOrders"]
    assert topic["Properties"] is not resources["TopicOrders"]["Properties"]


def test_nested_loop_keys_point_at_the_inner_loop() -> None:
    outputs = expand_fixture("foreach-nested.yaml")["Outputs"]
    assert mark_of(outputs, "S3BucketBArn") == Mark(12, 7)


def test_properties_loop_keys_point_at_the_loop() -> None:
    out = expand_fixture("foreach-sections.yaml")
    variables = out["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    assert mark_of(variables, "MODE") == Mark(23, 11)
    assert mark_of(variables, "QUEUE_NAME") == Mark(24, 11)


def test_input_is_not_mutated() -> None:
    for name in ("foreach-resources.yaml", "foreach-sections.yaml", "functions.yaml"):
        template = load_fixture(name)
        before = copy.deepcopy(template)
        out = expand_language_extensions(template, name)
        assert template == before
        assert template.key_marks == before.key_marks
        assert template["Resources"].key_marks == before["Resources"].key_marks
        assert out is not template


def test_plain_dicts_stay_plain() -> None:
    template = {
        "Transform": "AWS::LanguageExtensions",
        "Resources": {"Fn::ForEach::B": ["I", ["A"], {"B${I}": {"Type": "AWS::S3::Bucket"}}]},
    }
    out = expand_language_extensions(template, "t.json")
    assert type(out) is dict
    assert type(out["Resources"]["BA"]) is dict


@pytest.mark.parametrize(
    ("name", "line", "message"),
    [
        ("malformed-arity.yaml", 5, "Fn::ForEach::Topics: expects [identifier, collection, template]"),
        ("malformed-collection.yaml", 3, "Fn::ForEach::Topics: expects [identifier, collection, template]"),
        ("malformed-identifier.yaml", 5, "Fn::ForEach::Names: expects [identifier, collection, template]"),
        ("duplicate-key.yaml", 3, "duplicate key 'TopicOrders' after expanding Fn::ForEach"),
    ],
)  # fmt: skip
def test_malformed_loops_are_input_errors(name: str, line: int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        expand_fixture(name)
    assert (caught.value.path, caught.value.line, caught.value.message) == (
        f"fixtures/{name}",
        line,
        message,
    )


def test_malformed_template_and_collection_shapes() -> None:
    for value in (["N", ["a"], "not a mapping"], ["N", {"A": 1, "B": 2}, {}], "N"):
        with pytest.raises(InputError, match="expects"):
            expand_language_extensions({"Resources": {"Fn::ForEach::L": value}}, "t.json")


def test_nested_loops_that_multiply_too_far_are_refused() -> None:
    names = [f"n{i}" for i in range(200)]
    inner = {"Fn::ForEach::Inner": ["B", names, {"R${A}x${B}": {"Type": "AWS::SQS::Queue"}}]}
    template = {"Resources": {"Fn::ForEach::Outer": ["A", names, inner]}}
    with pytest.raises(InputError, match=f"Fn::ForEach::Inner: generates more than {MAX_GENERATED} keys"):
        expand_language_extensions(template, "t.json")


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8), st.builds(Unknown))
_KEYS = st.sampled_from(
    ["Fn::ForEach::L", "Ref", "Fn::Sub", "Fn::Length", "Fn::ToJsonString", "Fn::FindInMap", "Fn::Split", "K${I}", "I"]
)
_TREES = st.recursive(
    _SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_KEYS, children, max_size=3),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_TREES)
def test_any_input_expands_or_is_an_input_error_and_is_not_mutated(tree: Any) -> None:
    template = {"Mappings": {"M": {"a": {"b": ["I"]}}}, "Resources": {"Fn::ForEach::Top": ["I", ["x"], {"R": tree}]}}
    before = repr(template)
    with contextlib.suppress(InputError):
        expand_language_extensions(template, "t.json")
    assert repr(template) == before


# -- fixtures and corpus -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(p.name for p in FIXTURES.glob("*.yaml") if p.with_suffix(".expanded.json").exists())
)
def test_fixture_expands_to_its_snapshot(name: str) -> None:
    expected = json.loads((FIXTURES / name).with_suffix(".expanded.json").read_text())
    assert plain(expand_fixture(name)) == expected


def _corpus_templates() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.suffix in (".yaml", ".yml", ".json", ".template")
        and path.is_file()
        and "AWS::LanguageExtensions" in path.read_text(errors="replace")
    )


@pytest.mark.corpus
def test_corpus_has_language_extensions_templates() -> None:
    """The parametrized test below has no case without the corpus: say so here (fails under CI)."""
    require_corpus()
    assert _corpus_templates()


@pytest.mark.corpus
@pytest.mark.parametrize("path", _corpus_templates(), ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_templates_expand(path: Path) -> None:
    text = path.read_text()
    template = json.loads(text) if path.suffix == ".json" else load_yaml(text)
    if not uses_language_extensions(template):
        pytest.skip("mentions the transform without using it")
    out = expand_language_extensions(template, str(path))
    assert not uses_language_extensions(out)
    assert "Fn::ForEach" not in json.dumps(out, default=repr)
    assert set(out.get("Resources", {})) >= {
        key for key in template.get("Resources", {}) if not key.startswith("Fn::ForEach::")
    }
