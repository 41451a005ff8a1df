/**
 * The proof that chat alerts are messages Amazon Q Developer in chat applications shows: every
 * chat message the constructs deploy is rendered, with the library's input-transformer renderer
 * (EventBridge's rules for filling placeholders), for every sample event, and checked against the
 * documented custom-notification format; and against hostile values in every field the message
 * must not put inside text. The format, as documented
 * (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html, "Event schema"):
 *
 *   {"version": String, "source": String, "id": String,
 *    "content": {"textType": String, "title": String, "description": String,
 *                "nextSteps": [String, ...], "keywords": [String, ...]},
 *    "metadata": {"threadId": String, "summary": String, "eventType": String,
 *                 "relatedResources": [String, ...], "additionalContext": {String: String, ...}}}
 *
 * with `version` "1.0", `source` "custom" and `textType` only "client-markdown".
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { cloudTrailRecord, eventBridgeEventFor } from './cloudtrail-events';
import { newStack } from './test-stacks';
import { AlertDestination } from '../../src/alerting/alert-destination';
import { IamChangeAlerting } from '../../src/alerting/iam-change-alerting';
import { TEXT_SAFE_FIELDS } from '../../src/alerting/private/chat-notification';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { InputTransformerRenderer } from '../../src/patterns/engine/input-transformer';
import { scanTemplate } from '../../src/patterns/engine/input-transformer-template';
import { alarmStateChangeEvent } from '../cross-account/health-events';

/**
 * The sample CloudTrail records that make an event: all of test/fixtures/cloudtrail-records.json but
 * the 4 partial records that name no account (an event always has one).
 */
const corpus: Array<{ id: string; record: any }> = (require('../fixtures/cloudtrail-records.json') as Array<{ id: string; record: any }>) // eslint-disable-line @typescript-eslint/no-require-imports
  .filter(({ record }) => record.eventSource !== undefined && (record.recipientAccountId ?? record.userIdentity?.accountId) !== undefined);

const SLACK = AlertDestination.slackChannel({ workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDEF' });

interface Transformer {
  readonly InputPathsMap: Record<string, string>;
  readonly InputTemplate: string;
}

/** The input transformers of the rule targets publishing to the chat topics, by rule name suffix. */
function chatTransformers(template: any, chatTopicIds: string[]): Map<string, Transformer> {
  const found = new Map<string, Transformer>();
  for (const resource of Object.values<any>(template.Resources)) {
    if (resource.Type !== 'AWS::Events::Rule') continue;
    for (const target of resource.Properties.Targets ?? []) {
      if (chatTopicIds.includes(target.Arn?.Ref)) found.set(String(resource.Properties.Name).replace(/^.*?-(alerts|tamper-.*|member-.*)$/, '$1'), target.InputTransformer);
    }
  }
  return found;
}

function idsOfType(template: any, type: string): string[] {
  return Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type).map(([id]) => id);
}

/** The chat transformers of an `IamChangeAlerting` with a Slack channel: the alert, and the tamper rules'. */
const single = (() => {
  const stack = newStack();
  new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'], destinations: [SLACK] });
  const template = Template.fromStack(stack).toJSON();
  const chatTopics = idsOfType(template, 'AWS::SNS::Topic').filter(id => id.includes('Chat'));
  return { template, transformers: chatTransformers(template, chatTopics) };
})();

/** The chat transformers of a `CrossAccountAlertBus` with a Slack channel. */
const central = (() => {
  const stack = new Stack(new App(), 'Central', { env: { account: '999999999999', region: 'us-east-1' } });
  new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: 'o-a1b2c3d4e5', emails: ['security@example.com'], destinations: [SLACK] });
  const template = Template.fromStack(stack).toJSON();
  const chatTopics = idsOfType(template, 'AWS::SNS::Topic').filter(id => id.includes('Chat'));
  return { template, transformers: chatTransformers(template, chatTopics) };
})();

function render(transformer: Transformer, event: unknown, ruleName = 'iam-changes'): string {
  const props = { inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate };
  return InputTransformerRenderer.render(props, JSON.stringify(event), { ruleName });
}

