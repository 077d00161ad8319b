"""The CDK validation plugin (integrations/cdk) in a real synthesis: `node app.js` with the plugin on
the App reports wa-lint's findings with construct paths and fails on errors, as cdk-nag does.

The app is fixtures/repo-cdk-app (plus an SNS-to-Lambda stack, for WA101), run from a scratch copy
with the CDK packages ``make cdk-fixture`` installed (``make test`` runs it first); nothing is
installed or fetched here. Without Node.js or those packages the test skips and says why (under CI
a missing install fails)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, missing

APP = ROOT / "fixtures" / "repo-cdk-app"
MODULES = ROOT / "build" / "cdk-fixture" / "node_modules"
PLUGIN = ROOT / "integrations" / "cdk"

ALERTS_STACK = """
const sns = require('aws-cdk-lib/aws-sns');
const subscriptions = require('aws-cdk-lib/aws-sns-subscriptions');
const alerts = new cdk.Stack(app, 'AlertsStack');
const topic = new sns.Topic(alerts, 'Alerts');
const notifier = new lambda.Function(alerts, 'Notifier', {
  runtime: lambda.Runtime.PYTHON_3_12,
  handler: 'index.handler',
  code: lambda.Code.fromInline('def handler(event, context):\\n    return None\\n'),
});
topic.addSubscription(new subscriptions.LambdaSubscription(notifier));
"""


def _app(tmp_path: Path, options: str, *, legacy: bool = False) -> Path:
    """The fixture app in a scratch directory with the plugin on its App (``options`` its props),
    added with ``Validations.of(app).addPlugins`` (or the older ``policyValidationBeta1`` prop)."""
    if shutil.which("node") is None:
        pytest.skip("Node.js is not installed: the CDK plugin cannot run here")
    if not MODULES.is_dir():
        missing("the CDK fixture's packages are not installed: run `make cdk-fixture` (make test does)")
    app = tmp_path / "orders-app"
    shutil.copytree(APP, app, ignore=shutil.ignore_patterns("node_modules", "cdk.out"))
    (app / "node_modules").symlink_to(MODULES, target_is_directory=True)
    script = app / "bin" / "app.js"
    text = script.read_text()
    assert "const app = new cdk.App();" in text
    plugin = f"const {{ WaLintValidator }} = require({json.dumps(str(PLUGIN))});\n"
    plugin_object = f"new WaLintValidator({options})"
    if legacy:
        app_line = f"const app = new cdk.App({{ policyValidationBeta1: [{plugin_object}] }});"
    else:
        app_line = f"const app = new cdk.App();\ncdk.Validations.of(app).addPlugins({plugin_object});"
    text = text.replace("const app = new cdk.App();", plugin + app_line)
    script.write_text(text + ALERTS_STACK)
    return app


def _synth(app: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("WA_LINT_COMMAND", None)
    env["CDK_OUTDIR"] = str(app / "cdk.out")  # as `cdk synth` tells the app (else a temporary directory)
    run = subprocess.run(["node", "bin/app.js"], cwd=app, env=env, capture_output=True, text=True, timeout=600)
    report_file = app / "cdk.out" / "validation-report.json"
    assert report_file.is_file(), run.stderr[-2000:]
    return run, json.loads(report_file.read_text())


def _violations(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    (plugin,) = [r for r in report["pluginReports"] if r["pluginName"] == "wa-lint"]
    return [(v["ruleName"], v["severity"], c["constructPath"]) for v in plugin["violations"]
            for c in v["violatingConstructs"]]


def test_synth_reports_wa101_with_its_construct_path_and_fails(tmp_path: Path) -> None:
    run, report = _synth(_app(tmp_path, ""))
    assert run.returncode != 0  # an error-severity finding fails synthesis
    found = _violations(report)
    assert ("WA101", "error", "AlertsStack/Notifier/Resource") in found
    assert ("WA104", "error", "OrdersStack/OrdersQueue/Resource") in found
    assert "WA101" in run.stdout + run.stderr
    assert "AlertsStack/Notifier/Resource" in run.stdout + run.stderr
    (plugin,) = [r for r in report["pluginReports"] if r["pluginName"] == "wa-lint"]
    assert plugin["conclusion"] == "failure"
    wa101 = next(v for v in plugin["violations"] if v["ruleName"] == "WA101")
    assert wa101["ruleMetadata"]["DocumentationUrl"].endswith("/docs/rules/WA101.md")
    assert wa101["violatingConstructs"][0]["cloudFormationResource"]["templatePath"] == "AlertsStack.template.json"


def test_severity_threshold_lets_synth_pass(tmp_path: Path) -> None:
    # only the info-level tracing rule runs: reported, and below the default failOn (error);
    # the plugin is given in the older policyValidationBeta1 form, which still works
    run, report = _synth(_app(tmp_path, "{ extraArgs: ['--select', 'WA501'] }", legacy=True))
    assert run.returncode == 0, run.stderr[-2000:]
    assert (tmp_path / "orders-app" / "cdk.out" / "AlertsStack.template.json").is_file()
    found = _violations(report)
    assert found
    assert {rule for rule, _, _ in found} == {"WA501"}
    assert ("WA501", "info", "AlertsStack/Notifier/Resource") in found


def test_failing_on_warnings(tmp_path: Path) -> None:
    run, report = _synth(_app(tmp_path, "{ failOn: 'warning', reportSeverity: 'warning', "
                                        "extraArgs: ['--select', 'WA212'] }"))
    assert run.returncode != 0
    assert {(rule, severity) for rule, severity, _ in _violations(report)} == {("WA212", "warning")}


@pytest.mark.parametrize(("options", "reason"), [
    ("{ extraArgs: ['--bogus'] }", "exited 2 without a JSON report: wa-lint: error: unrecognized arguments: --bogus"),
    ("{ waLintCommand: 'no-such-wa-lint' }", "could not run no-such-wa-lint: spawnSync no-such-wa-lint ENOENT"),
])
def test_wa_lint_that_cannot_run_fails_synth_saying_why(tmp_path: Path, options: str, reason: str) -> None:
    """aws-cdk-lib swallows an exception from a plugin (synthesis passed, silently): a run with no
    report is a failing report whose violation gives the reason, shown by synth."""
    run, report = _synth(_app(tmp_path, options))
    assert run.returncode != 0
    (plugin,) = [r for r in report["pluginReports"] if r["pluginName"] == "wa-lint"]
    assert plugin["conclusion"] == "failure"
    (violation,) = plugin["violations"]
    assert violation["ruleName"] == "wa-lint-not-run"
    assert reason in violation["description"]
    assert violation["description"].endswith("No template was linted.")
    output = run.stdout + run.stderr
    assert output.count("ERROR wa-lint CDK plugin: ") == 1  # listed once, not once per template
    assert reason in output


def test_plugin_unit_tests(tmp_path: Path) -> None:
    """The plugin's own `npm test` (integrations/cdk/test: node --test, wa-lint replaced by a stub)."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the CDK plugin's tests cannot run here")
    if not (PLUGIN / "test").is_dir():
        pytest.skip("integrations/cdk is not here (the sdist does not carry it)")
    files = sorted(str(p.relative_to(PLUGIN)) for p in (PLUGIN / "test").glob("*.test.js"))
    assert files
    run = subprocess.run([node, "--test", *files], cwd=PLUGIN, env={**os.environ, "TMPDIR": str(tmp_path)},
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout
