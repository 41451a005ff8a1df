/**
 * preview follows events that a rule forwards to a custom event bus to the rules on that bus, and
 * knows the regions a StackSet member rule exists in.
 */
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { cli, tempDir } from './cli-test-support';
import { JsonObject } from '../../src/cli/cloudtrail-envelope';
import { PreviewEvent, previewRules, RulePreview } from '../../src/cli/rule-preview';
import { loadTemplates } from '../../src/cli/template-files';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const dir = tempDir();

function synthesize(name: string, build: (app: App) => void): string {
  const outdir = path.join(dir, name);
  const app = new App({ outdir });
  build(app);
  app.synth();
  return outdir;
}

/** An IAM CloudTrail event as EventBridge delivers it. */
function iamEvent(eventName: string, extra: JsonObject = {}): PreviewEvent {
  return {
    label: eventName,
    event: {
      'version': '0',
      'id': `id-${eventName}`,
      'detail-type': 'AWS API Call via CloudTrail',
      'source': 'aws.iam',
      'account': '123456789012',
      'time': '2024-05-01T10:00:00Z',
      'region': 'us-east-1',
      'resources': [],
      'detail': {
        eventSource: 'iam.amazonaws.com',
        eventName,
        eventType: 'AwsApiCall',
        readOnly: false,
        awsRegion: 'us-east-1',
        userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
        ...extra,
      },
    },
  };
}

function alertRule(stack: Stack, id: string, bus: events.IEventBus): void {
  new events.Rule(stack, id, { eventBus: bus, eventPattern: IamEventPattern.changes().toEventPattern() })
    .addTarget(new targets.SnsTopic(new sns.Topic(stack, `${id}Topic`)));
}

function byId(previews: RulePreview[], prefix: string): RulePreview {
  const found = previews.find((p) => p.logicalId.startsWith(prefix));
  if (!found) throw new Error(`no rule ${prefix} among ${previews.map((p) => p.logicalId).join(', ')}`);
  return found;
}

describe('two forwarders on the default bus to a custom bus of the same stack', () => {
  let previews: (offered: PreviewEvent[]) => RulePreview[];
  beforeAll(async () => {
    const assembly = synthesize('two-forwarders', (app) => {
      const stack = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
      const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'central' });
      new events.Rule(stack, 'ForwardChanges', { eventPattern: IamEventPattern.changes().toEventPattern(), targets: [new targets.EventBus(bus)] });
      new events.Rule(stack, 'ForwardUsers', { eventPattern: IamEventPattern.eventNames('CreateUser').toEventPattern(), targets: [new targets.EventBus(bus)] });
      alertRule(stack, 'Alert', bus);
    });
    const { templates } = await loadTemplates(assembly);
    previews = (offered) => previewRules(templates, offered);
  });

  test('the rule on the bus receives one copy per forwarder, and says which forwarded each', () => {
    const alert = byId(previews([iamEvent('CreateUser')]), 'Alert');
    expect([alert.receivesFrom.map((id) => id.slice(id.lastIndexOf(' ') + 1).replace(/[0-9A-F]{8}$/, '')), alert.delivered,
      alert.matches.map((m) => m.via?.replace(/^.* /, '').replace(/[0-9A-F]{8}$/, ''))])
      .toEqual([['ForwardChanges', 'ForwardUsers'], 2, ['ForwardChanges', 'ForwardUsers']]);
  });

  test('an event no forwarder delivers never reaches the bus', () => {
    const alert = byId(previews([iamEvent('GetRole', { readOnly: true })]), 'Alert');
    expect([alert.eventsChecked, alert.matched]).toEqual([0, 0]);
  });

  test('the forwarders, on the default bus, receive the events themselves', () => {
    const forwarder = byId(previews([iamEvent('CreateUser')]), 'ForwardChanges');
    expect([forwarder.receivesFrom, forwarder.eventsChecked, forwarder.delivered]).toEqual([[], 1, 1]);
  });
});

test('a custom bus no given rule forwards to receives every event once', async () => {
  const assembly = synthesize('lone-bus', (app) => {
    const stack = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
    alertRule(stack, 'Alert', new events.EventBus(stack, 'Bus', { eventBusName: 'central' }));
  });
  const [alert] = previewRules((await loadTemplates(assembly)).templates, [iamEvent('CreateUser')]);
  expect([alert.receivesFrom, alert.eventsChecked, alert.delivered]).toEqual([[], 1, 1]);
});