/** The problems of `text` as a custom notification, checked field by field against the documented format. */
function customNotificationProblems(text: string): string[] {
  let message: any;
  try {
    message = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  const problems: string[] = [];
  const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const strings = (v: unknown) => Array.isArray(v) && v.every(item => typeof item === 'string');
  const only = (where: string, value: any, keys: string[]) => Object.keys(value).filter(k => !keys.includes(k)).forEach(k => problems.push(`${where}.${k} is not a documented field`));
  if (!isObject(message)) return ['not a JSON object'];
  only('$', message, ['version', 'source', 'id', 'content', 'metadata']);
  if (message.version !== '1.0') problems.push('version must be "1.0"');
  if (message.source !== 'custom') problems.push('source must be "custom"');
  if ('id' in message && typeof message.id !== 'string') problems.push('id must be a string');
  if (!isObject(message.content)) {
    problems.push('content must be an object');
  } else {
    const content = message.content;
    only('content', content, ['textType', 'title', 'description', 'nextSteps', 'keywords']);
    if ('textType' in content && content.textType !== 'client-markdown') problems.push('textType must be "client-markdown"');
    if ('title' in content && typeof content.title !== 'string') problems.push('title must be a string');
    if (typeof content.description !== 'string' || content.description.length === 0) problems.push('description must be a non-empty string');
    if ('nextSteps' in content && !strings(content.nextSteps)) problems.push('nextSteps must be strings');
    if ('keywords' in content && !strings(content.keywords)) problems.push('keywords must be strings');
  }
  if ('metadata' in message) {
    const metadata = message.metadata;
    if (!isObject(metadata)) return [...problems, 'metadata must be an object'];
    only('metadata', metadata, ['threadId', 'summary', 'eventType', 'relatedResources', 'additionalContext']);
    for (const key of ['threadId', 'summary', 'eventType']) if (key in metadata && typeof metadata[key] !== 'string') problems.push(`metadata.${key} must be a string`);
    if ('relatedResources' in metadata && !strings(metadata.relatedResources)) problems.push('relatedResources must be strings');
    if ('additionalContext' in metadata && !(isObject(metadata.additionalContext) && Object.values(metadata.additionalContext).every(v => typeof v === 'string'))) {
      problems.push('additionalContext must map strings to strings');
    }
  }
  return problems;
}

describe('the documented-format check itself', () => {
  test('accepts the documented example shape and refuses what the format does not allow', () => {
    expect(customNotificationProblems(JSON.stringify({
      version: '1.0',
      source: 'custom',
      id: 'x',
      content: { textType: 'client-markdown', title: 't', description: 'd', nextSteps: ['a'], keywords: ['k'] },
      metadata: { threadId: 't', summary: 's', eventType: 'e', relatedResources: ['r'], additionalContext: { a: 'b' } },
    }))).toEqual([]);
    expect(customNotificationProblems('{"version":"1.0","source":"custom","content":{"description":"a"b"}}')[0]).toMatch(/^not JSON/);
    expect(customNotificationProblems(JSON.stringify({ version: '1', source: 'aws', content: { textType: 'markdown', description: '', keywords: [1] }, extra: 1 })))
      .toEqual(['$.extra is not a documented field', 'version must be "1.0"', 'source must be "custom"', 'textType must be "client-markdown"',
        'description must be a non-empty string', 'keywords must be strings']);
  });
});

describe('chat messages are custom notifications for every sample event', () => {
  test('the samples are 252 of the 256 corpus records', () => {
    expect(corpus).toHaveLength(252);
  });

  test('the deployed chat targets are the alert, every tamper rule, and on a central bus the member routes', () => {
    expect([...single.transformers.keys()].sort()).toEqual(
      ['alerts', 'tamper-health-keys', 'tamper-health-rules', 'tamper-health-topics', 'tamper-keys', 'tamper-topics', 'tamper-topics-2', 'tamper-trail-rules']);
    expect([...central.transformers.keys()].filter(k => k.startsWith('member-')).sort()).toEqual(['member-alarms', 'member-tamper']);
  });

  const transformers = [...single.transformers.entries(), ...central.transformers.entries()];

  test.each(transformers.map(([name, t]) => [name, t] as const))('%s: text holds only fields AWS constrains (TEXT_SAFE_FIELDS)', (_name, transformer) => {
    const inText = scanTemplate(transformer.InputTemplate).flatMap(s => (s.kind === 'placeholder' && s.inString ? [s.name] : []));
    expect(inText.length).toBeGreaterThan(0);
    for (const name of inText) {
      if (name === 'aws.events.rule-name') continue;
      expect(Object.keys(TEXT_SAFE_FIELDS)).toContain(transformer.InputPathsMap[name]);
    }
  });

  test.each(transformers.filter(([name]) => name !== 'member-alarms').map(([name, t]) => [name, t] as const))(
    '%s: every sample CloudTrail event renders to a valid custom notification', (_name, transformer) => {
      for (const { id, record } of corpus) {
        const text = render(transformer, eventBridgeEventFor(record));
        expect({ id, problems: customNotificationProblems(text) }).toEqual({ id, problems: [] });
      }
    });

  test('member-alarms: member alarm state changes render to valid custom notifications', () => {
    const transformer = central.transformers.get('member-alarms')!;
    for (const region of ['us-east-1', 'eu-west-1']) {
      const text = render(transformer, alarmStateChangeEvent('111111111111', region, 'cdk-iam-change-alerts-member-Forward-FailedInvocations'));
      expect(customNotificationProblems(text)).toEqual([]);
    }
  });

  test('hostile values (quotes, backslashes, line breaks, Slack mentions) in every other field leave the messages valid and keep them out of the text', () => {
    const hostile = 'x"\\\n\t<!channel> <https://evil.example|click>';
    const poison = (value: any, path: string): any => {
      if (typeof value === 'string') return Object.prototype.hasOwnProperty.call(TEXT_SAFE_FIELDS, path) ? value : hostile;
      if (Array.isArray(value)) return value.map(item => poison(item, `${path}[]`));
      if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v, `${path}.${k}`)]));
      }
      return value;
    };
    for (const [name, transformer] of transformers) {
      const samples = name === 'member-alarms'
        ? [alarmStateChangeEvent('111111111111', 'eu-west-1', 'cdk-iam-change-alerts-member-x')]
        : corpus.map(({ record }) => eventBridgeEventFor({ ...record, userAgent: 'ua', errorMessage: 'msg' }));
      for (const sample of samples) {
        const text = render(transformer, poison(sample, '$'));
        expect({ name, problems: customNotificationProblems(text) }).toEqual({ name, problems: [] });
        const { content, metadata } = JSON.parse(text);
        for (const shown of [content.title, content.description, ...content.nextSteps, metadata.summary]) {
          expect(shown).not.toContain('<!channel>');
        }
      }
    }
  });
});

