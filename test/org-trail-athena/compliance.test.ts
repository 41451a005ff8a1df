import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIGURATIONS } from './configurations';

/**
 * cdk-nag (AWS Solutions) and the CloudFormation Guard validator (Control Tower proactive controls)
 * over every configuration of OrgTrailAthena. Findings acknowledged with a reason are in
 * configurations.ts.
 *
 * Guard rules left out: event notifications (ct-s3-pr-4) and Object Lock (ct-s3-pr-9) on a bucket
 * of query results that expire after days, and, for the stand-in trail bucket of one configuration,
 * server access logging (ct-s3-pr-2), which belongs to the stack that owns the trail.
 */
const GUARD_RULES_LEFT_OUT = ['ct-s3-pr-2', 'ct-s3-pr-4', 'ct-s3-pr-9'];

interface Violations {
  readonly violations: {
    readonly ruleName: string;
    readonly violatingConstructs?: { readonly constructPath?: string }[];
    readonly violatingResources?: { readonly constructPath?: string }[];
  }[];
}

interface PluginReport extends Violations {
  readonly summary: { readonly status: string };
}

function findings(report: Violations): string[] {
  return report.violations.flatMap(v =>
    (v.violatingConstructs ?? v.violatingResources ?? [{}]).map(where => `${v.ruleName} at ${where.constructPath ?? '?'}`));
}

/** Synthesizes with the Guard validator; the reports of the plugins that found something. */
function guardReports(build: (app: App) => Stack): PluginReport[] {
  const app = new App();
  Validations.of(app).addPlugins(new CfnGuardValidator({ disabledRules: GUARD_RULES_LEFT_OUT }));
  build(app);
  const consoleError = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  const exitCode = process.exitCode;
  try {
    const assembly = app.synth();
    const reportFile = path.join(assembly.directory, 'policy-validation-report.json');
    return fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')).pluginReports as PluginReport[] : [];
  } finally {
    process.exitCode = exitCode;
    consoleError.mockRestore();
  }
}

describe.each(Object.entries(CONFIGURATIONS))('configuration %s', (_name, build) => {
  test('passes cdk-nag AwsSolutionsChecks, with reasons for what is acknowledged', () => {
    const stack = build(new App());
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(findings(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('passes the cfn-guard Control Tower rules', () => {
    const reports = guardReports(app => build(app));
    expect(reports.flatMap(findings)).toEqual([]);
    expect(reports.filter(report => report.summary.status !== 'success')).toEqual([]);
  });
});

test('cdk-nag reports the query grant\'s wildcard resources when they are not acknowledged', () => {
  const stack = CONFIGURATIONS.importedTrail(new App());
  const analyst = stack.node.findChild('Analyst');
  (analyst.node as unknown as { _metadata: unknown[] })._metadata = [];
  const report = new AwsSolutionsChecks().validateScope(stack);
  expect(findings(report).filter(f => f.startsWith('AwsSolutions-IAM5'))).toHaveLength(2);
});
