"""The template loader: long-form intrinsics, CloudFormation's scalar types, marks, bad input."""

from __future__ import annotations

import copy
import json
import math
import pickle
import time
from pathlib import Path
from typing import Any

import pytest

from wa_lint.load import MAX_FILE_BYTES, load_file, load_text, yaml_loader
from wa_lint.model import DuplicateKey, InputError, Mark, MarkedDict, Unknown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "loader"
CORPUS = ROOT.parent / "shared" / "corpus"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")


def load_fixture(name: str) -> Any:
    return load_file(FIXTURES / name, name)[0]


def error_of(text: str, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load_text(text, "t.yaml", **kwargs)
    return info.value


def file_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_file(path, path.name)
    return info.value


# --- short-form tags ----------------------------------------------------------------------------


def test_every_short_form_tag_becomes_its_long_form() -> None:
    data = load_fixture("tags.yaml")
    unknown = {k: data.pop(k) for k in ("UnknownScalar", "UnknownMapping", "UnknownSequence")}
    assert data == {
        "Ref": {"Ref": "Bucket"},
        "GetAttDot": {"Fn::GetAtt": ["Bucket", "Arn"]},
        "GetAttNested": {"Fn::GetAtt": ["Stack", "Outputs.BucketName"]},
        "GetAttList": {"Fn::GetAtt": ["Bucket", "Arn"]},
        "Sub": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}"},
        "SubList": {"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Bucket"}}]},
        "Join": {"Fn::Join": [",", ["a", "b"]]},
        "Select": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
        "Split": {"Fn::Split": [",", "a,b"]},
        "If": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]},
        "Equals": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "And": {"Fn::And": [{"Condition": "A"}, {"Condition": "B"}]},
        "Or": {"Fn::Or": [{"Condition": "A"}, {"Fn::Not": [{"Condition": "B"}]}]},
        "FindInMap": {"Fn::FindInMap": ["Map", {"Ref": "AWS::Region"}, "Ami"]},
        "Base64": {"Fn::Base64": "hello"},
        "Cidr": {"Fn::Cidr": ["10.0.0.0/16", 4, 8]},
        "GetAZs": {"Fn::GetAZs": ""},
        "ImportValue": {"Fn::ImportValue": "shared-vpc"},
        "Transform": {"Fn::Transform": {"Name": "AWS::Include", "Parameters": {"Location": "s3://b/k"}}},
        "ForEach": {"Fn::ForEach": ["Topic", ["a", "b"], {"${Topic}": {"Type": "AWS::SNS::Topic"}}]},
        "Length": {"Fn::Length": [1, 2, 3]},
        "ToJsonString": {"Fn::ToJsonString": {"a": 1}},
        "ValueOf": {"Fn::ValueOf": ["Param", "Attr"]},
        "Contains": {"Fn::Contains": [["a", "b"], {"Ref": "P"}]},
        "EachMemberEquals": {"Fn::EachMemberEquals": [{"Fn::RefAll": "AWS::EC2::VPC::Id"}, "vpc-1"]},
        "EachMemberIn": {"Fn::EachMemberIn": [["a"], ["a", "b"]]},
        "GetStackOutput": {"Fn::GetStackOutput": {"StackName": "other", "OutputName": "Arn"}},
    }
    assert all(isinstance(v, Unknown) for v in unknown.values())
    assert [v.reason for v in unknown.values()] == [
        "unknown tag !Rain::Module",
        "unknown tag !Whatever",
        "unknown tag !Whatever",
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("!GetAtt A.B", ["A", "B"]),
        ("!GetAtt A.B.C", ["A", "B.C"]),
        ("!GetAtt Stack.Outputs.Url", ["Stack", "Outputs.Url"]),
        ("!GetAtt [A, B.C]", ["A", "B.C"]),
        ("!GetAtt [A, !Ref Attr]", ["A", {"Ref": "Attr"}]),
        ("!GetAtt A", ["A"]),
    ],
)
def test_getatt_forms(source: str, expected: list[Any]) -> None:
    assert load_text(f"Value: {source}\n", "t.yaml") == {"Value": {"Fn::GetAtt": expected}}