describe('a chat alert reads as well as the email', () => {
  const emailTransformer: Transformer = (() => {
    const rule = Object.values<any>(single.template.Resources).find(r => r.Type === 'AWS::Events::Rule' && String(r.Properties.Name).endsWith('-alerts'));
    return rule.Properties.Targets[0].InputTransformer;
  })();

  test('a CreateUser call (ct-005): title, who, what, acted on, where, when, rule, and the link to the event', () => {
    const message = JSON.parse(render(single.transformers.get('alerts')!, eventBridgeEventFor(cloudTrailRecord('ct-005'))));
    expect(message).toEqual({
      version: '1.0',
      source: 'custom',
      id: '3346344c-5a3e-429e-8405-420f98f75d6e',
      content: {
        textType: 'client-markdown',
        title: 'IAM change alert: CreateUser in account 229654561268',
        description: [
          '*Who:* IAMUser arn:aws:iam::229654561268:user/christophe',
          '*Session issued by (assumed roles only):*  ',
          '*What:* CreateUser on iam.amazonaws.com',
          '*User or role acted on:* malicious-iam-user',
          '*Group acted on:* ',
          '*Policy:* ',
          '*Access key:* ',
          '*Where:* account 229654561268, region ap-isob-central-3r, source IP address 075.050.255.67',
          '*When:* 2024-08-01T13:33:28Z',
          '*Error (empty if the call succeeded):* ',
          '*Matched by EventBridge rule:* iam-changes',
        ].join('\n'),
        nextSteps: [
          'Open the event in CloudTrail for the user agent, error message and request parameters (event history shows it a few minutes '
            + 'after the call): https://ap-isob-central-3r.console.aws.amazon.com/cloudtrailv2/home?region=ap-isob-central-3r#/events/3346344c-5a3e-429e-8405-420f98f75d6e',
          'If nobody planned this change, treat it as a security incident.',
        ],
        keywords: ['CreateUser', '229654561268'],
      },
      metadata: { summary: 'IAM change alert: CreateUser in account 229654561268', eventType: 'IamChangeAlert' },
    });
  });

  test('an assumed role attaching a policy (ct-050): the session issuer, the role and the policy', () => {
    const { content } = JSON.parse(render(single.transformers.get('alerts')!, eventBridgeEventFor(cloudTrailRecord('ct-050'))));
    expect(content.description.split('\n').slice(0, 6)).toEqual([
      '*Who:* AssumedRole arn:aws:sts::123456789012:assumed-role/example-role/example-user',
      '*Session issued by (assumed roles only):* Role arn:aws:iam::123456789012:role/example-role',
      '*What:* AttachRolePolicy on iam.amazonaws.com',
      '*User or role acted on:* LambdaFunctionRole-1111',
      '*Group acted on:* ',
      '*Policy:* arn:aws:iam::aws:policy/example-policy',
    ]);
  });

  test('for every sample event, every fact of the email but its free text (user agent, error message, documents, all parameters) is in the chat alert', () => {
    const labels: Record<string, string> = {
      'Who': 'Who',
      'Session issued by (assumed roles only)': 'Session issued by (assumed roles only)',
      'What': 'What',
      'User or role acted on': 'User or role acted on',
      'Group acted on': 'Group acted on',
      'Policy': 'Policy',
      'Access key': 'Access key',
      'Where': 'Where',
      'When': 'When',
      'Matched by EventBridge rule': 'Matched by EventBridge rule',
    };
    for (const { id, record } of corpus) {
      const event = eventBridgeEventFor(record);
      const email = render(emailTransformer, event).split('\n').map(line => line.replace(/^"|"$/g, ''));
      const { content } = JSON.parse(render(single.transformers.get('alerts')!, event));
      const chat = content.description.split('\n');
      for (const [emailLabel, chatLabel] of Object.entries(labels)) {
        const emailValue = email.find(line => line.startsWith(`${emailLabel}: `))!.slice(emailLabel.length + 2);
        expect({ id, line: chat.find((line: string) => line.startsWith(`*${chatLabel}:* `)) }).toEqual({ id, line: `*${chatLabel}:* ${emailValue}` });
      }
      const title = email[0].replace(/^IAM change alert: /, '');
      expect(content.title).toBe(`IAM change alert: ${title}`);
      const errorCode = record.errorCode ?? '';
      expect(chat).toContain(`*Error (empty if the call succeeded):* ${errorCode}`);
      expect(content.nextSteps[0]).toContain(`#/events/${record.eventID ?? ''}`);
    }
  });
});

