import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ALERTING_CONFIGURATIONS } from './configurations';
import { CONTROL_TOWER_EXCEPTIONS } from './control-tower-exceptions';

const CONFIGURATIONS = Object.entries(ALERTING_CONFIGURATIONS);

interface Finding {
  readonly rule: string;
  readonly at: string[];
}

/** cdk-nag's AwsSolutions findings that carry no acknowledgement. */
function awsSolutionsFindings(build: (app: App) => unknown): Finding[] {
  const app = new App();
  build(app);
  app.synth();
  return new AwsSolutionsChecks().validateScope(app).violations.map((violation) => ({
    rule: violation.ruleName,
    at: violation.violatingResources.map((resource) => resource.constructPath ?? resource.resourceLogicalId ?? '?'),
  }));
}

/** The Control Tower rules cfn-guard reports as failing, with the resources. */
function controlTowerFindings(build: (app: App) => unknown, disabledRules: string[]): Finding[] {
  const app = new App();
  Validations.of(app).addPlugins(new CfnGuardValidator({ disabledRules }));
  build(app);
  const exitCode = process.exitCode;
  try {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'policy-validation-report.json'), 'utf8'));
    return report.pluginReports.flatMap((pluginReport: any) => {
      if (pluginReport.summary.metadata?.error) {
        throw new Error(`cfn-guard did not run: ${pluginReport.summary.metadata.error}`);
      }
      return pluginReport.violations.map((violation: any) => ({
        rule: violation.description.match(/^\[([^\]]+)\]/)?.[1] ?? violation.ruleName,
        at: violation.violatingResources.map((resource: any) => resource.resourceLogicalId),
      }));
    });
  } finally {
    // A failed validation sets the process exit code; the assertions below report it instead.
    process.exitCode = exitCode;
  }
}

describe('cdk-nag AwsSolutionsChecks', () => {
  test.each(CONFIGURATIONS)('finds nothing unacknowledged in the %s configuration', (_name, build) => {
    expect(awsSolutionsFindings(build)).toEqual([]);
  });
});

describe('cfn-guard with the AWS Control Tower proactive controls', () => {
  const disabled = CONTROL_TOWER_EXCEPTIONS.map((exception) => exception.rule);

  test.each(CONFIGURATIONS)('passes on the %s configuration, with the written exceptions', (_name, build) => {
    expect(controlTowerFindings(build, disabled)).toEqual([]);
  });

  test('needs every written exception: each one fails on some configuration without it', () => {
    const failing = new Set(CONFIGURATIONS.flatMap(([, build]) => controlTowerFindings(build, [])).map((finding) => finding.rule));
    const controls = CONTROL_TOWER_EXCEPTIONS.map((exception) => exception.rule.toUpperCase().replace(/-/g, '.'));
    expect([...failing].sort()).toEqual([...controls].sort());
  });
});