def test_long_form_dicts_are_marked_at_the_tag() -> None:
    data = load_text("Outputs:\n  Arn:\n    Value: !GetAtt [Fn, Arn]\n  Id: !Ref Fn\n", "t.yaml")
    value = data["Outputs"]["Arn"]["Value"]
    assert isinstance(value, MarkedDict)
    assert value.mark == Mark(3, 12)
    assert value.key_marks == {"Fn::GetAtt": Mark(3, 12)}
    assert data["Outputs"]["Id"].mark == Mark(4, 7)


def test_unknown_tag_does_not_fail_the_rest_of_the_template() -> None:
    data = load_text("A: !Rain::Module x\nB: !Custom\n  c: 1\nC: 2\n", "t.yaml")
    assert isinstance(data["A"], Unknown)
    assert data["A"].reason == "unknown tag !Rain::Module"
    assert isinstance(data["B"], Unknown)
    assert data["B"].reason == "unknown tag !Custom"
    assert data["C"] == 2


def test_intrinsic_tag_on_a_key_is_an_error() -> None:
    error = error_of("Top:\n  !Ref X: 1\n")
    assert (error.line, error.message) == (2, "tag !Ref is not allowed on a mapping key")


# --- scalar types ------------------------------------------------------------------------------


def test_yaml_1_1_traps_stay_strings() -> None:
    data = load_fixture("traps.yaml")
    assert math.isinf(data.pop("Infinity"))
    assert data == {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Timestamp": "2001-12-14t21:59:43.10-05:00",
        "on": "yes",
        "off": "no",
        "y": "n",
        "Yes": "On",
        "Sexagesimal": "1:20",
        "Octal": "0755",
        "AccountId": "012345678901",
        "Hex": 31,
        "CoreOctal": 15,
        "Int": 42,
        "Negative": -7,
        "Float": 1.5,
        "Version": 3.1,
        "Exponent": 1000.0,
        "TrueLower": True,
        "TrueUpper": True,
        "FalseMixed": False,
        "Tilde": None,
        "Null": None,
        "Empty": None,
        "Quoted": "true",
        "Underscore": "1_000",
        "200": "OK",
        "true": "key",
        "null": "key too",
    }
    assert all(type(k) is str for k in data)


def test_explicit_yaml_tags() -> None:
    data = load_text("a: !!str 5\nb: !!int '7'\nc: !!float 2\nd: !!bool TRUE\ne: !!null ''\n", "t.yaml")
    assert data == {"a": "5", "b": 7, "c": 2.0, "d": True, "e": None}
    assert type(data["c"]) is float
    assert error_of("a: !!int x\n").message == "invalid !!int value 'x'"


def test_block_scalars_and_null_sections() -> None:
    data = load_text("Parameters:\nConditions: {}\nCode: |\n  line 1\n  line 2\nNote: >-\n  a\n  b\n", "t")
    assert data == {"Parameters": None, "Conditions": {}, "Code": "line 1\nline 2\n", "Note": "a b"}


# --- duplicate keys ---------------------------------------------------------------------------


def test_duplicate_key_yaml_names_both_lines() -> None:
    error = file_error(FIXTURES / "duplicate-key.yaml")
    assert str(error) == "duplicate-key.yaml:7: duplicate key 'Handler' (first defined on line 5)"


def test_duplicate_key_json_names_both_lines() -> None:
    error = file_error(FIXTURES / "duplicate-key.json")
    assert (error.path, error.line) == ("duplicate-key.json", 6)
    assert error.message == "duplicate key 'Handler' (first defined on line 3)"


def test_duplicate_key_in_flow_mapping_and_nested_json() -> None:
    assert error_of("a: {x: 1,\n  x: 2}\n").message == "duplicate key 'x' (first defined on line 1)"
    error = error_of('{"a": {"b": 1},\n "c": {"d": 1,\n  "d": 2}}', json_hint=True)
    assert (error.line, error.message) == (3, "duplicate key 'd' (first defined on line 2)")