describe('health notifications in chat', () => {
  test('a StopLogging call on the trail (ct-137) reads as tampering, naming the call, the caller and the link', () => {
    const message = JSON.parse(render(single.transformers.get('tamper-trail-rules')!, eventBridgeEventFor(cloudTrailRecord('ct-137')), 'p-tamper-trail-rules'));
    expect(message.content.title).toBe(`IAM alert pipeline tampering: StopLogging on cloudtrail.amazonaws.com in account ${cloudTrailRecord('ct-137').recipientAccountId}, `
      + `region ${cloudTrailRecord('ct-137').awsRegion}`);
    expect(message.content.description.split('\n')[0]).toBe('This call changes a resource the IAM change alerts depend on; if it was not planned, alerts may have stopped.');
    expect(message.content.description).toContain('*Error (empty if the call succeeded):* NotOrganizationMasterAccountException');
    expect(message.metadata.eventType).toBe('IamAlertPipelineTampering');
  });

  test('a member alarm names the account and region in the title and the alarm as a keyword; its free-text reason stays out', () => {
    const event = alarmStateChangeEvent('111111111111', 'eu-west-1', 'cdk-iam-change-alerts-member-Forward-FailedInvocations');
    const message = JSON.parse(render(central.transformers.get('member-alarms')!, event, 'org-member-alarms'));
    expect(message.content).toEqual({
      textType: 'client-markdown',
      title: 'IAM alert pipeline failure in member account 111111111111, region eu-west-1: a health alarm is ALARM',
      description: [
        "A health alarm of the member account's IAM event forwarder went off: IAM events of that account and region may not reach the central alert bus.",
        '*Since:* 2026-03-01T12:05:00.000+0000',
        '*Matched by EventBridge rule:* org-member-alarms',
      ].join('\n'),
      nextSteps: ['Sign in to account 111111111111 and open its alarms in eu-west-1: https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2: '
        + '(the alarm is named in the keywords; its description and reason say what failed).'],
      keywords: ['cdk-iam-change-alerts-member-Forward-FailedInvocations', '111111111111', 'eu-west-1'],
    });
  });
});
