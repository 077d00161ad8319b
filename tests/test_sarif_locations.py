"""SARIF results carry what GitHub code scanning matches and draws: ``primaryLocationLineHash``
exactly as GitHub's upload action computes it, a region spanning the resource's block, and the
resources a finding names as related locations; the whole log stays valid SARIF 2.1.0."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import ROOT
from tests.test_formats import srcroot
from wa_lint.cli import main
from wa_lint.report.line_hash import line_hashes
from wa_lint.report.regions import block_end

# Inputs and hashes from codeql-action's own tests of its fingerprinting (src/fingerprints.test.ts).
GITHUB_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (" a\nb\n  \t\tc\n d", ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"]),
    (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
     ["8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1", "bff680108adb0fcc:1", "c6805c5e1288b612:1", "b86d3392aea1be30:1",
      "e6ceba753e1a442:1"]),
    *[(text, ["e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1", "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
              "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1", "c129715d7a2bc9a3:1"])
      for text in (" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
                   " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
                   " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
                   " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n")],
    ("Lorem ipsum dolor sit amet.\n" * 10,
     [*(f"a7f2ff13bc495cf2:{n}" for n in range(1, 7)), "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1",
      "55ec222b86bcae53:1", "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"]),
]


@pytest.mark.parametrize(("text", "expected"), GITHUB_VECTORS)
def test_line_hash_matches_github(text: str, expected: list[str]) -> None:
    assert line_hashes(text) == dict(enumerate(expected, start=1))


def test_line_hash_counts_utf16_code_units() -> None:
    """JavaScript sees a character outside the BMP as two code units; so must we."""
    assert line_hashes("a😀b\n") == line_hashes("a\ud83d\ude00b\n")  # the surrogate pair
    assert line_hashes("a😀b\n") != line_hashes("a\ufffdb\n")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_block_end_yaml_json_and_flow(tmp_path: Path) -> None:
    yaml_file = write(tmp_path, "t.yaml", "Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n"
                                          "      Tags:\n      - {Key: a, Value: b}\n\n  # trailing comment\n"
                                          "  Other: {Type: AWS::SNS::Topic,\n    Properties: {}}\n"
                                          "  Script: |\n    echo\n")
    assert block_end(str(yaml_file), 2, 3) == (6, 27)       # through the same-level sequence, not the comment
    assert block_end(str(yaml_file), 5, 7) == (6, 27)
    assert block_end(str(yaml_file), 9, 3) == (10, 20)      # a flow mapping over two lines
    assert block_end(str(yaml_file), 11, 3) == (12, 9)      # a block scalar
    json_file = write(tmp_path, "t.json", '{"Resources": {\n  "Fn": {\n    "Type": "x",\n    "P": "}{"\n  },\n'
                                          '  "B": {"Type": "y"}\n}}\n')
    assert block_end(str(json_file), 2, 3) == (5, 4)        # braces inside strings do not count
    assert block_end(str(json_file), 3, 5) == (3, 17)       # a scalar value: its line
    assert block_end(str(json_file), 6, 3) == (6, 21)
    assert block_end(str(tmp_path / "missing.yaml"), 1, 1) is None


@pytest.fixture(scope="module")
def sarif(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("sarif") / "out.sarif"
    import os

    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        assert main(["report", "examples", "--no-config", "--format", "sarif", "-o", str(out), "--fail-on",
                     "never"]) == 0
    finally:
        os.chdir(cwd)
    log: dict[str, Any] = json.loads(out.read_text())
    return log


def test_results_carry_github_fingerprint_region_and_related(sarif: dict[str, Any]) -> None:
    jsonschema.validate(sarif, json.loads((ROOT / "tests/data/sarif-schema-2.1.0.json").read_text()))
    results = sarif["runs"][0]["results"]
    queue = next(r for r in results if r["ruleId"] == "WA104")
    physical = queue["locations"][0]["physicalLocation"]
    path = srcroot(sarif["runs"][0]) / physical["artifactLocation"]["uri"]  # the repository's root, or ROOT
    region = physical["region"]
    lines = path.read_text().splitlines()
    assert lines[region["startLine"] - 1].strip() == "OrdersQueue:"
    assert region["endLine"] == region["startLine"] + 3
    assert lines[region["endLine"] - 1].strip() == \
        "VisibilityTimeout: 120"
    assert region["endColumn"] == len(lines[region["endLine"] - 1]) + 1
    expected = line_hashes(path.read_text())[region["startLine"]]
    assert queue["partialFingerprints"]["primaryLocationLineHash"] == expected
    assert queue["partialFingerprints"]["waLintFinding/v1"]
    (related,) = queue["relatedLocations"]
    assert related["message"]["text"] == "FulfilOrder"
    assert lines[related["physicalLocation"]["region"]["startLine"] - 1].strip().startswith("FulfilOrder:")
    for r in results:
        assert ":" in r["partialFingerprints"]["primaryLocationLineHash"]


def test_paths_are_relative_to_the_repository_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """GitHub resolves a result's uri from the repository's root: a report made in a subdirectory
    still names ``infra/…``; a file outside the repository is an absolute file URI."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "infra").mkdir()
    template = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
    (repo / "infra" / "template.yaml").write_text(template)
    (tmp_path / "elsewhere.yaml").write_text(template)
    monkeypatch.chdir(repo / "infra")
    main(["report", ".", str(tmp_path / "elsewhere.yaml"), "--format", "sarif", "--select", "WA210", "--no-cache",
          "--no-config"])
    run = json.loads(capsys.readouterr().out)["runs"][0]
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run["results"]]
    assert {"uri": "infra/template.yaml", "uriBaseId": "%SRCROOT%"} in locations
    assert {"uri": (tmp_path / "elsewhere.yaml").resolve().as_uri()} in locations
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
