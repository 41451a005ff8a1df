import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONFIGURATIONS } from './configurations';

describe.each(Object.entries(CONFIGURATIONS))('%s', (_name, build) => {
  test('cdk-nag AwsSolutions finds nothing', () => {
    const stack = build(new App());
    const violations = new AwsSolutionsChecks().validateScope(stack).violations;
    expect(violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.resourceLogicalId).join(',')}`)).toEqual([]);
  });

  test('cfn-guard (Control Tower proactive controls) finds nothing', () => {
    const template = Template.fromStack(build(new App())).toJSON();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cross-account-guard-'));
    try {
      const file = path.join(dir, 'template.json');
      fs.writeFileSync(file, JSON.stringify(template));
      const report = new CfnGuardValidator().validate({ templatePaths: [file] });
      expect(report.violations.map((v) => `${v.ruleName}: ${v.description}`)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
