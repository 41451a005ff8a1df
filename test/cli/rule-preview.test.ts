import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CORPUS_FILE, FIXTURES, tempDir, writeText } from './cli-test-support';
import { IamChangeAlerting } from '../../src/alerting/iam-change-alerting';
import { JsonObject } from '../../src/cli/cloudtrail-envelope';
import { readEventFile } from '../../src/cli/log-reader';
import { PreviewEvent, previewRules, RulePreview, TargetInputKind } from '../../src/cli/rule-preview';
import { loadTemplates } from '../../src/cli/template-files';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { centralOrganizationConfiguration } from '../cross-account/configurations';

const dir = tempDir();
let corpusEvents: PreviewEvent[];

beforeAll(async () => {
  corpusEvents = [];
  await readEventFile(CORPUS_FILE, (event, _line, _index, id) => corpusEvents.push({ event, label: id! }));
});

/** Synthesizes an app into a cloud assembly folder of its own and returns the folder. */
function synthesize(name: string, build: (app: App) => void): string {
  const outdir = path.join(dir, name);
  const app = new App({ outdir });
  build(app);
  app.synth();
  return outdir;
}

function only(previews: RulePreview[], logicalId: string): RulePreview {
  const found = previews.find((p) => p.logicalId === logicalId);
  if (!found) throw new Error(`no rule ${logicalId} among ${previews.map((p) => p.logicalId).join(', ')}`);
  return found;
}

function matchFor(rule: RulePreview, label: string) {
  const match = rule.matches.find((m) => m.label === label);
  if (!match) throw new Error(`${label} does not match ${rule.logicalId}`);
  return match;
}

