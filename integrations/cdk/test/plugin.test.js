'use strict';
// The plugin's own tests (`npm test`): how it calls wa-lint, how it turns wa-lint's JSON report into
// CDK violations, and that a run giving no report fails synthesis with a violation saying why
// (aws-cdk-lib swallows an exception from validate(), so throwing would let `cdk synth` pass).
// wa-lint is replaced by fake-wa-lint.js: no Python, no aws-cdk-lib, no network.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { WaLintValidator, toViolations, firstError } = require('..');

const FAKE = path.join(__dirname, 'fake-wa-lint.js');
const TEMPLATES = ['/out/AlertsStack.template.json', '/out/OrdersStack.template.json'];

function finding(rule, severity, resource, extra = {}) {
  return {
    rule, severity, resource, name: `${rule.toLowerCase()}-name`, pillar: 'reliability',
    path: TEMPLATES[0], line: 5, column: 3, message: `${rule} on ${resource}`, fix: `fix ${resource}`, ...extra,
  };
}

/** A report shaped like `wa-lint report --format json`. */
function report(findings, { files, errors } = {}) {
  return {
    version: 1, tool: { name: 'wa-lint', version: '9.8.7' },
    files: files || TEMPLATES.map((p) => ({ path: p, kind: 'cdk', stacks: [], error: null, warnings: [] })),
    findings, errors: errors || [], summary: { findings: findings.length },
  };
}

/** Run the plugin against the fake wa-lint, which answers with `answer`; returns the plugin's report and the
 * arguments wa-lint was given. */
