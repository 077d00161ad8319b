"""The SAM translator is imported without what most templates never need (pydantic's schema models,
jsonschema), and still translates the templates that do need them exactly as before."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from wa_lint.expand.offline_sdk import _Deferred, deferred_imports

GRAPHQL = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::GraphQLApi
    Properties:
      SchemaInline: "type Query { hello: String }"
      Auth: {Type: API_KEY}
      ApiKeys: {Key: {}}
"""

FUNCTION = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      InlineCode: "def handler(e, c): pass"
      Policies: [{SQSPollerPolicy: {QueueName: orders}}]
"""


def _run(code: str) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter (imports are per process); it prints one JSON object."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    seen: dict[str, Any] = json.loads(out.stdout)
    return seen


def test_function_template_needs_neither_pydantic_nor_jsonschema() -> None:
    seen = _run(f"""
        import json, sys
        from wa_lint.load import load_text
        from wa_lint.expand.sam import expand_sam
        template, resources = expand_sam(load_text({FUNCTION!r}, "t.yaml"), "t.yaml", __import__("pathlib").Path("."))
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "jsonschema"))
        role = template["Resources"]["WorkerRole"]["Properties"]["Policies"][0]["PolicyName"]
        types = sorted(r.type for r in resources.values())
        print(json.dumps({{"loaded": loaded, "role_policy": role, "types": types}}))
    """)
    assert seen["loaded"] == []
    assert seen["role_policy"] == "WorkerRolePolicy0"  # the SQSPollerPolicy template was expanded
    assert seen["types"] == ["AWS::IAM::Role", "AWS::Lambda::Function"]


def test_graphql_api_loads_the_schema_models_it_needs() -> None:
    seen = _run(f"""
        import json, sys
        from wa_lint.load import load_text
        from wa_lint.expand.sam import expand_sam
        template, _ = expand_sam(load_text({GRAPHQL!r}, "t.yaml"), "t.yaml", __import__("pathlib").Path("."))
        import jsonschema, pydantic
        print(json.dumps({{"types": sorted({{r["Type"] for r in template["Resources"].values()}}),
                          "pydantic": "pydantic" in sys.modules,
                          "real_jsonschema": hasattr(jsonschema, "Draft7Validator")}}))
    """)
    assert "AWS::AppSync::GraphQLApi" in seen["types"]
    assert "AWS::AppSync::ApiKey" in seen["types"]
    assert seen["pydantic"] is True
    assert seen["real_jsonschema"] is True  # the placeholders left sys.modules


def test_invalid_graphql_api_is_still_rejected_by_the_translator() -> None:
    from wa_lint.expand.sam import expand_sam
    from wa_lint.load import load_text
    from wa_lint.model import InputError

    bad = GRAPHQL.replace("Auth: {Type: API_KEY}", "Auth: {Type: NOT_A_TYPE}")
    with pytest.raises(InputError) as caught:
        expand_sam(load_text(bad, "t.yaml"), "t.yaml", __import__("pathlib").Path("."))
    assert "Api" in str(caught.value)


def test_placeholders_inside_and_after_the_import() -> None:
    name = "wa_lint_test_never_imported"
    with deferred_imports((name,)):
        thing = sys.modules[name].Thing  # what `from wa_lint_test_never_imported import Thing` binds
        assert isinstance(thing, _Deferred)
        assert isinstance(thing.Inner[int] | None, _Deferred)
    assert name not in sys.modules
    placeholder = _Deferred(("json", "JSONDecodeError"))
    assert placeholder.__name__ == "JSONDecodeError"  # the import is over: the real object answers
    # a placeholder stands for a class through __instancecheck__, which mypy does not model
    assert isinstance(json.JSONDecodeError("x", "y", 0), placeholder)  # type: ignore[arg-type]
    assert _Deferred(("json", "dumps"))([1]) == "[1]"
