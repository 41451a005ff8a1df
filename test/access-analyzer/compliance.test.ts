import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIGURATIONS } from './configurations';
import { OrganizationStackSet } from '../../src/org-rollout/organization-stack-set';

/**
 * cdk-nag (AWS Solutions) and the CloudFormation Guard validator (Control Tower proactive controls)
 * over every configuration. Findings acknowledged with a reason are in configurations.ts.
 *
 * Guard rules left out, because they are about the trail bucket the configurations stand in for
 * (created by the stack that owns the trail), not about what the access-analyzer constructs add:
 * server access logging (ct-s3-pr-2), event notifications (ct-s3-pr-4) and Object Lock (ct-s3-pr-9).
 */
const GUARD_RULES_FOR_THE_TRAIL_STACK = ['ct-s3-pr-2', 'ct-s3-pr-4', 'ct-s3-pr-9'];

interface PluginReport {
  readonly summary: { readonly pluginName: string; readonly status: string; readonly metadata?: Record<string, string> };
  readonly violations: { readonly ruleName: string; readonly violatingConstructs?: { readonly constructPath?: string }[] }[];
}

/**
 * Synthesizes with the Guard validator and returns the reports of the plugins that found something
 * (none when everything passes). A failing plugin does not make `synth()` throw: it writes
 * `policy-validation-report.json` and sets `process.exitCode`, which is reset here so that the
 * verdict is this test's alone.
 */
function guardReports(build: (app: App) => Stack): PluginReport[] {
  const app = new App();
  Validations.of(app).addPlugins(new CfnGuardValidator({ disabledRules: GUARD_RULES_FOR_THE_TRAIL_STACK }));
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

/** Violated rules and where, in a form a failing assertion shows readably. */
interface Violations {
  readonly violations: {
    readonly ruleName: string;
    readonly violatingConstructs?: { readonly constructPath?: string }[];
    readonly violatingResources?: { readonly constructPath?: string }[];
  }[];
}

function findings(report: Violations): string[] {
  return report.violations.flatMap(v =>
    (v.violatingConstructs ?? v.violatingResources ?? [{}]).map(where => `${v.ruleName} at ${where.constructPath ?? '?'}`));
}

describe.each(Object.entries(CONFIGURATIONS))('configuration %s', (_name, build) => {
  // cdk-nag 3.0.2 cannot run as a synthesis plugin on aws-cdk-lib 2.257 ("NagPack requires a construct
  // tree on the validation context"), so the pack checks the tree directly, as its error advises.
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

/**
 * The StackSets of a configuration. Their member stacks live in apps of their own, which neither
 * cdk-nag on the central stack nor a validation plugin of the central app sees, so they are checked
 * separately: the member template is what every target account deploys.
 */
function stackSetsOf(stack: Stack): OrganizationStackSet[] {
  return stack.node.findAll().filter((c): c is OrganizationStackSet => c instanceof OrganizationStackSet);
}

/** cfn-guard over one template, with the rules of the guardReports above. */
function guardTemplateFindings(template: Record<string, unknown>): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'access-analyzer-guard-'));
  try {
    const file = path.join(dir, 'member.json');
    fs.writeFileSync(file, JSON.stringify(template));
    const report = new CfnGuardValidator({ disabledRules: GUARD_RULES_FOR_THE_TRAIL_STACK }).validate({ templatePaths: [file] });
    return report.violations.flatMap(v => v.violatingResources.map(r => `${v.ruleName} at ${r.resourceLogicalId}`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const ROLLOUT_CONFIGURATIONS = Object.entries(CONFIGURATIONS).filter(([, build]) => stackSetsOf(build(new App())).length > 0);

test('the rollout configurations are the ones with a StackSet', () => {
  expect(ROLLOUT_CONFIGURATIONS.map(([name]) => name).sort()).toEqual(['bucketOwnerRollout', 'managementRollout']);
});

describe.each(ROLLOUT_CONFIGURATIONS)('member template of configuration %s', (_name, build) => {
  test('passes cdk-nag AwsSolutionsChecks, with reasons for what is acknowledged', () => {
    const [stackSet] = stackSetsOf(build(new App()));
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stackSet.memberStack);
    expect(findings(report)).toEqual([]);
    expect(report.success).toBe(true);
  });

  test('passes the cfn-guard Control Tower rules', () => {
    const [stackSet] = stackSetsOf(build(new App()));
    expect(guardTemplateFindings(stackSet.memberTemplate())).toEqual([]);
  });
});

describe('the checks find what they look for', () => {
  test('cdk-nag reports the service role\'s wildcard resources when they are not acknowledged', () => {
    const stack = CONFIGURATIONS.memberServiceRole(new App());
    const role = stack.node.findAll().find(c => c.node.id === 'AnalyzerRole')!;
    // Drop the acknowledgements the configuration recorded.
    (role.node as unknown as { _metadata: unknown[] })._metadata = [];
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(findings(report).filter(f => f.startsWith('AwsSolutions-IAM5'))).toHaveLength(4);
  });

  test('cfn-guard reports an inline policy that allows everything', () => {
    const reports = guardReports(app => {
      const stack = CONFIGURATIONS.memberServiceRole(app);
      const role = stack.node.findAll().find(c => c.node.id === 'AnalyzerRole')!;
      const cfnRole = role.node.findChild('Role').node.defaultChild as import('aws-cdk-lib/aws-iam').CfnRole;
      cfnRole.addPropertyOverride('Policies.0.PolicyDocument.Statement.0', { Effect: 'Allow', Action: '*', Resource: '*' });
      return stack;
    });
    expect(reports.flatMap(findings)).toContain('iam_inline_policy_no_statements_with_admin_access_check at MemberServiceRole/AnalyzerRole/Role/Resource');
  });

  test('cdk-nag reports the member template role\'s wildcard resources when they are not acknowledged', () => {
    const [stackSet] = stackSetsOf(CONFIGURATIONS.managementRollout(new App()));
    const role = stackSet.memberStack.node.findAll().find(c => c.node.id === 'ServiceRole')!;
    (role.node as unknown as { _metadata: unknown[] })._metadata = [];
    const report = new AwsSolutionsChecks().validateScope(stackSet.memberStack);
    expect(findings(report).filter(f => f.startsWith('AwsSolutions-IAM5'))).toHaveLength(4);
  });

  test('cfn-guard reports a member template role whose inline policy allows everything', () => {
    const [stackSet] = stackSetsOf(CONFIGURATIONS.managementRollout(new App()));
    const template = JSON.parse(JSON.stringify(stackSet.memberTemplate()));
    const role = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::IAM::Role');
    role.Properties.Policies[0].PolicyDocument.Statement[0] = { Effect: 'Allow', Action: '*', Resource: '*' };
    expect(guardTemplateFindings(template).some(f => f.startsWith('iam_inline_policy_no_statements_with_admin_access_check'))).toBe(true);
  });
});
