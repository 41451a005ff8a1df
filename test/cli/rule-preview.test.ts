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

/** The rule whose explicit Name ends with this suffix (`-alerts`, `-heartbeat`, `-tamper`, ...). */
function namedEnding(previews: RulePreview[], suffix: string): RulePreview {
  const found = previews.filter((p) => p.ruleName?.endsWith(suffix));
  if (found.length !== 1) throw new Error(`${found.length} rules named *${suffix} among ${previews.map((p) => p.ruleName ?? p.logicalId).join(', ')}`);
  return found[0];
}

function matchFor(rule: RulePreview, label: string) {
  const match = rule.matches.find((m) => m.label === label);
  if (!match) throw new Error(`${label} does not match ${rule.logicalId}`);
  return match;
}

describe('a synthesized IamChangeAlerting stack', () => {
  /** Every rule of the construct is named with this prefix (Names.uniqueResourceName of IamAlerts/IamAlerts). */
  const PREFIX = 'IamAlerts-C9AD2349';
  let previews: RulePreview[];
  let rule: RulePreview;
  beforeAll(async () => {
    const assembly = synthesize('alerting', (app) => {
      const stack = new Stack(app, 'IamAlerts', { env: { account: '111111111111', region: 'us-east-1' } });
      new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
    });
    const { templates } = await loadTemplates(assembly);
    previews = previewRules(templates, corpusEvents);
    rule = namedEnding(previews, '-alerts');
  });

  test('its rules are named with one prefix: the alert rule, the heartbeat rule, a tamper rule per kind of resource and one for the health path', () => {
    expect(previews.map((p) => p.ruleName)).toEqual([`${PREFIX}-alerts`, `${PREFIX}-heartbeat`,
      `${PREFIX}-tamper-trail-rules`, `${PREFIX}-tamper-topics`, `${PREFIX}-tamper-keys`, `${PREFIX}-tamper-health`]);
  });

  test('its alert rule is read with the environment of the cloud assembly', () => {
    expect([rule.template.endsWith('IamAlerts.template.json'), rule.region, rule.state, rule.eventBus]).toEqual([true, 'us-east-1', 'ENABLED', 'default']);
  });

  test('its alert rule\'s target is the alert topic, through an input transformer', () => {
    expect(rule.targets).toEqual([{
      id: 'Target0',
      destination: expect.stringMatching(/^Ref IamAlertsTopic[0-9A-F]{8} \(AWS::SNS::Topic\)$/),
      input: TargetInputKind.INPUT_TRANSFORMER,
      eventBus: false,
      problems: [],
    }]);
  });

  test('a CreateUser call is delivered, and the topic receives the alert text naming the rule by its Name', () => {
    const match = matchFor(rule, 'ct-005');
    expect([match.summary, match.delivered]).toEqual(['CreateUser by arn:aws:iam::229654561268:user/christophe at 2024-08-01T13:33:28Z', true]);
    const lines = match.messages[0].text!.split('\n');
    expect([match.messages[0].targetId, lines[0], lines[1], lines.includes('"When: 2024-08-01T13:33:28Z"'),
      lines.includes(`"Matched by EventBridge rule: ${PREFIX}-alerts"`)])
      .toEqual(['Target0', '"IAM change alert: CreateUser in account 229654561268"', '"Who: IAMUser arn:aws:iam::229654561268:user/christophe"', true, true]);
  });

  test('the whole text is the template with each placeholder replaced by the event\'s value, unquoted', () => {
    // An oracle written apart from the renderer, for what this template uses: placeholders inside
    // JSON strings, dot paths, strings inserted as they are, objects as JSON without quotes.
    const template = JSON.parse(fs.readFileSync(rule.template, 'utf8'));
    const properties = template.Resources[rule.logicalId].Properties;
    const transformer = properties.Targets[0].InputTransformer;
    const event = corpusEvents.find((e) => e.label === 'ct-005')!.event;
    const expected = (transformer.InputTemplate as string).replace(/<([^<>]+)>/g, (_, name: string) => {
      if (name === 'aws.events.rule-name') return properties.Name;
      const value = (transformer.InputPathsMap[name] as string).slice(2).split('.').reduce((v: any, key) => v?.[key], event);
      if (value === undefined) return '';
      return typeof value === 'string' ? value : JSON.stringify(value).replace(/"/g, '');
    });
    expect(matchFor(rule, 'ct-005').messages[0].text).toBe(expected);
  });

  test('the rule\'s explicit Name fills <aws.events.rule-name>, so there is no note about a name CloudFormation generates', () => {
    expect([rule.ruleName, rule.notes]).toEqual([`${PREFIX}-alerts`, []]);
  });

  test('a read-only call does not match the changes pattern', () => {
    expect(rule.matches.some((m) => m.label === 'ct-070')).toBe(false);
  });

  test('every corpus event was checked', () => {
    expect(rule.eventsChecked).toBe(256);
  });

  test('the heartbeat rule writes the whole event to the heartbeat log group, and no corpus event is a heartbeat', () => {
    const heartbeat = namedEnding(previews, '-heartbeat');
    expect([heartbeat.targets, heartbeat.unresolved, heartbeat.problems, heartbeat.eventsChecked, heartbeat.matched]).toEqual([
      [{
        id: 'Target0',
        destination: expect.stringMatching(/^arn:aws:logs:us-east-1:111111111111:log-group:\[unresolved: Ref IamAlertsHealthHeartbeatMonitorLog[0-9A-F]{8} \(AWS::Logs::LogGroup\)\]$/),
        input: TargetInputKind.WHOLE_EVENT,
        eventBus: false,
        problems: [],
      }],
      [], [], 256, 0,
    ]);
  });

  test('the tamper rules (top-level $or, intrinsics inside) are evaluated, their topics and keys listed as unresolved, and no corpus event tampers', () => {
    const tamper = previews.filter((p) => p.ruleName!.startsWith(`${PREFIX}-tamper-`));
    expect(tamper.map((p) => [p.ruleName, p.targets.map((t) => [t.destination.replace(/[0-9A-F]{8} .*$/, ''), t.input]), p.problems, p.eventsChecked, p.matched]))
      .toEqual(tamper.map((p) => [p.ruleName,
        [[p.ruleName!.endsWith('-tamper-health') ? 'Ref IamAlertsTopic' : 'Ref IamAlertsHealthTopic', TargetInputKind.INPUT_TRANSFORMER]], [], 256, 0]));
    // The health path's rule is one $or of the calls on its rules, topic and keys.
    expect(Object.keys(JSON.parse(namedEnding(previews, '-tamper-health').pattern!))).toEqual(['$or']);
    const unresolved = tamper.flatMap((p) => p.unresolved);
    expect(unresolved.length).toBeGreaterThan(0);
    for (const use of unresolved) {
      expect(use).toEqual({
        path: expect.stringMatching(/^EventPattern(\.\$or\[\d+\])?\.detail(\.\$or\[\d+\])?\.(requestParameters\.(topicArn|subscriptionArn)|resources\.ARN)\[\d+\]/),
        description: expect.stringMatching(/^(Ref \w+ \(AWS::SNS::Topic\)|Fn::GetAtt \w+\.Arn \(AWS::KMS::Key\))$/),
      });
    }
  });

  /** A CloudTrail API call as EventBridge delivers it in the stack's account and region. */
  const apiCall = (source: string, eventName: string, detail: JsonObject): PreviewEvent => ({
    label: eventName,
    event: {
      'version': '0',
      'id': `id-${eventName}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source,
      'account': '111111111111',
      'time': '2026-01-01T00:00:00Z',
      'region': 'us-east-1',
      'resources': [],
      'detail': { eventSource: `${source.slice(4)}.amazonaws.com`, eventName, awsRegion: 'us-east-1', eventID: `e-${eventName}`, readOnly: false, ...detail },
    },
  });

  test('a heartbeat is written to the heartbeat log and raises no alert', async () => {
    const role = 'cdk-iam-change-alerts-heartbeat';
    const heartbeat = apiCall('aws.iam', 'TagRole', {
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::111111111111:assumed-role/${role}/heartbeat`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111111111111:role/${role}` } },
      },
      requestParameters: { roleName: role, tags: [{ key: 'cdk-iam-change-alerts:heartbeat', value: 'alive' }] },
    });
    const withHeartbeat = previewRules((await loadTemplates(path.dirname(rule.template))).templates, [heartbeat]);
    expect(withHeartbeat.map((p) => [p.ruleName!.slice(PREFIX.length + 1), p.delivered])).toEqual([
      ['alerts', 0], ['heartbeat', 1], ['tamper-trail-rules', 0], ['tamper-topics', 0], ['tamper-keys', 0], ['tamper-health', 0],
    ]);
  });

  test('disabling the alert rule raises a tamper alert on the health topic, naming the tamper rule by its Name', async () => {
    const disable = apiCall('aws.events', 'DisableRule', {
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111111111111:user/mallory' },
      requestParameters: { name: `${PREFIX}-alerts` },
    });
    const previewed = previewRules((await loadTemplates(path.dirname(rule.template))).templates, [disable]);
    expect(previewed.filter((p) => p.delivered > 0).map((p) => p.ruleName)).toEqual([`${PREFIX}-tamper-trail-rules`]);
    const [tamper] = previewed.filter((p) => p.delivered > 0);
    const lines = tamper.matches[0].messages[0].text!.split('\n');
    expect([tamper.targets[0].destination, lines[0], lines.includes(`"Matched by EventBridge rule: ${PREFIX}-tamper-trail-rules"`)]).toEqual([
      expect.stringMatching(/^Ref IamAlertsHealthTopic[0-9A-F]{8} /),
      '"IAM alert pipeline tampering: DisableRule on events.amazonaws.com in account 111111111111, region us-east-1"',
      true,
    ]);
  });

  test('with deployed values of their shape for the topics and keys, EventBridge accepts every pattern (default quota: 2048 characters)', async () => {
    // CloudFormation names a topic <stack>-<logical id>-<12 characters>; a key's Ref is its id, a UUID.
    const template = JSON.parse(fs.readFileSync(rule.template, 'utf8'));
    const given = new Map<string, string>();
    for (const [id, resource] of Object.entries<any>(template.Resources)) {
      if (resource.Type === 'AWS::SNS::Topic') given.set(id, `arn:aws:sns:us-east-1:111111111111:IamAlerts-${id}-AbCdEfGhIjKl`);
      if (resource.Type === 'AWS::KMS::Key') {
        given.set(id, '1234abcd-12ab-34cd-56ef-1234567890ab');
        given.set(`${id}.Arn`, 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      }
    }
    const deployed = previewRules((await loadTemplates(path.dirname(rule.template))).templates, corpusEvents, { given });
    expect(deployed.map((p) => [p.ruleName, p.unresolved.filter((u) => u.path.startsWith('EventPattern')), p.problems]))
      .toEqual(deployed.map((p) => [p.ruleName, [], []]));
  });
});

test('a rule without a Name: <aws.events.rule-name> is shown as its logical ID, and a note says CloudFormation names it', () => {
  const event = corpusEvents.find((e) => e.label === 'ct-005')!;
  const [rule] = previewRules([{
    name: 't',
    template: {
      Resources: {
        Unnamed: {
          Type: 'AWS::Events::Rule',
          Properties: {
            EventPattern: { source: ['aws.iam'] },
            Targets: [{ Id: 'T', Arn: 'arn:aws:sns:us-east-1:111111111111:t', InputTransformer: { InputTemplate: '"rule <aws.events.rule-name>"' } }],
          },
        },
      },
    },
    stackName: 'Stack',
    parameterValues: new Map(),
    perDeployment: false,
  }], [event]);
  expect([rule.matches[0].messages[0].text, rule.notes]).toEqual(['"rule Unnamed"',
    [expect.stringContaining('CloudFormation names this rule at deployment (Stack-Unnamed-<random suffix>); <aws.events.rule-name> is shown as the logical ID Unnamed.')]]);
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
    const forwarder = namedEnding(previews.filter((p) => p.template.endsWith('member template')), '-forward');
    expect(forwarder.description).toContain('IAM changes');
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
    const forwarder = namedEnding(previews.filter((p) => p.template.endsWith('member template')), '-forward');
    expect([forwarder.condition?.holds, forwarder.condition?.dependsOn, forwarder.matched > 0])
      .toEqual([undefined, expect.stringContaining('Ref AWS::Region'), true]);
  });

  test('in a region where its condition is false, the rule is not created and matches nothing', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents, { given: new Map([['AWS::Region', 'eu-west-1']]) });
    const forwarder = namedEnding(previews.filter((p) => p.template.endsWith('member template')), '-forward');
    expect([forwarder.condition?.holds, forwarder.matched, forwarder.notes[0]]).toEqual([false, 0, expect.stringMatching(/^Not created: its condition/)]);
  });

  test('the central rule on the custom bus names the bus and receives events of any region', async () => {
    const previews = previewRules((await loadTemplates(assembly)).templates, corpusEvents);
    const central = namedEnding(previews.filter((p) => !p.template.endsWith('member template')), '-alerts1');
    expect(central.description).toContain('IAM changes');
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
