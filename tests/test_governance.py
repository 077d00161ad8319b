"""Governance for platform teams (issue 20): mandatory rules, scoped suppressions, the suppression
review, and the mapping from other tools' rule ids.

Each ``fixtures/governance/<case>/`` is linted as a user would (``wa-lint report <case> --format
json --show-suppressed`` and ``wa-lint suppressions <case> --format json``) and compared with its
``expected.json``; WA_LINT_UPDATE_SNAPSHOTS=1 rewrites them (review the diff).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, update_snapshots
from wa_lint.cli import main
from wa_lint.coming_from import catalogue, entries, explain_foreign, render_markdown
from wa_lint.config import ConfigError, config_from_dict
from wa_lint.plugins import load_rules
from wa_lint.scopes import coverage, glob_covers, parse_scope

CASES = sorted(p for p in (ROOT / "fixtures/governance").iterdir() if p.is_dir())


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "internal error" not in err, err
    assert "Traceback" not in err, err
    return code, json.loads(out)


def observed(capsys: pytest.CaptureFixture[str], case: Path) -> dict[str, Any]:
    shown = case.relative_to(ROOT).as_posix()
    code, report = run(capsys, "report", shown, "--format", "json", "--show-suppressed", "--quiet")
    review_code, review = run(capsys, "suppressions", shown, "--format", "json")
    report.pop("tool")
    return {"report": {"exit_code": code, **report}, "suppressions": {"exit_code": review_code, **review}}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_governance_case(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    got = observed(capsys, case)
    expected_file = case / "expected.json"
    if update_snapshots() or not expected_file.exists():
        expected_file.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n")
    assert got == json.loads(expected_file.read_text())


def _findings(case: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return observed(capsys, ROOT / "fixtures/governance" / case)


def test_mandatory_inline_is_refused_and_both_reported(capsys: pytest.CaptureFixture[str]) -> None:
    got = _findings("mandatory-inline", capsys)
    rules = sorted(f["rule"] for f in got["report"]["findings"] if f["resource"] == "ImportRole")
    assert rules == ["WA004", "WA201"]
    assert got["report"]["suppressed"] == []
    (row,) = got["suppressions"]["suppressions"]
    assert (row["rule"], row["status"]) == ("WA201", "refused")


def test_parent_exception_is_silent_and_child_relaxation_refused(capsys: pytest.CaptureFixture[str]) -> None:
    got = _findings("mandatory-parent", capsys)
    wa201 = [f["path"] for f in got["report"]["findings"] if f["rule"] == "WA201"]
    assert wa201 == ["fixtures/governance/mandatory-parent/team-a/importer.yaml"]
    (hidden,) = got["report"]["suppressed"]
    assert hidden["path"].endswith("legacy/importer.yaml")
    assert hidden["suppression"]["reason"] == "per-path-ignores 'team-a/legacy/**': legacy importer, replaced in Q3 " \
                                              "(SEC-123)"
    status = {(r["path"], r["target"]): r["status"] for r in got["suppressions"]["suppressions"]}
    assert status[("fixtures/governance/mandatory-parent/.wa-lint.yaml", "per-path-ignores team-a/legacy/**")] \
        == "matched"
    assert status[("fixtures/governance/mandatory-parent/team-a/.wa-lint.yaml", "per-path-ignores **")] == "refused"


def test_scoped_suppression_covers_one_action_of_two(capsys: pytest.CaptureFixture[str]) -> None:
    got = _findings("scoped-iam", capsys)
    (kept,) = [f for f in got["report"]["findings"] if f["rule"] == "WA201"]
    assert kept["resource"] == "IngestRole"
    assert kept["message"].endswith("(accepted by a suppression: s3:*)")
    assert kept["message"].startswith('inline policy "ingest" of IngestRole (statement 1) allows s3:*, '
                                      "dynamodb:* on")  # the rule's own message is unchanged
    (hidden,) = got["report"]["suppressed"]
    assert hidden["resource"] == "WorkerRole"
    status = {r["target"]: r["status"] for r in got["suppressions"]["suppressions"]}
    assert status == {"IngestRole": "partial", "WorkerRole": "matched"}


def test_stale_suppression_is_a_finding_when_selected(capsys: pytest.CaptureFixture[str]) -> None:
    got = _findings("stale", capsys)
    (stale,) = [f for f in got["report"]["findings"] if f["rule"] == "WA005"]
    assert (stale["resource"], stale["line"]) == ("Report", 10)
    status = {r["rule"]: r["status"] for r in got["suppressions"]["suppressions"]}
    assert status == {"WA101": "stale", "WA201": "matched"}
    assert main(["suppressions", "fixtures/governance/stale", "--fail-on-stale"]) == 1
    capsys.readouterr()


def test_cfn_lint_ids_are_honoured(capsys: pytest.CaptureFixture[str]) -> None:
    got = _findings("cfn-lint-ids", capsys)
    assert [f["rule"] for f in got["report"]["findings"]] == []
    (hidden,) = got["report"]["suppressed"]
    assert hidden["suppression"] == {"kind": "inline", "reason": "cfn-lint ignore_checks E9201"}


def test_review_formats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suppressions", "fixtures/governance/mandatory-parent"]) == 0
    text = capsys.readouterr().out
    assert "refused: the rule is mandatory" in text
    assert text.splitlines()[-1] == "2 suppression(s): 1 refused, 1 matched"
    assert main(["suppressions", "fixtures/governance/scoped-iam", "--format", "markdown"]) == 0
    md = capsys.readouterr().out
    assert "| `fixtures/governance/scoped-iam/template.yaml` | 11 | WA201 | inline | `IngestRole` |" in md


# -- scopes ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "glob", "subject", "covers"), [
    ("actions", "s3:Abort*", "s3:AbortMultipartUpload", True),
    ("actions", "s3:Abort*", "s3:Abort*", True),
    ("actions", "S3:ABORT*", "s3:abortmultipartupload", True),  # IAM actions ignore case
    ("actions", "s3:Get*", "s3:*", False),  # the subject grants more than the glob accepts
    ("actions", "s3:GetObject", "s3:Get*", False),
    ("actions", "s3:Get?bject", "s3:Get*", False),  # ? never stands for the subject's wildcard
    ("actions", "*", "s3:*", True),
    ("resources", "arn:aws:s3:::uploads/*", "arn:aws:s3:::uploads/*", True),
    ("resources", "arn:aws:s3:::uploads/*", "*", False),
    ("resources", "arn:aws:s3:::Uploads/*", "arn:aws:s3:::uploads/a", False),  # ARNs keep case
    ("routes", "post /orders", "POST /orders", True),
    ("routes", "GET /orders/*", "GET /orders/{id}", True),
    ("routes", "GET /orders", "POST /orders", False),
])
def test_glob_covers(kind: str, glob: str, subject: str, covers: bool) -> None:
    assert glob_covers(kind, glob, subject) is covers


def test_coverage_is_the_product_of_kinds() -> None:
    scope, problems = parse_scope({"actions": ["s3:*"], "resources": "arn:aws:s3:::a/*"})
    assert problems == []
    assert scope is not None
    full = coverage(scope, {"actions": ["s3:*"], "resources": ["arn:aws:s3:::a/*"]})
    assert full.full
    part = coverage(scope, {"actions": ["s3:*", "sqs:*"], "resources": ["arn:aws:s3:::a/*"]})
    assert (part.full, part.accepted, part.uncovered) == (False, {"actions": ["s3:*"], "resources":
                                                                  ["arn:aws:s3:::a/*"]}, {"actions": ["sqs:*"]})
    none = coverage(scope, {"actions": ["s3:*"], "resources": ["*"]})  # no resource covered: nothing accepted
    assert (none.full, none.partial) == (False, False)
    unknown = coverage(scope, {})  # a finding that names nothing cannot be checked: not suppressed
    assert (unknown.full, unknown.partial) == (False, False)
    assert coverage(None, {}).full


@pytest.mark.parametrize("raw", [[], {}, {"verbs": ["GET"]}, {"actions": []}, {"actions": [3]}, "s3:*"])
def test_bad_scopes_are_refused(raw: Any) -> None:
    scope, problems = parse_scope(raw)
    assert scope is None
    assert problems


def test_invalid_inline_scope_is_wa002(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "fixtures/governance/scoped-iam/template.yaml").read_text()
    (tmp_path / "t.yaml").write_text(text.replace('applies-to: {actions: ["s3:*"]}', 'applies-to: {verbs: [GET]}'))
    monkeypatch.chdir(tmp_path)
    code, data = run(capsys, "report", "t.yaml", "--format", "json", "--no-config", "--select", "WA201,WA002")
    assert code == 1
    wa002 = [f["message"] for f in data["findings"] if f["rule"] == "WA002"]
    assert wa002 == ["the wa-lint metadata of IngestRole has an applies-to with unknown key 'verbs' (known: "
                     "actions, resources, routes, invokers, targets): it suppresses nothing"]
    assert [f["resource"] for f in data["findings"] if f["rule"] == "WA201"] == ["IngestRole"]


# -- configuration -----------------------------------------------------------------------------
def _rules() -> list[Any]:
    return load_rules()


@pytest.mark.parametrize(("data", "message"), [
    ({"mandatory": ["WA977"]}, "mandatory: unknown rule 'WA977'"),
    ({"mandatory": ["WA201"], "ignore": ["WA2"]}, "ignore: WA201 is mandatory"),
    ({"per-path-ignores": {"a/**": [{"id": "WA201", "applies-to": {"verbs": ["x"]}}]}}, "unknown key 'verbs'"),
    ({"per-path-ignores": {"a/**": [{"id": "WA201", "why": "x"}]}}, "unknown entry key 'why'"),
    ({"per-path-ignores": {"a/**": [{"reason": "x"}]}}, "list of rules or {id, reason, applies-to} entries"),
])
def test_configuration_errors(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{").replace("}", r"\}").replace("*", r"\*")):
        config_from_dict(data, Path("c.yaml")).check_rules(_rules())


def test_scoped_configuration_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_text((ROOT / "fixtures/governance/scoped-iam/template.yaml").read_text()
                                     .replace("wa-lint:", "other:"))
    (tmp_path / ".wa-lint.yaml").write_text(
        "select: [WA201]\nper-resource-type-ignores:\n  'AWS::IAM::Role':\n"
        "    - {id: WA201, reason: reviewed, applies-to: {actions: ['dynamodb:*', 's3:*']}}\n")
    monkeypatch.chdir(tmp_path)
    code, data = run(capsys, "report", "t.yaml", "--format", "json", "--show-suppressed")
    assert code == 0
    assert data["findings"] == []
    assert sorted(s["resource"] for s in data["suppressed"]) == ["IngestRole", "WorkerRole"]
    assert {s["suppression"]["reason"] for s in data["suppressed"]} == {
        "per-resource-type-ignores 'AWS::IAM::Role': reviewed"}


# -- coming from another tool ------------------------------------------------------------------
#: The catalogues as read from the packages named in docs/coming-from.md (cfn-lint-serverless 0.3.6,
#: cdk-nag 3.0.2 packs/serverless.js): every rule must be in the mapping.
SERVERLESS_RULES = ["WS1000", "ES1001", "WS1002", "WS1003", "WS1004", "ES1005", "ES1006", "ES1007", "ES2000",
                    "WS2001", "ES2003", "WS2002", "WS3000", "ES4000", "WS5000", "ES6000", "ES7000"]
CDK_NAG_SERVERLESS = ["LambdaAsyncFailureDestination", "LambdaDefaultMemorySize", "LambdaDefaultTimeout", "LambdaDLQ",
                      "LambdaEventSourceMappingDestination", "LambdaLatestVersion", "LambdaStarPermissions",
                      "LambdaTracing", "CloudWatchLogGroupRetentionPeriod", "APIGWAccessLogging",
                      "APIGWDefaultThrottling", "APIGWStructuredLogging", "APIGWXrayEnabled", "AppSyncTracing",
                      "EventBusDLQ", "SNSRedrivePolicy", "SQSRedrivePolicy", "StepFunctionStateMachineXray"]
#: cfn_nag's rules on serverless resource types (cfn_nag_rules_list.txt at 214d4ae plus the later rule files
#: named in the catalogue's source): every one must be in the mapping, and nothing else.
CFN_NAG_SERVERLESS = ["F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9", "F13", "F15", "F16", "F18", "F19", "F20", "F21",
                      "F38", "F39", "F40", "F45", "F66", "F68", "F76", "W11", "W12", "W13", "W14", "W15", "W16", "W17",
                      "W18", "W19", "W20", "W21", "W22", "W23", "W24", "W28", "W43", "W44", "W45", "W46", "W47", "W48",
                      "W49", "W58", "W59", "W62", "W64", "W68", "W69", "W73", "W74", "W76", "W77", "W78", "W84", "W86",
                      "W87", "W88", "W89", "W92"]


def test_catalogues_are_complete() -> None:
    ids = {tool: {r["id"] for r in t["rules"]} for tool, t in catalogue()["tools"].items()}
    assert set(SERVERLESS_RULES) == ids["serverless-rules"]
    assert {f"Serverless-{n}" for n in CDK_NAG_SERVERLESS} <= ids["cdk-nag"]
    assert set(CFN_NAG_SERVERLESS) == ids["cfn_nag"]
    assert len(CFN_NAG_SERVERLESS) == len(set(CFN_NAG_SERVERLESS))
    assert all(t["source"] for t in catalogue()["tools"].values())
    assert len({(tool, r["id"]) for tool, r in entries()}) == len(entries())  # no id twice in one tool


def test_every_mapped_rule_exists_and_every_omission_says_why() -> None:
    known = {m.id for m in _rules()}
    for tool, rule in entries():
        assert rule["status"] in ("mapped", "partial", "omitted", "gap"), rule
        if rule["status"] in ("mapped", "partial"):
            assert rule["wa"], (tool, rule)
            assert set(rule["wa"]) <= known, (tool, rule)
        else:
            assert "wa" not in rule, rule
        if rule["status"] == "omitted":
            assert len(rule.get("reason", "")) > 20, (tool, rule)
        if rule["status"] in ("partial", "gap"):
            assert rule.get("note"), (tool, rule)


@pytest.mark.parametrize(("ident", "words"), [
    ("CKV_AWS_116", "asynchronous invocations"), ("LambdaDLQ", "asynchronous invocations"),
    ("W89", "Configure VPC access only when necessary"), ("CKV_AWS_117", "VPC access only when necessary"),
    ("AwsSolutions-L1", "deprecation"), ("CKV_AWS_173", "environment variables"),
])
def test_the_deliberate_omissions_quote_the_lens(ident: str, words: str) -> None:
    text = explain_foreign(ident)
    assert text is not None
    assert "Left out on purpose" in text
    assert "> Serverless Lens:" in text
    assert words in text


def test_explain_prints_the_mapping(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "ES1007"]) == 0
    assert "Covered by: WA101" in capsys.readouterr().out
    assert main(["explain", "iam5"]) == 0
    assert "AwsSolutions-IAM5" in capsys.readouterr().out
    assert main(["explain", "NOPE_1"]) == 2
    assert "docs/coming-from.md" in capsys.readouterr().err


def test_docs_are_generated_from_the_data() -> None:
    assert (ROOT / "docs/coming-from.md").read_text() == render_markdown(), \
        "regenerate: python -m wa_lint.coming_from > docs/coming-from.md"


def test_construct_suppression_named_once(capsys: pytest.CaptureFixture[str]) -> None:
    case = ROOT / "fixtures/WA001/good/cdk-construct-with-reason"
    assert main(["suppressions", str(case.relative_to(ROOT)), "--no-config"]) == 0
    out = capsys.readouterr().out
    # at the construct's resource in the template (line 4), not at the entry's line in manifest.json (17)
    assert ("cdk.out/QueueStack.template.json:4: WA104 construct QueueStack/Jobs: jobs are re-sent by the "
            "scheduler [matches a finding]") in out
    assert "construct construct" not in out


def test_suppression_reason_names_only_entries_that_accept_the_finding(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "template.yaml").write_text("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n")
    (tmp_path / ".wa-lint.yaml").write_text(
        'per-path-ignores:\n  "template.yaml":\n    - {id: WA212, reason: scoped, applies-to: {actions: ["s3:*"]}}\n'
        'per-resource-type-ignores:\n  "AWS::SNS::*": [WA212]\n')
    monkeypatch.chdir(tmp_path)
    main(["report", ".", "--format", "json", "--show-suppressed", "--no-cache", "--select", "WA212"])
    suppressed = json.loads(capsys.readouterr().out)["suppressed"]
    assert [s["suppression"]["reason"] for s in suppressed] == ["per-resource-type-ignores 'AWS::SNS::*'"]
    main(["suppressions", "."])
    out = capsys.readouterr().out
    assert "per-path-ignores template.yaml applies-to actions s3:*: scoped [matches nothing]" in out