describe('a synthesized IamChangeAlerting stack', () => {
  let rule: RulePreview;
  beforeAll(async () => {
    const assembly = synthesize('alerting', (app) => {
      const stack = new Stack(app, 'IamAlerts', { env: { account: '111111111111', region: 'us-east-1' } });
      new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
    });
    const { templates } = await loadTemplates(assembly);
    [rule] = previewRules(templates, corpusEvents);
  });

  test('its rule is read with the environment of the cloud assembly', () => {
    expect([rule.template.endsWith('IamAlerts.template.json'), rule.region, rule.state, rule.eventBus]).toEqual([true, 'us-east-1', 'ENABLED', 'default']);
  });

  test('its target is the alert topic, through an input transformer', () => {
    expect(rule.targets).toEqual([{
      id: 'Target0',
      destination: expect.stringMatching(/^Ref IamAlertsTopic[0-9A-F]{8} \(AWS::SNS::Topic\)$/),
      input: TargetInputKind.INPUT_TRANSFORMER,
      eventBus: false,
      problems: [],
    }]);
  });

  test('a CreateUser call is delivered, and the topic receives the alert text', () => {
    const match = matchFor(rule, 'ct-005');
    expect([match.summary, match.delivered]).toEqual(['CreateUser by arn:aws:iam::229654561268:user/christophe at 2024-08-01T13:33:28Z', true]);
    const lines = match.messages[0].text!.split('\n');
    expect([match.messages[0].targetId, lines[0], lines[1], lines.includes('"When: 2024-08-01T13:33:28Z"'),
      lines.includes(`"Matched by EventBridge rule: ${rule.logicalId}"`)])
      .toEqual(['Target0', '"IAM change alert: CreateUser in account 229654561268"', '"Who: IAMUser arn:aws:iam::229654561268:user/christophe"', true, true]);
  });

  test('the whole text is the template with each placeholder replaced by the event\'s value, unquoted', () => {
    // An oracle written apart from the renderer, for what this template uses: placeholders inside
    // JSON strings, dot paths, strings inserted as they are, objects as JSON without quotes.
    const template = JSON.parse(fs.readFileSync(rule.template, 'utf8'));
    const transformer = template.Resources[rule.logicalId].Properties.Targets[0].InputTransformer;
    const event = corpusEvents.find((e) => e.label === 'ct-005')!.event;
    const expected = (transformer.InputTemplate as string).replace(/<([^<>]+)>/g, (_, name: string) => {
      if (name === 'aws.events.rule-name') return rule.logicalId;
      const value = (transformer.InputPathsMap[name] as string).slice(2).split('.').reduce((v: any, key) => v?.[key], event);
      if (value === undefined) return '';
      return typeof value === 'string' ? value : JSON.stringify(value).replace(/"/g, '');
    });
    expect(matchFor(rule, 'ct-005').messages[0].text).toBe(expected);
  });

  test('the rule name CloudFormation generates is explained', () => {
    expect(rule.notes).toContainEqual(expect.stringContaining(`<aws.events.rule-name> is shown as the logical ID ${rule.logicalId}`));
  });

  test('a read-only call does not match the changes pattern', () => {
    expect(rule.matches.some((m) => m.label === 'ct-070')).toBe(false);
  });

  test('every corpus event was checked', () => {
    expect(rule.eventsChecked).toBe(256);
  });
});

describe('a pattern holding a value only known at deployment', () => {
  let assembly: string;
  let roleArnName: string;
  beforeAll(() => {
    assembly = synthesize('unresolved', (app) => {
      const stack = new Stack(app, 'Unresolved', { env: { account: '111111111111', region: 'us-east-1' } });
      const role = new iam.Role(stack, 'Deploy', { assumedBy: new iam.AccountRootPrincipal() });
      new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'], pattern: IamEventPattern.changes().exceptPrincipals(role.roleArn) });
      roleArnName = `${stack.getLogicalId(role.node.defaultChild as iam.CfnRole)}.Arn`;
    });
  });

  test('lists the unresolved values with their place in the pattern', async () => {
    const [rule] = previewRules((await loadTemplates(assembly)).templates, corpusEvents);
    expect(rule.unresolved.length).toBeGreaterThan(0);
    for (const use of rule.unresolved) {
      expect(use).toEqual({ path: expect.stringMatching(/^EventPattern\.detail\./), description: `Fn::GetAtt ${roleArnName} (AWS::IAM::Role)` });
    }
  });

  test('treats them as a value no event carries, so the exclusion excludes nothing', async () => {
    const [rule] = previewRules((await loadTemplates(assembly)).templates, corpusEvents);
    expect(matchFor(rule, 'ct-005').delivered).toBe(true);
  });

  test('a value given for them is used', async () => {
    const given = new Map([[roleArnName, 'arn:aws:iam::229654561268:user/christophe']]);
    const [rule] = previewRules((await loadTemplates(assembly)).templates, corpusEvents, { given });
    expect([rule.unresolved, rule.matches.some((m) => m.label === 'ct-005')]).toEqual([[], false]);
  });
});

describe('a StackSet member template (CrossAccountAlertBus with member rollout)', () => {
  let assembly: string;
  beforeAll(() => {
    assembly = synthesize('organization', (app) => { centralOrganizationConfiguration(app); });
  });

  test('is previewed after the template that holds the StackSet', async () => {
    const { templates } = await loadTemplates(assembly);
    expect(templates.map((t) => [path.basename(t.name).replace(/StackSet \S+/, 'StackSet <id>'), t.perDeployment])).toEqual([
      ['CentralOrganization.template.json', false],
      ['CentralOrganization.template.json StackSet <id> member template', true],
    ]);
  });

  test('its forwarding rule sends the event unchanged to the central bus, whose ARN comes from the StackSet parameter', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents, { given: new Map([['AWS::Region', 'us-east-1']]) });
    const forwarder = previews.filter((p) => p.template.endsWith('member template') && p.description?.includes('IAM changes'))[0];
    expect(forwarder.targets).toEqual([{
      id: 'Target0',
      destination: 'arn:aws:events:eu-west-1:999999999999:event-bus/org-iam-alerts',
      input: TargetInputKind.WHOLE_EVENT,
      eventBus: true,
      problems: [],
    }]);
    const match = matchFor(forwarder, 'ct-005');
    expect(JSON.parse(match.messages[0].text!)).toEqual(corpusEvents.find((e) => e.label === 'ct-005')!.event);
  });

  test('a rule whose condition depends on the region says so and is previewed as if created', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents);
    const forwarder = previews.filter((p) => p.template.endsWith('member template'))[0];
    expect([forwarder.condition?.holds, forwarder.condition?.dependsOn, forwarder.matched > 0])
      .toEqual([undefined, expect.stringContaining('Ref AWS::Region'), true]);
  });

  test('in a region where its condition is false, the rule is not created and matches nothing', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents, { given: new Map([['AWS::Region', 'eu-west-1']]) });
    const forwarder = previews.filter((p) => p.template.endsWith('member template') && p.description?.includes('IAM changes'))[0];
    expect([forwarder.condition?.holds, forwarder.matched, forwarder.notes[0]]).toEqual([false, 0, expect.stringMatching(/^Not created: its condition/)]);
  });

  test('the central rule on the custom bus names the bus and receives events of any region', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents);
    const central = previews.filter((p) => !p.template.endsWith('member template') && p.description?.includes('IAM changes'))[0];
    expect([central.eventBus, central.region, matchFor(central, 'ct-005').delivered]).toEqual(['org-iam-alerts', 'eu-west-1', true]);
  });
});