describe('CrossAccountAlertBus with member rollout: StackSet member rules under conditions on AWS::Region', () => {
  let previews: RulePreview[];
  let members: RulePreview[];
  let central: RulePreview[];
  beforeAll(async () => {
    const assembly = synthesize('organization', (app) => {
      const stack = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
      new CrossAccountAlertBus(stack, 'OrgAlerts', {
        organizationId: 'o-a1b2c3d4e5',
        emails: ['security@example.com'],
        patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
        memberRollout: { organizationalUnitIds: ['r-ab12'] },
      });
    });
    const signIn: PreviewEvent = {
      label: 'sign-in in eu-north-1',
      event: {
        ...iamEvent('ConsoleLogin').event,
        'source': 'aws.signin',
        'detail-type': 'AWS Console Sign In via CloudTrail',
        'region': 'eu-north-1',
        'detail': {
          eventSource: 'signin.amazonaws.com',
          eventName: 'ConsoleLogin',
          eventType: 'AwsConsoleSignIn',
          awsRegion: 'eu-north-1',
          userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
        },
      },
    };
    previews = previewRules((await loadTemplates(assembly)).templates, [iamEvent('CreateUser'), signIn]);
    members = previews.filter((p) => p.template.endsWith('member template'));
    central = previews.filter((p) => !p.template.endsWith('member template'));
  });

  /** The rule names without the construct's unique prefix: `forward`, `alerts1`, `tamper-topics`, ... */
  const kinds = (rules: RulePreview[]) => rules.map((p) => p.ruleName!.replace(/^.*-[0-9A-F]{8}-/, ''));

  test('each member rule, forwarding or health, exists in the StackSet\'s regions where its condition holds', () => {
    expect(members.map((p) => [kinds([p])[0], p.regions])).toEqual([
      ['forward', ['us-east-1']],
      ['forward-signin', ['us-east-2', 'eu-north-1', 'ap-southeast-2']],
      ['health', ['us-east-1']],
      ['health-signin', ['us-east-2', 'eu-north-1', 'ap-southeast-2']],
    ]);
  });

  test('an event recorded where a member rule does not exist is not forwarded by it', () => {
    const [iamRegion] = members.filter((p) => p.ruleName!.endsWith('-forward'));
    const signIn = iamRegion.matches.find((m) => m.label === 'sign-in in eu-north-1');
    expect([signIn?.delivered, signIn?.notDeliveredBecause]).toEqual([false, expect.stringContaining('a rule on the default bus of us-east-1 sees only events of us-east-1')]);
  });

  test('the central rules on the bus receive what the four member rules forward, each event once; only the alert rules deliver them', () => {
    const onBus = central.filter((p) => p.eventBus !== 'default');
    expect(onBus.map((p) => [kinds([p])[0], p.receivesFrom.length, p.eventsChecked, Object.keys(p.deliveredByEventName)])).toEqual([
      ['alerts1', 4, 2, ['CreateUser']],
      ['alerts2', 4, 2, ['ConsoleLogin']],
      ['heartbeat', 4, 2, []],
      ['member-alarms', 4, 2, []],
      ['member-tamper', 4, 2, []],
    ]);
  });

  test('the central tamper rules, on the default bus, receive the central account\'s own events and match neither', () => {
    const onDefault = central.filter((p) => p.eventBus === 'default');
    expect(onDefault.map((p) => [kinds([p])[0], p.receivesFrom, p.problems, p.eventsChecked, p.matched])).toEqual([
      ['tamper-rules', [], [], 2, 0],
      ['tamper-topics', [], [], 2, 0],
      ['tamper-keys', [], [], 2, 0],
      ['tamper-health', [], [], 2, 0],
    ]);
  });
});

describe('the command line', () => {
  let member: string;
  let central: string;
  beforeAll(() => {
    // A member account's forwarder and the central bus, synthesized as separate apps.
    member = synthesize('member', (app) => {
      const stack = new Stack(app, 'Member', { env: { account: '222222222222', region: 'us-east-1' } });
      const bus = events.EventBus.fromEventBusArn(stack, 'Central', 'arn:aws:events:us-east-1:111111111111:event-bus/central');
      new events.Rule(stack, 'Forward', { eventPattern: IamEventPattern.changes().toEventPattern(), targets: [new targets.EventBus(bus)] });
    });
    central = synthesize('central', (app) => {
      const stack = new Stack(app, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
      alertRule(stack, 'Alert', new events.EventBus(stack, 'Bus', { eventBusName: 'central' }));
    });
  });

  test('follows a forwarder in one cloud assembly to the rules of a bus in another', async () => {
    const run = await cli(['preview', member, central, '--json']);
    const alert = JSON.parse(run.stdout).rules.find((r: RulePreview) => r.logicalId.startsWith('Alert'));
    expect([run.code, alert.receivesFrom, alert.eventsChecked])
      .toEqual([0, [expect.stringMatching(/Member\.template\.json Forward[0-9A-F]{8}$/)], byName(run.stdout, 'Forward')]);
  });

  test('a bus in another account is not fed by the forwarder', async () => {
    const other = synthesize('other-account', (app) => {
      const stack = new Stack(app, 'Central', { env: { account: '333333333333', region: 'us-east-1' } });
      alertRule(stack, 'Alert', new events.EventBus(stack, 'Bus', { eventBusName: 'central' }));
    });
    const run = await cli(['preview', member, other, '--json']);
    const alert = JSON.parse(run.stdout).rules.find((r: RulePreview) => r.logicalId.startsWith('Alert'));
    expect([alert.receivesFrom, alert.eventsChecked]).toEqual([[], 20]);
  });

  test('the text ends with the events delivered per rule by event name', async () => {
    const run = await cli(['preview', member, central, '--limit', '0']);
    const rules = JSON.parse((await cli(['preview', member, central, '--json'])).stdout).rules as RulePreview[];
    const table = run.stdout.slice(run.stdout.indexOf('Delivered per rule by event name'));
    const [name, count] = Object.entries(rules[0].deliveredByEventName)[0];
    expect(table).toMatch(new RegExp(`\\n {2}event name +Forward {2}Alert\\n {2}${name} +${count} +${rules[1].deliveredByEventName[name]}\\n`));
    expect(table).toMatch(new RegExp(`\\n {2}total +${rules[0].delivered} +${rules[1].delivered}\\n$`));
  });
});

/** How many events the rule with this logical-ID prefix delivered, from `preview --json` output. */
function byName(json: string, prefix: string): number {
  return (JSON.parse(json).rules as RulePreview[]).find((r) => r.logicalId.startsWith(prefix))!.delivered;
}
