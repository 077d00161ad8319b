"""The SAM translator is imported without boto3, and the real SDK is still there for others."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import wa_lint.expand.sam_translate as t
assert "boto3" not in sys.modules and "botocore" not in sys.modules, "the SDK was imported"
out = t.translate({"Transform": "AWS::Serverless-2016-10-31", "Resources": {"F": {
    "Type": "AWS::Serverless::Function",
    "Properties": {"Runtime": "python3.12", "Handler": "a.b", "InlineCode": "x"}}}})
assert out["Resources"]["F"]["Type"] == "AWS::Lambda::Function"
import boto3
assert getattr(boto3, "__file__", None), "a stand-in leaked into sys.modules"
print("ok")
"""


def test_translator_imports_without_the_aws_sdk_and_leaves_it_intact() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
