/**
 * Synthesizes every configuration that the tests build (alerting, cross-account, Access Analyzer,
 * the organization trail's Athena queries)
 * into one folder of CloudFormation templates, for validators that run outside jest (cfn-lint).
 * A StackSet's member template is written beside its stack as `<stack>.<resource>.member.json`,
 * so the template every member account receives is linted too.
 *
 * Usage: ts-node --project tsconfig.dev.json test/compliance/synth-all-configurations.ts <outdir>
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { CONFIGURATIONS as ACCESS_ANALYZER } from '../access-analyzer/configurations';
import { ALERTING_CONFIGURATIONS } from '../alerting/configurations';
import { CONFIGURATIONS as CROSS_ACCOUNT } from '../cross-account/configurations';
import { CONFIGURATIONS as ORG_TRAIL_ATHENA } from '../org-trail-athena/configurations';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: synth-all-configurations.ts <outdir>');
  process.exit(2);
}
fs.rmSync(outdir, { recursive: true, force: true });
fs.mkdirSync(outdir, { recursive: true });

const families: Record<string, Record<string, (app: App) => Stack>> = {
  alerting: ALERTING_CONFIGURATIONS,
  crossAccount: CROSS_ACCOUNT,
  accessAnalyzer: ACCESS_ANALYZER,
  orgTrailAthena: ORG_TRAIL_ATHENA,
};

let written = 0;
for (const [family, configurations] of Object.entries(families)) {
  for (const [name, build] of Object.entries(configurations)) {
    const app = new App();
    const stack = build(app);
    const template = app.synth().getStackByName(stack.stackName).template;
    const base = path.join(outdir, `${family}.${name}`);
    fs.writeFileSync(`${base}.json`, JSON.stringify(template, undefined, 1));
    written++;
    for (const [logicalId, resource] of Object.entries<any>(template.Resources ?? {})) {
      const body = resource.Type === 'AWS::CloudFormation::StackSet' ? resource.Properties?.TemplateBody : undefined;
      if (typeof body === 'string') {
        fs.writeFileSync(`${base}.${logicalId}.member.json`, body);
        written++;
      }
    }
  }
}
console.log(`synthesized ${written} templates into ${outdir}`);
