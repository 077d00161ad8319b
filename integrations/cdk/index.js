'use strict';
// A CDK policy validation plugin (IPolicyValidationPluginBeta1) that runs wa-lint on the templates
// `cdk synth` writes and reports its findings as violations, so synthesis reports and fails on them
// as it does for cdk-nag or cdk-validator-cfnguard. CDK maps each violation's logical id to its
// construct path itself. Plain JavaScript: no build step, no runtime dependencies.

const { spawnSync } = require('child_process');

const RANK = { info: 1, warning: 2, error: 3 };
const PLUGIN_VERSION = '0.1.0';

function rank(severity, option) {
  const value = RANK[String(severity).toLowerCase()];
  if (value === undefined) {
    throw new Error(`wa-lint CDK plugin: ${option} must be one of error, warning, info (got ${JSON.stringify(severity)})`);
  }
  return value;
}

class WaLintValidator {
  /**
   * @param {object} [props]
   * @param {string} [props.waLintCommand] the wa-lint executable (default: `wa-lint` on PATH, or $WA_LINT_COMMAND)
   * @param {string[]} [props.waLintArgs] arguments before `report` (e.g. ['-m', 'wa_lint.cli'] with a python command)
   * @param {string} [props.failOn] the lowest severity that fails synthesis: error (default), warning or info
   * @param {string} [props.reportSeverity] the lowest severity reported: info (default), warning or error
   * @param {string} [props.configFile] a wa-lint configuration file; by default none is read (--no-config)
   * @param {string[]} [props.extraArgs] more `wa-lint report` options (e.g. ['--select', 'WA1'])
   */
  constructor(props = {}) {
    this.name = 'wa-lint';
    this.version = PLUGIN_VERSION;
    this.command = props.waLintCommand || process.env.WA_LINT_COMMAND || 'wa-lint';
    this.commandArgs = props.waLintArgs || [];
    this.failOn = rank(props.failOn || 'error', 'failOn');
    this.reportSeverity = rank(props.reportSeverity || 'info', 'reportSeverity');
    this.configFile = props.configFile;
    this.extraArgs = props.extraArgs || [];
  }

  /** CDK calls this synchronously after writing the templates. */
  validate(context) {
    const args = [...this.commandArgs, 'report', '--format', 'json', '--quiet', '--fail-on', 'never',
      ...(this.configFile ? ['--config', this.configFile] : ['--no-config']), ...this.extraArgs,
      '--', ...context.templatePaths];
    const run = spawnSync(this.command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // aws-cdk-lib turns an exception from validate() into a plugin failure that lets synthesis pass
    // silently: a run that gives no report is a failing report instead, saying why.
    if (run.error) {
      return this.notRun(context, `could not run ${this.command}: ${run.error.message} `
        + '(install wa-lint, or pass waLintCommand)');
    }
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch (e) {
      report = undefined;
    }
    if (!report || typeof report !== 'object' || Array.isArray(report)) {
      const why = run.status === null ? `was stopped by ${run.signal}` : `exited ${run.status}`;
      return this.notRun(context, `${this.command} ${why} without a JSON report`
        + (firstError(run.stderr) ? `: ${firstError(run.stderr)}` : ''));
    }
    const violations = toViolations(report, this.reportSeverity);
    const failed = (report.findings || []).some((f) => (RANK[f.severity] || 0) >= this.failOn);
    const broken = (report.files || []).filter((f) => f.error);
    for (const file of broken) {
      violations.push({
        ruleName: 'wa-lint-input-error',
        description: `wa-lint could not lint this template: ${file.error}`,
        severity: 'error',
        violatingResources: [{ resourceLogicalId: '', templatePath: file.path, locations: [] }],
      });
    }
    // errors of the run that belong to no template (e.g. a path wa-lint was given that does not exist)
    const known = new Set(broken.map((f) => f.error));
    const other = (report.errors || []).filter((e) => !known.has(e));
    for (const error of other) {
      violations.push({
        ruleName: 'wa-lint-input-error',
        description: `wa-lint reported an error: ${error}`,
        severity: 'error',
        violatingResources: wholeRun(context),
      });
    }
    return {
      success: !failed && broken.length === 0 && other.length === 0,
      violations,
      pluginVersion: this.version,
      metadata: { tool: `wa-lint ${(report.tool && report.tool.version) || ''}`.trim() },
    };
  }

  /** A failing report whose one violation says why wa-lint gave no findings for these templates. */
  notRun(context, why) {
    return {
      success: false,
      violations: [{
        ruleName: 'wa-lint-not-run',
        description: `wa-lint CDK plugin: ${why}. No template was linted.`,
        fix: 'Install wa-lint where `cdk synth` runs (or pass waLintCommand), and check extraArgs and configFile.',
        severity: 'error',
        violatingResources: wholeRun(context),
      }],
      pluginVersion: this.version,
      metadata: { error: why },
    };
  }
}

/** The violating resource of a problem with the whole run: synthesis fails on a violation only when it
 * names a resource, and lists it once per resource, so one (the first template, no logical id). */
function wholeRun(context) {
  return [{ resourceLogicalId: '', templatePath: context.templatePaths[0] || '', locations: [] }];
}

/** The line of wa-lint's standard error that says what went wrong (argparse prints its usage first). */
function firstError(stderr) {
  const lines = String(stderr || '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /^wa-lint\b.*:/.test(l)) || lines[lines.length - 1] || '';
}

/** One violation per finding, in the finding's own words (CDK lists each with its construct path). */
function toViolations(report, minimum) {
  return (report.findings || []).filter((f) => (RANK[f.severity] || 0) >= minimum).map((f) => ({
    ruleName: f.rule,
    description: f.message,
    fix: f.fix,
    severity: f.severity,
    ruleMetadata: {
      name: f.name,
      pillar: f.pillar,
      DocumentationUrl: `https://github.com/wa-lint/wa-lint/blob/main/docs/rules/${f.rule}.md`,
    },
    violatingResources: [{
      resourceLogicalId: f.resource,
      templatePath: f.path,
      locations: [`/Resources/${f.resource}`],
    }],
  }));
}

module.exports = { WaLintValidator, toViolations, firstError };