def test_collected_duplicate_keys_keep_the_last_value_as_sam_cli_does() -> None:
    found: list[DuplicateKey] = []
    data, _ = load_file(FIXTURES / "duplicate-key.yaml", "d.yaml", found)
    props = data["Resources"]["Handler"]["Properties"]
    assert props == {"Handler": "app.handler", "Runtime": "python3.12"}
    assert props.key_marks["Handler"].line == 7  # the value that is read
    assert found == [DuplicateKey("Handler", 5, 7, ("Resources", "Handler", "Properties"))]


def test_collected_duplicate_keys_json_with_their_place() -> None:
    found: list[DuplicateKey] = []
    data, _ = load_file(FIXTURES / "duplicate-key.json", "d.json", found)
    assert list(data["Resources"]) == ["Handler"]
    assert data["Resources"].key_marks["Handler"].line == 6
    assert found == [DuplicateKey("Handler", 3, 6, ("Resources",))]
    found.clear()
    text = '{"a": [1, {"b": {"c": 1,\n "c": {"d": 2}}}],\n "e": {"f": 0, "f": 1, "f": 2}}'
    assert load_text(text, "t.json", duplicates=found) == {"a": [1, {"b": {"c": {"d": 2}}}], "e": {"f": 2}}
    assert found == [DuplicateKey("c", 1, 2, ("a", 1, "b")), DuplicateKey("f", 3, 3, ("e",)),
                     DuplicateKey("f", 3, 3, ("e",))]


def test_collected_duplicate_keys_yaml_in_lists_flow_mappings_and_tags() -> None:
    found: list[DuplicateKey] = []
    text = "A:\n  - x\n  - {k: 1, k: 2}\nB: !If [C, {m: 1,\n  m: 2}, x]\nA: 3\n"
    assert load_text(text, "t", duplicates=found) == {"A": 3, "B": {"Fn::If": ["C", {"m": 2}, "x"]}}
    assert found == [DuplicateKey("k", 3, 3, ("A", 1)), DuplicateKey("m", 4, 5, ("B", 1)),
                     DuplicateKey("A", 1, 6, ())]


def test_same_key_in_different_mappings_is_fine() -> None:
    assert load_text("a: {x: 1}\nb: {x: 2}\n", "t") == {"a": {"x": 1}, "b": {"x": 2}}


# --- marks ------------------------------------------------------------------------------------


def test_yaml_marks_of_resources_and_nested_properties() -> None:
    data = load_fixture("marks.yaml")
    assert data.key_marks["Resources"] == Mark(10, 1)
    resources = data["Resources"]
    assert resources.key_marks == {"Queue": Mark(11, 3), "Handler": Mark(14, 3)}
    props = resources["Handler"]["Properties"]
    assert props.mark == Mark(17, 7)
    assert props.key_marks == {
        "Runtime": Mark(17, 7),
        "Environment": Mark(18, 7),
        "Events": Mark(22, 7),
        "Policies": Mark(26, 7),
    }
    variables = props["Environment"]["Variables"]
    assert variables.key_marks == {"QUEUE_URL": Mark(20, 11), "STAGE": Mark(21, 11)}
    assert variables["QUEUE_URL"].mark == Mark(20, 22)
    flow = props["Events"]["FromQueue"]["Properties"]
    assert flow.mark == Mark(25, 23)
    assert flow.key_marks == {"Queue": Mark(25, 24), "BatchSize": Mark(25, 50)}
    policy = props["Policies"][0]
    assert policy.mark == Mark(27, 11)
    assert policy["SQSPollerPolicy"].key_marks["QueueName"] == Mark(28, 13)
    assert data["Outputs"]["QueueArn"].key_marks["Value"] == Mark(32, 5)