describe('rule states, target inputs and invalid rules (test/cli/fixtures/rules.template.json)', () => {
  const file = path.join(FIXTURES, 'rules.template.json');
  let previews: RulePreview[];
  beforeAll(async () => {
    previews = previewRules((await loadTemplates(file)).templates, corpusEvents);
  });

  test('a read-only call matching an ENABLED rule is not delivered', () => {
    const match = matchFor(only(previews, 'AllIamCalls'), 'ct-070');
    expect([match.delivered, match.notDeliveredBecause]).toEqual([false, expect.stringMatching(/^read-only management event/)]);
  });

  test('with ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS it is delivered, and an InputPath target gets the selected JSON value', () => {
    const match = matchFor(only(previews, 'AllIamCallsWithReadOnly'), 'ct-070');
    expect([match.delivered, match.messages]).toEqual([true, [{ targetId: 'EventName', text: '"GetGroup"' }]]);
  });

  test('a constant Input is delivered as written', () => {
    expect(matchFor(only(previews, 'AllIamCalls'), 'ct-005').messages).toEqual([{ targetId: 'Constant', text: '"An IAM call happened"' }]);
  });

  test('nothing is delivered to a DISABLED rule', () => {
    const rule = only(previews, 'Disabled');
    expect([rule.matched > 0, rule.delivered, rule.matches[0].notDeliveredBecause]).toEqual([true, 0, 'the rule is DISABLED']);
  });

  test('a named rule fills <aws.events.rule-name> and <aws.events.rule-arn> with its name', () => {
    expect(matchFor(only(previews, 'Named'), 'ct-005').messages[0].text)
      .toBe('"arn:aws:iam::229654561268:user/christophe created a user; rule iam-create-user (arn:aws:events:us-east-1:229654561268:rule/iam-create-user)"');
  });

  test('an invalid pattern is reported with EventBridge\'s reason and matches nothing', () => {
    const rule = only(previews, 'InvalidPattern');
    expect([rule.problems, rule.matched]).toEqual([[expect.stringContaining('prefix match pattern must be a string')], 0]);
  });

  test('an input transformer EventBridge would reject is reported, and its messages are not rendered', () => {
    const rule = only(previews, 'InvalidTransformer');
    expect(rule.problems).toEqual([expect.stringContaining('invalid placeholder <nmae>')]);
    expect(rule.matches[0].messages).toEqual([{ targetId: 'Transformed', error: 'not rendered: the input transformer is invalid' }]);
  });

  test('a scheduled rule matches no events', () => {
    const rule = only(previews, 'Scheduled');
    expect([rule.matched, rule.notes]).toEqual([0, expect.arrayContaining([expect.stringMatching(/^Scheduled rule/)])]);
  });

  test('--rule keeps only the rules whose logical ID or name contains the text', async () => {
    const named = previewRules((await loadTemplates(file)).templates, corpusEvents, { ruleFilter: 'create-user' });
    expect(named.map((r) => r.logicalId)).toEqual(['Named']);
  });
});

describe('a default-bus rule in another region than its events', () => {
  test('does not receive them, and says IAM events arrive only in us-east-1', async () => {
    const assembly = path.join(dir, 'eu-west-1');
    fs.mkdirSync(assembly, { recursive: true });
    fs.copyFileSync(path.join(FIXTURES, 'rules.template.json'), path.join(assembly, 'Rules.template.json'));
    writeText(path.join(assembly, 'manifest.json'), JSON.stringify({
      version: '48.0.0',
      artifacts: { Rules: { type: 'aws:cloudformation:stack', environment: 'aws://111122223333/eu-west-1', properties: { templateFile: 'Rules.template.json' } } },
    }));
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents, { ruleFilter: 'Named' });
    const match = matchFor(previews[0], 'ct-005');
    expect([match.delivered, match.notDeliveredBecause]).toEqual([false,
      'the event is from us-east-1; a rule on the default bus of eu-west-1 sees only events of eu-west-1 (IAM events reach EventBridge only in us-east-1)']);
  });
});

describe('loading templates', () => {
  test('a file that is not a template is rejected with the fix', async () => {
    await expect(loadTemplates(path.join(FIXTURES, 'create-user-event.json'))).rejects.toThrow(/not a CloudFormation template \(no "Resources" object\)/);
  });

  test('an empty folder is rejected with the fix', async () => {
    const empty = path.join(dir, 'no-templates');
    fs.mkdirSync(empty, { recursive: true });
    await expect(loadTemplates(empty)).rejects.toThrow(/no \*\.template\.json file in this folder; synthesize the app first/);
  });

  test('a template that is not JSON in a folder is reported, the others loaded', async () => {
    const folder = path.join(dir, 'one-bad');
    writeText(path.join(folder, 'Bad.template.json'), '{');
    fs.copyFileSync(path.join(FIXTURES, 'rules.template.json'), path.join(folder, 'Good.template.json'));
    const set = await loadTemplates(folder);
    expect([set.templates.length, set.problems]).toEqual([1, [expect.stringMatching(/Bad\.template\.json: invalid JSON/)]]);
  });

  test('a StackSet whose member template is in S3 is reported as not previewed', async () => {
    const file = writeText(path.join(dir, 'url.template.json'), JSON.stringify({
      Resources: { Set: { Type: 'AWS::CloudFormation::StackSet', Properties: { TemplateURL: 'https://example.com/t.json' } } },
    }));
    expect((await loadTemplates(file)).problems).toEqual([expect.stringContaining('no inline TemplateBody')]);
  });
});

test('events that are no CloudTrail record are summarized by their detail-type', () => {
  const event: JsonObject = { 'source': 'custom', 'detail-type': 'Order placed', 'detail': {} };
  const [rule] = previewRules([{
    name: 't',
    template: { Resources: { R: { Type: 'AWS::Events::Rule', Properties: { EventPattern: { source: ['custom'] } } } } },
    parameterValues: new Map(),
    perDeployment: false,
  }], [{ event, label: 'e' }]);
  expect(rule.matches[0].summary).toBe('Order placed');
});
