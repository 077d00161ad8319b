"""A file name that is not UTF-8 (a hostile pull request can commit one) must not cost any output
format: JSON and SARIF used to fail to encode it, so the GitHub Action lost both."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "fixtures" / "WA101" / "bad" / "s3-notification.yaml"
FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "html"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    if sys.platform == "darwin":  # APFS refuses names that are not UTF-8
        pytest.skip("the file system refuses names that are not UTF-8")
    root = tmp_path / "t"
    root.mkdir()
    shutil.copy(os.fsencode(TEMPLATE), os.fsencode(root) + b"/bad\xff.yaml")
    return tmp_path


@pytest.mark.parametrize("fmt", FORMATS)
def test_non_utf8_file_name_in_every_format(tree: Path, fmt: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "wa_lint.cli", "report", "t", "--format", fmt, "--no-config", "--fail-on", "never",
         "-q", "-j", "1"],
        cwd=tree, capture_output=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    out = proc.stdout.decode("utf-8")  # valid UTF-8, whatever the file name was
    if fmt == "sarif":
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                for result in json.loads(out)["runs"][0]["results"] for loc in result["locations"]}
        assert uris, uris
        assert all(uri.startswith("t/bad") and uri.endswith(".yaml") for uri in uris), uris
    elif fmt != "json":
        assert "bad\\xff.yaml" in out
    if fmt == "json":
        findings = json.loads(out)["findings"]
        assert findings
        assert {f["path"] for f in findings} == {"t/bad\\xff.yaml"}