def test_json_marks_of_resources_and_nested_properties() -> None:
    data = load_fixture("marks.json")
    assert data.mark == Mark(1, 1)
    assert data.key_marks == {
        "AWSTemplateFormatVersion": Mark(2, 3),
        "Parameters": Mark(3, 3),
        "Resources": Mark(9, 3),
    }
    resources = data["Resources"]
    assert resources.mark == Mark(9, 16)
    assert resources.key_marks == {"Queue": Mark(10, 5), "Handler": Mark(13, 5)}
    props = resources["Handler"]["Properties"]
    assert props.key_marks == {"Runtime": Mark(16, 9), "Environment": Mark(17, 9), "Tags": Mark(25, 9)}
    variables = props["Environment"]["Variables"]
    assert variables.key_marks == {"QUEUE_URL": Mark(19, 13), "NOTE": Mark(22, 13)}
    assert variables["NOTE"] == 'braces { } and "quotes": inside strings'
    tag = props["Tags"][0]
    assert (tag.mark, tag.key_marks) == (Mark(26, 11), {"Key": Mark(27, 13), "Value": Mark(28, 13)})
    assert tag["Value"].key_marks == {"Ref": Mark(29, 15)}


def test_json_marks_on_one_long_line_and_with_escapes() -> None:
    data = load_text('{"a\\"b": {"c": "}{\\\\"}, "d": [{"e": 1}]}', "t.json", json_hint=True)
    assert data.key_marks == {'a"b': Mark(1, 2), "d": Mark(1, 25)}
    assert data['a"b'].key_marks == {"c": Mark(1, 11)}
    assert data["d"][0].key_marks == {"e": Mark(1, 32)}


def test_columns_count_characters_not_bytes() -> None:
    assert load_text("é: {a: 1}\n", "t")["é"].key_marks == {"a": Mark(1, 5)}
    assert load_text('{"é": {"a": 1}}', "t")["é"].key_marks == {"a": Mark(1, 8)}


def test_loaded_templates_pickle_with_their_marks() -> None:
    for name in ("marks.yaml", "marks.json"):
        data = load_fixture(name)
        copy = pickle.loads(pickle.dumps(data))
        assert copy == data
        assert copy["Resources"].key_marks == data["Resources"].key_marks


# --- anchors and aliases ----------------------------------------------------------------------


def test_aliases_share_the_anchored_value_and_merge_keys_are_plain_keys() -> None:
    data = load_fixture("anchors.yaml")
    assert data["Resources"]["A"]["Properties"] is data["Globals"]
    # YAML 1.2 (and CloudFormation) has no merge key: "<<" is an ordinary key
    assert data["Resources"]["B"]["Properties"] == {
        "<<": {"Runtime": "python3.12", "Timeout": 10},
        "Timeout": 30,
    }


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 9):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    started = time.perf_counter()
    error = error_of("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert error.message == "aliases expand too much (a 'billion laughs' document?)"


def test_too_many_alias_uses_are_refused() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 10_001) + "]\n"
    assert error_of(text).message == "aliases expand too much (a 'billion laughs' document?)"


def test_recursive_and_undefined_aliases() -> None:
    error = error_of("a: &x [1, *x]\n")
    assert (error.line, error.message) == (1, "alias *x refers to an undefined or enclosing anchor")
    assert error_of("a: 1\nb: *nope\n").line == 2


# --- nesting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("levels", [10_000, 1_000_000])
@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("yaml-flow", lambda n: "[" * n + "]" * n),
        ("yaml-block", lambda n: "- " * n + "x\n"),
        ("yaml-mapping", lambda n: "{a: " * n + "1" + "}" * n),
        ("json-array", lambda n: "[" * n + "]" * n),
        ("json-object", lambda n: '{"a": ' * n + "1" + "}" * n),
    ],
)
def test_deep_nesting_is_an_input_error(kind: str, make: Any, levels: int) -> None:
    error = error_of(make(levels), json_hint=kind.startswith("json"))
    assert error.message == f"nesting deeper than {yaml_loader.MAX_DEPTH} levels"