function validate(props, answer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wa-lint-cdk-test-'));
  const saved = { ...process.env };
  try {
    process.env.FAKE_WA_LINT_ARGV = path.join(dir, 'argv.json');
    if (answer.stdout !== undefined) {
      process.env.FAKE_WA_LINT_STDOUT = path.join(dir, 'stdout');
      const text = typeof answer.stdout === 'string' ? answer.stdout : JSON.stringify(answer.stdout);
      fs.writeFileSync(process.env.FAKE_WA_LINT_STDOUT, text);
    }
    if (answer.stderr !== undefined) process.env.FAKE_WA_LINT_STDERR = answer.stderr;
    if (answer.status !== undefined) process.env.FAKE_WA_LINT_STATUS = String(answer.status);
    const plugin = new WaLintValidator({ waLintCommand: process.execPath, waLintArgs: [FAKE], ...props });
    const result = plugin.validate({ templatePaths: TEMPLATES });
    const argvFile = process.env.FAKE_WA_LINT_ARGV;
    const argv = fs.existsSync(argvFile) ? JSON.parse(fs.readFileSync(argvFile, 'utf8')) : null;
    return { result, argv };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('calls wa-lint report for JSON, with no config by default and the templates after --', () => {
  const { argv } = validate({ extraArgs: ['--select', 'WA1'] }, { stdout: report([]) });
  assert.deepEqual(argv, ['report', '--format', 'json', '--quiet', '--fail-on', 'never', '--no-config',
    '--select', 'WA1', '--', ...TEMPLATES]);
  const withConfig = validate({ configFile: 'wa.yaml' }, { stdout: report([]) }).argv;
  assert.deepEqual(withConfig.slice(6, 8), ['--config', 'wa.yaml']);
});

test('each finding becomes a violation naming its logical id and template', () => {
  const { result } = validate({}, { stdout: report([finding('WA101', 'error', 'Notifier')]) });
  assert.equal(result.success, false);
  assert.equal(result.pluginVersion, '0.1.0');
  assert.deepEqual(result.metadata, { tool: 'wa-lint 9.8.7' });
  assert.deepEqual(result.violations, [{
    ruleName: 'WA101', description: 'WA101 on Notifier', fix: 'fix Notifier', severity: 'error',
    ruleMetadata: {
      name: 'wa101-name', pillar: 'reliability',
      DocumentationUrl: 'https://github.com/wa-lint/wa-lint/blob/main/docs/rules/WA101.md',
    },
    violatingResources: [{ resourceLogicalId: 'Notifier', templatePath: TEMPLATES[0], locations: ['/Resources/Notifier'] }],
  }]);
});

test('failOn and reportSeverity set what fails synthesis and what is listed', () => {
  const findings = [finding('WA212', 'warning', 'Bucket'), finding('WA501', 'info', 'Fn')];
  const byDefault = validate({}, { stdout: report(findings) }).result;
  assert.equal(byDefault.success, true);  // nothing reaches the default failOn (error)
  assert.deepEqual(byDefault.violations.map((v) => v.ruleName), ['WA212', 'WA501']);
  const strict = validate({ failOn: 'warning', reportSeverity: 'warning' }, { stdout: report(findings) }).result;
  assert.equal(strict.success, false);
  assert.deepEqual(strict.violations.map((v) => [v.ruleName, v.severity]), [['WA212', 'warning']]);
  assert.deepEqual(toViolations(report(findings), 3), []);
  assert.throws(() => new WaLintValidator({ failOn: 'fatal' }), /failOn must be one of error, warning, info/);
});

test('a template wa-lint cannot read, or an error of the run, fails with a violation', () => {
  const files = [{ path: TEMPLATES[0], error: 'AlertsStack.template.json:3: invalid JSON' }];
  const errors = ['AlertsStack.template.json:3: invalid JSON', 'extra.yaml: no such file or directory'];
  const { result } = validate({}, { stdout: report([], { files, errors }) });
  assert.equal(result.success, false);
  assert.deepEqual(result.violations.map((v) => [v.ruleName, v.description]), [
    ['wa-lint-input-error', 'wa-lint could not lint this template: AlertsStack.template.json:3: invalid JSON'],
    ['wa-lint-input-error', 'wa-lint reported an error: extra.yaml: no such file or directory'],
  ]);
  assert.deepEqual(result.violations[0].violatingResources.map((r) => r.templatePath), [TEMPLATES[0]]);
});

/** The one violation of a run that gave no report. */
function notRun(result) {
  assert.equal(result.success, false);
  assert.equal(result.violations.length, 1);
  const [violation] = result.violations;
  assert.equal(violation.ruleName, 'wa-lint-not-run');
  assert.equal(violation.severity, 'error');
  assert.deepEqual(violation.violatingResources.map((r) => r.templatePath), [TEMPLATES[0]]);
  assert.equal(result.metadata.error, violation.description.replace(/^wa-lint CDK plugin: /, '')
    .replace(/\. No template was linted\.$/, ''));
  return violation.description;
}

test('a missing executable fails synthesis with a violation, not an exception', () => {
  const missing = path.join(os.tmpdir(), 'no-such-dir', 'wa-lint');
  const plugin = new WaLintValidator({ waLintCommand: missing });
  const description = notRun(plugin.validate({ templatePaths: TEMPLATES }));
  assert.match(description, /could not run .*no-such-dir.*wa-lint: spawnSync .* ENOENT \(install wa-lint, or pass waLintCommand\)/);
});

test('a usage error (exit 2 with argparse usage text) fails synthesis naming the error line', () => {
  const stderr = 'usage: wa-lint [-h] [--version]\n               {report,rules}\n'
    + 'wa-lint: error: unrecognized arguments: --bogus\n';
  const description = notRun(validate({ extraArgs: ['--bogus'] }, { stderr, status: 2 }).result);
  assert.match(description, / exited 2 without a JSON report: wa-lint: error: unrecognized arguments: --bogus\./);
});

test('a configuration error or a run with no output at all fails too', () => {
  const stderr = "wa-lint: wa.yaml: unknown key 'selcet' (did you mean 'select'?)";
  assert.match(notRun(validate({ configFile: 'wa.yaml' }, { stderr, status: 2 }).result),
    /exited 2 without a JSON report: wa-lint: wa\.yaml: unknown key 'selcet'/);
  assert.match(notRun(validate({}, { status: 1 }).result), /exited 1 without a JSON report\./);
  assert.match(notRun(validate({}, { stdout: 'Traceback (most recent call last):', status: 1 }).result),
    /exited 1 without a JSON report/);
  assert.match(notRun(validate({}, { stdout: '[]' }).result), /exited 0 without a JSON report/);
});

test('firstError picks wa-lint\'s own line, else the last line', () => {
  assert.equal(firstError('usage: wa-lint report\nwa-lint report: error: bad\n'), 'wa-lint report: error: bad');
  assert.equal(firstError('\nsomething broke\n  at line 2\n'), 'at line 2');
  assert.equal(firstError(''), '');
  assert.equal(firstError(undefined), '');
});
