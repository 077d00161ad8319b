import type { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';

export interface WaLintValidatorProps {
  /** The wa-lint executable. Default: $WA_LINT_COMMAND, else `wa-lint` on PATH. */
  readonly waLintCommand?: string;
  /** Arguments before `report` (e.g. ['-m', 'wa_lint.cli'] when waLintCommand is a Python). */
  readonly waLintArgs?: string[];
  /** The lowest severity that fails synthesis. Default: 'error'. */
  readonly failOn?: 'error' | 'warning' | 'info';
  /** The lowest severity reported. Default: 'info'. */
  readonly reportSeverity?: 'error' | 'warning' | 'info';
  /** A wa-lint configuration file. Default: none (--no-config). */
  readonly configFile?: string;
  /** More `wa-lint report` options, e.g. ['--select', 'WA1']. */
  readonly extraArgs?: string[];
}

export declare class WaLintValidator implements IPolicyValidationPluginBeta1 {
  readonly name: string;
  readonly version: string;
  constructor(props?: WaLintValidatorProps);
  validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1;
}