def test_nesting_just_over_the_limit_names_the_line() -> None:
    depth = yaml_loader.MAX_DEPTH
    assert error_of("a:\n  " + "[" * depth + "]" * depth).line == 2
    text = '{"a":\n' * (depth + 1) + "1" + "}" * (depth + 1)
    assert error_of(text, json_hint=True).line == depth + 1
    assert load_text("[" * depth + "]" * depth, "t") is not None
    assert error_of("a: " + "!If [" * (depth // 2) + "]" * (depth // 2)).line == 1  # Fn::If dicts count


def test_data_at_the_nesting_limit_survives_recursive_consumers() -> None:
    depth = yaml_loader.MAX_DEPTH
    for text in ("{a: " * depth + "1" + "}" * depth, '{"a": ' * depth + "1" + "}" * depth):
        data = load_text(text, "t")
        assert copy.deepcopy(data) == data
        assert json.loads(json.dumps(data)) == data


# --- JSON or YAML ------------------------------------------------------------------------------


def test_template_file_with_json_uses_json() -> None:
    data = load_fixture("serverless.template")
    assert data["Resources"]["Fn"]["Properties"]["Runtime"] == "dotnet8"
    assert data["Resources"].key_marks["Fn"] == Mark(5, 5)


def test_brace_text_that_is_not_json_is_read_as_yaml() -> None:
    assert load_text("{a: 1, b: !Ref X}", "t.template") == {"a": 1, "b": {"Ref": "X"}}
    error = error_of('{"a": 1,\n "b" 2}')
    assert (error.line, error.message) == (2, "invalid JSON: Expecting ':' delimiter (column 6)")


def test_json_files_are_strict(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("Resources: {}\n")
    error = file_error(path)
    assert (error.line, error.message) == (1, "invalid JSON: Expecting value (column 1)")


def test_yaml_reads_json_text() -> None:
    data = load_text('{"a": [1, {"b": null}]}', "t.yaml", json_hint=False)
    assert data == {"a": [1, {"b": None}]}


# --- bad input --------------------------------------------------------------------------------


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"a: 1\nb: 2\nc: caf\xe9\n")
    error = file_error(path)
    assert (error.line, error.message) == (3, "invalid UTF-8 (byte 0xe9)")


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert file_error(path).message == "binary file, not a template"


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_bytes("a: 1\n".encode("utf-16"))
    assert file_error(path).message == "file is UTF-16/UTF-32 encoded; save it as UTF-8"


@pytest.mark.parametrize("content", ["", "   \n\t\n", "\ufeff", "# just a comment\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(content, encoding="utf-8")
    error = file_error(path)
    assert (error.line, error.message) == (None, "empty file")
    assert str(error) == "t.yaml: empty file"


def test_null_document() -> None:
    assert error_of("---\n").message == "empty document (null)"
    assert error_of("null", json_hint=True).message == "empty document (null)"


def test_syntax_error_line() -> None:
    error = file_error(FIXTURES / "syntax-error.yaml")
    assert str(error) == "syntax-error.yaml:5: invalid YAML: mapping values are not allowed in this context"


def test_syntax_error_message_is_one_line() -> None:
    error = error_of("a:\n  b: 1\n c: 2\n")
    assert error.line == 3
    assert "\n" not in error.message
    assert error.message.startswith("invalid YAML: ")


def test_tab_indentation_and_control_characters() -> None:
    assert error_of("a:\n\tb: 1\n").line == 2
    error = error_of("é: 1\nb: \x07\n")
    assert (error.line, error.message) == (2, "invalid YAML: control characters are not allowed (U+0007)")


def test_multiple_documents_are_refused() -> None:
    error = file_error(FIXTURES / "multi-document.yaml")
    assert (error.line, error.message) == (4, "more than one YAML document (CloudFormation reads one)")


def test_bom_is_accepted(tmp_path: Path) -> None:
    data, text = load_file(FIXTURES / "bom.yaml", "bom.yaml")
    assert data == {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
    assert data.key_marks["Resources"] == Mark(1, 1)
    assert not text.startswith("\ufeff")
    path = tmp_path / "t.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert load_file(path, "t.json")[0].key_marks == {"a": Mark(1, 2)}
    assert load_text("\ufeffa: 1", "t") == {"a": 1}


def test_file_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    assert file_error(path).message == "file too large (50.0 MB; the limit is 50 MB)"


def test_unreadable_paths(tmp_path: Path) -> None:
    assert file_error(tmp_path / "missing.yaml").message == "cannot read file: No such file or directory"
    assert file_error(tmp_path).message == "cannot read file: Is a directory"


def test_non_string_keys_and_lone_surrogates() -> None:
    assert error_of("? [a, b]\n: 1\n").message == "a mapping key must be a string, not a collection"
    assert error_of("a: '\ud800'\n").message == "text is not valid Unicode (lone surrogate)"


# --- the pure-Python parser (PyYAML without libyaml) gives the same result --------------------


@pytest.mark.parametrize("name", ["tags.yaml", "marks.yaml", "traps.yaml", "anchors.yaml"])
def test_python_parser_matches_the_c_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = load_fixture(name)
    monkeypatch.setattr(yaml_loader, "Parser", yaml_loader.PyParser)
    slow = load_fixture(name)
    assert repr(slow) == repr(fast)
    assert _all_marks(slow) == _all_marks(fast)


def test_python_parser_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "Parser", yaml_loader.PyParser)
    assert error_of("é: 1\nb: \x07\n").line == 2
    assert error_of("[" * 1_000 + "]" * 1_000).message == f"nesting deeper than {yaml_loader.MAX_DEPTH} levels"


def _all_marks(value: Any) -> list[Any]:
    if isinstance(value, MarkedDict):
        return [value.mark, value.key_marks, *(_all_marks(v) for v in value.values())]
    if isinstance(value, list):
        return [_all_marks(v) for v in value]
    return []


# --- the shared corpus ------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_loads_with_input_errors_only(capsys: pytest.CaptureFixture[str]) -> None:
    paths = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in TEMPLATE_SUFFIXES and p.is_file())
    errors: dict[str, InputError] = {}
    started = time.perf_counter()
    duplicates: dict[str, list[DuplicateKey]] = {}
    for path in paths:
        name = str(path.relative_to(CORPUS))
        try:
            load_file(path, name, duplicates.setdefault(name, []))
        except InputError as exc:
            if "Resources" in path.read_text(encoding="utf-8", errors="replace"):  # templates only
                errors[exc.path] = exc
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nloaded {len(paths)} corpus files in {elapsed:.2f}s; {len(errors)} input errors:")
        for error in errors.values():
            print(f"  {error}")
    assert len(paths) > 100
    broken = {str(p.relative_to(CORPUS)) for p in paths if p.relative_to(CORPUS).parts[0] == "broken"}
    assert broken <= errors.keys()
    assert set(errors) == broken  # a duplicate key is recorded, not an error
    assert sum(map(len, duplicates.values())) >= 10


# --- WA003: duplicate keys through the whole run ------------------------------------------------


def test_duplicate_key_is_a_configurable_finding_not_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wa_lint.cli import main

    monkeypatch.chdir(tmp_path)
    Path("t.yaml").write_text("Resources:\n  A:\n    Type: AWS::SNS::Topic\n  A:\n    Type: AWS::SQS::Queue\n")

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        code = main(["report", "t.yaml", "--format", "json", *args])
        return code, json.loads(capsys.readouterr().out)

    code, data = run("--no-config", "--select", "WA003")
    assert code == 1
    assert data["files"][0]["error"] is None
    assert data["files"][0]["stacks"] == ["t"]
    [finding] = data["findings"]
    assert (finding["rule"], finding["severity"], finding["line"], finding["resource"]) == ("WA003", "error", 4, "A")
    assert finding["resource_type"] == "AWS::SQS::Queue"  # linted with the last value, as SAM CLI reads it
    ignored = run("--no-config", "--ignore", "WA003", "--select", "WA003,WA104")[1]
    assert [f["rule"] for f in ignored["findings"]] == ["WA104"]
    Path(".wa-lint.yaml").write_text("select: [WA003]\nseverity: {duplicate-key: warning}\n")
    code, data = run()
    assert code == 0
    assert [f["severity"] for f in data["findings"]] == ["warning"]
