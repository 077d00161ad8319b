"""One application across stacks (issue 13): each ``fixtures/cross-stack/<case>/`` directory is
linted as one run and must give exactly its ``expected.json``: the links found, every finding,
and the findings linking took away (those a run without linking has and this one has not).

``args.json`` (optional) holds extra command-line arguments, ``{case}`` standing for the case's
directory. Regenerate with ``WA_LINT_UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from wa_lint.cli import _link_index, build_parser, main
from wa_lint.discover import discover_all
from wa_lint.link.deploy import parameter_file, samconfig
from wa_lint.link.index import NO_LINK_ENV, SUFFIX_NOTE, LinkIndex, build_index
from wa_lint.link.rewrite import Namespace, rewrite
from wa_lint.model import InputError, Mark, MarkedDict
from wa_lint.values import Resolver

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(p.name for p in (ROOT / "fixtures" / "cross-stack").iterdir() if p.is_dir())
UPDATE = os.environ.get("WA_LINT_UPDATE_SNAPSHOTS") == "1"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv(NO_LINK_ENV, raising=False)


def _args(case: str) -> list[str]:
    path = ROOT / "fixtures" / "cross-stack" / case / "args.json"
    if not path.is_file():
        return []
    return [a.replace("{case}", f"fixtures/cross-stack/{case}") for a in json.loads(path.read_text())]


def _report(capsys: pytest.CaptureFixture[str], case: str, *extra: str) -> list[dict[str, Any]]:
    code = main(["report", f"fixtures/cross-stack/{case}", "--format", "json", "--no-config", "--fail-on", "never",
                 "-j", "1", *_args(case), *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    keys = ("rule", "path", "line", "resource", "message", "related")
    return [{k: f[k] for k in keys} for f in json.loads(out)["findings"]]


def _links(case: str) -> list[list[Any]]:
    args = build_parser().parse_args(["report", f"fixtures/cross-stack/{case}", *_args(case)])
    links, errors = _link_index(args, discover_all(args.paths).sources)
    assert errors == []
    if links is None:
        return []
    assert isinstance(links, LinkIndex)  # built at once: no pool to defer it to
    return [[*r.src, *r.dst, r.kind, r.via, r.note, r.target] for r in links.records]


def _key(f: dict[str, Any]) -> tuple[str, str, str, str]:
    return (f["rule"], f["path"], f["resource"], f["message"])


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    linked = _report(capsys, case)
    monkeypatch.setenv(NO_LINK_ENV, "1")
    alone = _report(capsys, case)
    monkeypatch.delenv(NO_LINK_ENV)
    now = {_key(f) for f in linked}
    got = {
        "links": _links(case),
        "findings": linked,
        "disappeared": [f for f in alone if _key(f) not in now],
    }
    expected_path = ROOT / "fixtures" / "cross-stack" / case / "expected.json"
    if UPDATE:
        expected_path.write_text(json.dumps(got, indent=2) + "\n", encoding="utf-8")
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_expectations_say_what_the_issue_asks() -> None:
    """The fixtures hold the cases issue 13 names (read from the snapshots, so they cannot drift)."""
    def load(case: str) -> dict[str, Any]:
        expected: dict[str, Any] = json.loads((ROOT / "fixtures" / "cross-stack" / case / "expected.json").read_text())
        return expected

    aurora = load("aurora-dlq")
    assert any(f["rule"] == "WA301" and f["related"][0]["path"].endswith("data/template.yaml")
               for f in aurora["findings"])
    assert [f["rule"] for f in aurora["disappeared"]] == ["WA104"]  # the imported DLQ has a source now
    assert any(f["rule"] == "WA301" for f in load("ssm-reader")["findings"])
    assert load("unmatched")["links"] == []
    assert load("unmatched")["disappeared"] == []
    assert load("same-suffix")["links"] == []
    assert [link[-2] for link in load("suffix-match")["links"]] == [SUFFIX_NOTE]
    assert {link[-4] for link in load("cdk-assembly")["links"]} == {"export"}
    assert load("deploy-params")["links"], "samconfig overrides, --stack-name and --parameters link the stacks"
    # every related resource of another stack says which link brought it in
    for case in CASES:
        for f in load(case)["findings"]:
            for rel in f["related"]:
                assert ("via" in rel) == (rel["path"] != f["path"]), (case, f["rule"], rel)
    iam = load("imported-arns")
    assert [(f["rule"], f["related"][0]["via"]) for f in iam["findings"] if f["rule"] == "WA201"] == [
        ("WA201", "export shop-orders-arn")]  # the imported queue ARN is the queue, named with its file
    glue = [f for f in load("glue-target")["findings"] if f["rule"] == "WA402"]
    assert glue
    assert glue[0]["related"][0]["resource"] == "workflow/Checkout"
    assert [f["rule"] for f in load("alarm-stack")["disappeared"]] == ["WA110"]  # the alarm is in another stack
    assert [f["rule"] for f in load("usage-plan")["disappeared"]] == ["WA406"]  # so is the usage plan
    assert any(f["rule"] == "WA110" and "app/Nightly" in f["message"] for f in load("async-destination")["findings"])


def test_link_evidence_in_every_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The export that links a related resource is in SARIF's relatedLocations and the text frame's caption."""
    case = "fixtures/cross-stack/imported-arns"
    main(["report", case, "--format", "sarif", "--no-config", "--fail-on", "never", "-j", "1"])
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    texts = [r["message"]["text"] for res in results for r in res.get("relatedLocations", [])]
    assert "data/Orders (linked through export shop-orders-arn)" in texts
    written = tmp_path / "report.txt"  # a file: never coloured, whatever the environment says
    main(["report", case, "--format", "text", "--no-config", "--fail-on", "never", "-j", "1", "-o", str(written)])
    out = " ".join(written.read_text(encoding="utf-8").split())  # the width may wrap the caption
    assert "data.yaml:4 data/Orders (linked through export shop-orders-arn)" in out


def test_jobs_give_identical_output(capsys: pytest.CaptureFixture[str]) -> None:
    runs = []
    for jobs in ("1", "2"):
        main(["report", "fixtures/cross-stack", "--format", "json", "--no-config", "-j", jobs])
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1]
    assert "shop-data/Database" in runs[0]  # linked in the pool too


def test_graph_draws_stacks_as_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "fixtures/cross-stack/aurora-dlq", "--format", "dot"]) == 0
    out = capsys.readouterr().out
    assert out.count("subgraph \"cluster_") == 2
    edge = '"api/template.yaml#Worker" -> "data/template.yaml#Database"'
    assert out.replace("fixtures/cross-stack/aurora-dlq/", "").count(edge) == 1  # drawn once, from either side
    assert main(["graph", "fixtures/cross-stack/aurora-dlq", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cross = [e for g in data["graphs"] for e in g["edges"] if e.get("to_stack")]
    assert any(e["kind"] == "connects" and e["via_link"] == "export shop-data-DbEndpoint" for e in cross)


# -- deployment inputs --------------------------------------------------------------------------
def test_parameter_files_in_both_forms(tmp_path: Path) -> None:
    listed = tmp_path / "a.json"
    listed.write_text('[{"ParameterKey": "Env", "ParameterValue": "prod"}, {"ParameterKey": "N", "ParameterValue": 3}]')
    mapped = tmp_path / "b.json"
    mapped.write_text('{"Parameters": {"Env": "prod", "Subnets": ["a", "b"]}}')
    assert parameter_file(str(listed)) == {"Env": "prod", "N": "3"}
    assert parameter_file(str(mapped)) == {"Env": "prod", "Subnets": "a,b"}
    bad = tmp_path / "c.json"
    bad.write_text('{"Env": "prod"}')
    with pytest.raises(InputError, match="ParameterKey"):
        parameter_file(str(bad))


def test_samconfig_environments(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources: {}\n")
    (tmp_path / "samconfig.toml").write_text(
        'version = 0.1\n[default.deploy.parameters]\nstack_name = "app"\n'
        'parameter_overrides = ["A=1", "B=\\"two words\\""]\n[prod.deploy.parameters]\nstack_name = "app-prod"\n')
    dep = samconfig(template, "template.yaml")
    assert dep is not None
    assert dep.name == "app"
    assert dep.parameters == {"A": "1", "B": "two words"}
    other = tmp_path / "other.yaml"
    other.write_text("Resources: {}\n")
    assert samconfig(other, "other.yaml") is None  # deploys template.yaml, not this file
    prod = samconfig(template, "template.yaml", "prod")  # --config-env prod
    assert prod is not None
    assert prod.name == "app-prod"
    assert prod.parameters == {}
    assert samconfig(template, "template.yaml", "staging") is None  # an environment the file lacks


def test_config_env_selects_the_deployment(capsys: pytest.CaptureFixture[str]) -> None:
    """Without ``--config-env prod`` the data stack is deployed as orders-dev: no link."""
    assert _links("config-env")  # with the case's --config-env prod
    args = build_parser().parse_args(["report", "fixtures/cross-stack/config-env"])
    assert args.config_env == "default"
    links, errors = _link_index(args, discover_all(args.paths).sources)
    assert errors == []
    assert links is None or (isinstance(links, LinkIndex) and links.records == [])
    assert main(["report", "fixtures/cross-stack/config-env", "--config-env", "", "--no-config"]) == 2
    assert "--config-env expects an environment name" in capsys.readouterr().err


def test_bad_deployment_input_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "template.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties: {SqsManagedSseEnabled: true}\n")
    (tmp_path / "samconfig.toml").write_text("[default\n")
    (tmp_path / "p.json").write_text("[1, 2")
    code = main(["report", "--format", "json", "--parameters", "p.json", "--stack-name", "nope", "--", "template.yaml"])
    err = capsys.readouterr().err
    assert code == 2
    lines = [row for row in err.splitlines() if row]
    assert any(row.startswith("wa-lint: p.json:") for row in lines)
    assert any("samconfig.toml: not valid TOML" in row for row in lines)
    assert any("--stack-name expects TEMPLATE=VALUE" in row for row in lines)
    assert "Traceback" not in err


# -- substitution --------------------------------------------------------------------------------
def test_rewrite_namespaces_and_keeps_marks() -> None:
    props = MarkedDict({"Env": {"Fn::Sub": "${Queue.Arn}-${Param}-${!Literal}-${AWS::Region}"},
                        "Dlq": {"Fn::GetAtt": "Queue.Arn"}, "Cond": {"Fn::If": ["IsProd", {"Ref": "Queue"}, "x"]}})
    props.mark = Mark(3, 5)
    props.key_marks = {"Env": Mark(4, 7)}
    ns = Namespace("data/", frozenset({"Queue", "Param", "IsProd"}), Resolver())
    out = rewrite(props, ns)
    assert out["Env"] == {"Fn::Sub": "${data/Queue.Arn}-${data/Param}-${!Literal}-${AWS::Region}"}
    assert out["Dlq"] == {"Fn::GetAtt": ["data/Queue", "Arn"]}
    assert out["Cond"] == {"Fn::If": ["data/IsProd", {"Ref": "data/Queue"}, "x"]}
    assert isinstance(out, MarkedDict)
    assert out.mark == Mark(3, 5)
    assert out.key_marks == {"Env": Mark(4, 7)}
    same = {"A": ["b", {"Ref": "Other"}]}
    assert rewrite(same, ns) is same  # copy on write


def test_rewrite_substitutes_imports_and_ssm() -> None:
    expr = {"Fn::GetAtt": ["data/Db", "Endpoint.Address"]}
    ns = Namespace("", frozenset(), Resolver({"Env": {"Type": "String", "Default": "prod"}}),
                   imports={"prod-Db": expr}, ssm_params={"Host": expr}, ssm_names={"/db/host": expr})
    assert rewrite({"Fn::ImportValue": {"Fn::Sub": "${Env}-Db"}}, ns) is expr
    assert rewrite({"Fn::ImportValue": "dev-Db"}, ns) == {"Fn::ImportValue": "dev-Db"}  # no match: unknown
    assert rewrite({"Ref": "Host"}, ns) is expr
    assert rewrite({"Fn::Sub": "h=${Host}"}, ns) == {"Fn::Sub": ["h=${Host}", {"Host": expr}]}
    assert rewrite("{{resolve:ssm:/db/host}}", ns) is expr
    assert rewrite("x://{{resolve:ssm:/db/host:3}}/y", ns) == {"Fn::Join": ["", ["x://", expr, "/y"]]}
    assert rewrite("{{resolve:ssm:/other}}", ns) == "{{resolve:ssm:/other}}"


def test_nothing_to_link_costs_no_index(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    (tmp_path / "b.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\nOutputs:\n  A:\n    Value: !Ref Q\n    Export: {Name: x}\n")
    sources = discover_all([str(tmp_path)]).sources
    assert build_index(sources) == (None, [])  # an export but no import anywhere: nothing loaded


def test_link_evidence_cannot_act_in_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export name is template text: in the caption it is escaped like every other name."""
    monkeypatch.chdir(tmp_path)
    name = "evil\\e[2J<b>x</b>"  # YAML double-quoted: ESC, then markup
    (tmp_path / "data.yaml").write_text(
        "Resources:\n  Orders:\n    Type: AWS::SQS::Queue\n"
        f'Outputs:\n  Arn:\n    Value: !GetAtt Orders.Arn\n    Export: {{Name: "{name}"}}\n')
    (tmp_path / "app.yaml").write_text(
        "Resources:\n  Work:\n    Type: AWS::SQS::Queue\n    Properties:\n      RedrivePolicy:\n"
        f'        deadLetterTargetArn: !ImportValue "{name}"\n        maxReceiveCount: 3\n')
    outputs = {}
    for fmt in ("json", "text", "html", "sarif"):
        main(["report", ".", "--format", fmt, "--no-config", "--fail-on", "never", "-j", "1", "-o", f"out.{fmt}"])
        outputs[fmt] = (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
    related = [r for f in json.loads(outputs["json"])["findings"] for r in f["related"] if "via" in r]
    assert related
    assert related[0]["via"] == "export evil\x1b[2J<b>x</b>"
    for fmt, out in outputs.items():
        assert "\x1b" not in out, fmt
    assert "<b>x</b>" not in outputs["html"]
    assert "&lt;b&gt;x&lt;/b&gt;" in outputs["html"]
    assert "linked through export evil" in " ".join(outputs["text"].split())
