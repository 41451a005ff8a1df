import { readFileSync } from 'fs';
import { join } from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EventField, Rule, RuleTargetInput } from 'aws-cdk-lib/aws-events';
import { SnsTopic } from 'aws-cdk-lib/aws-events-targets';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { InputTransformerProps, InputTransformerRenderer } from '../../../src/patterns/engine/input-transformer';

interface CorpusEntry {
  readonly id: string;
  readonly record: { [key: string]: any };
}
const CORPUS: CorpusEntry[] = JSON.parse(readFileSync(join(__dirname, '../../fixtures/cloudtrail-records.json'), 'utf8'));

/** The record `id` of the corpus as EventBridge delivers it (envelope of test/fixtures/README). */
function envelope(id: string): { [key: string]: any } {
  const entry = CORPUS.find((e) => e.id === id);
  if (!entry) throw new Error(`no record ${id} in cloudtrail-records.json`);
  return envelopeOf(entry.record);
}

function envelopeOf(record: { [key: string]: any }): { [key: string]: any } {
  const service = String(record.eventSource ?? 'iam.amazonaws.com').split('.')[0];
  return {
    'version': '0',
    'id': record.eventID ?? '00000000-0000-0000-0000-000000000000',
    'detail-type': service === 'signin' ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    'source': `aws.${service}`,
    'account': record.recipientAccountId,
    'time': record.eventTime,
    'region': record.awsRegion,
    'resources': [],
    'detail': record,
  };
}

/** The input transformer aws-cdk-lib synthesizes for an SNS target with this message. */
function synthesize(message: RuleTargetInput): InputTransformerProps {
  const stack = new Stack(new App(), 'Stack');
  const topic = new Topic(stack, 'Topic');
  new Rule(stack, 'Rule', {
    eventPattern: { source: ['aws.iam'], detailType: ['AWS API Call via CloudTrail'] },
    targets: [new SnsTopic(topic, { message })],
  });
  const resources: { [id: string]: any } = Template.fromStack(stack).toJSON().Resources;
  const rule = Object.values(resources).find((r) => r.Type === 'AWS::Events::Rule');
  const transformer = rule.Properties.Targets[0].InputTransformer;
  return { inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate };
}

function field(path: string): string {
  return EventField.fromPath(path);
}

describe('RuleTargetInput.fromText', () => {
  test('an SNS email shows the sentence inside double quotes', () => {
    const props = synthesize(RuleTargetInput.fromText(
      `IAM user ${field('$.detail.requestParameters.userName')} created by ${field('$.detail.userIdentity.arn')} in account ${EventField.account}`,
    ));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005')))
      .toBe('"IAM user malicious-iam-user created by arn:aws:iam::229654561268:user/christophe in account 229654561268"');
  });

  test('quotes and newlines typed in the text reach the email as backslash escapes', () => {
    const props = synthesize(RuleTargetInput.fromText(
      `Created "${field('$.detail.requestParameters.userName')}"\nby ${field('$.detail.userIdentity.userName')}`,
    ));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005'))).toBe('"Created \\"malicious-iam-user\\"\\nby christophe"');
  });

  test('a field missing from the record leaves nothing', () => {
    const props = synthesize(RuleTargetInput.fromText(
      `${field('$.detail.eventName')} failed with: ${field('$.detail.errorCode')}`,
    ));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005'))).toBe('"CreateUser failed with: "');
  });

  test('a predefined variable written in the text is filled from the context', () => {
    const props = synthesize(RuleTargetInput.fromText(`${field('$.detail.eventName')} matched rule <aws.events.rule-name>`));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005'), { ruleName: 'iam-change-alerts' }))
      .toBe('"CreateUser matched rule iam-change-alerts"');
  });

  test('a console sign-in record renders its nested fields', () => {
    const props = synthesize(RuleTargetInput.fromText(
      `Console sign-in by ${field('$.detail.userIdentity.arn')}: ${field('$.detail.responseElements.ConsoleLogin')}, MFA used: ${field('$.detail.additionalEventData.MFAUsed')}`,
    ));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-000')))
      .toBe('"Console sign-in by arn:aws:iam::562283505220:user/stratus-red-team-nmfalu-jfzdtsvchl: Success, MFA used: No"');
  });
});

describe('RuleTargetInput.fromMultilineText', () => {
  test('each line is quoted and a policy document is inserted raw, newlines and tabs included', () => {
    const props = synthesize(RuleTargetInput.fromMultilineText([
      `IAM policy change: ${field('$.detail.eventName')}`,
      `User: ${field('$.detail.requestParameters.userName')}`,
      `Policy: ${field('$.detail.requestParameters.policyName')}`,
      `Document: ${field('$.detail.requestParameters.policyDocument')}`,
    ].join('\n')));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-061'))).toBe([
      '"IAM policy change: PutUserPolicy"',
      '"User: test-user"',
      '"Policy: TestUserDenyAll"',
      '"Document: {',
      '\t"Version": "2012-10-17",',
      '\t"Statement": [',
      '\t\t{',
      '\t\t\t"Sid": "TestUserDenyAll",',
      '\t\t\t"Effect": "Deny",',
      '\t\t\t"Action": ["*"],',
      '\t\t\t"Resource": ["*"]',
      '\t\t}',
      '\t]',
      '}"',
    ].join('\n'));
  });

  test('an object inside a line loses its double quotes', () => {
    const props = synthesize(RuleTargetInput.fromMultilineText(`Action: ${field('$.detail.eventName')}\nTags: ${field('$.detail.requestParameters.tags')}`));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005')))
      .toBe('"Action: CreateUser"\n"Tags: [{key:StratusRedTeam,value:true}]"');
  });
});

describe('RuleTargetInput.fromObject', () => {
  test('fields become JSON values: strings quoted, objects inserted as JSON', () => {
    const props = synthesize(RuleTargetInput.fromObject({
      alert: 'IAM change',
      eventName: field('$.detail.eventName'),
      actor: `by ${field('$.detail.userIdentity.arn')}`,
      requestParameters: field('$.detail.requestParameters'),
      eventId: EventField.eventId,
    }));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-005'))).toBe(
      '{"alert":"IAM change","eventName":"CreateUser","actor":"by arn:aws:iam::229654561268:user/christophe",'
      + '"requestParameters":{"tags":[{"key":"StratusRedTeam","value":"true"}],"userName":"malicious-iam-user"},'
      + '"eventId":"3346344c-5a3e-429e-8405-420f98f75d6e"}',
    );
  });

  test('the whole event ($) is inserted as the minified envelope', () => {
    const props = synthesize(RuleTargetInput.fromObject({ event: field('$') }));
    const event = envelope('ct-021');
    expect(InputTransformerRenderer.renderEvent(props, event)).toBe(`{"event":${JSON.stringify(event)}}`);
  });

  test('null request parameters of a sign-in record are inserted as JSON null', () => {
    const props = synthesize(RuleTargetInput.fromObject({ parameters: field('$.detail.requestParameters') }));
    expect(InputTransformerRenderer.renderEvent(props, envelope('ct-000'))).toBe('{"parameters":null}');
  });

  test('every corpus record renders to JSON holding its own values, "" where a path is missing', () => {
    const props = synthesize(RuleTargetInput.fromObject({
      eventName: field('$.detail.eventName'),
      actor: field('$.detail.userIdentity.arn'),
      parameters: field('$.detail.requestParameters'),
      firstResource: field('$.detail.resources[0].ARN'),
    }));
    for (const { id, record } of CORPUS) {
      const rendered = JSON.parse(InputTransformerRenderer.render(props, JSON.stringify(envelopeOf(record))));
      expect({ id, ...rendered }).toEqual({
        id,
        eventName: record.eventName ?? '',
        actor: record.userIdentity?.arn ?? '',
        parameters: record.requestParameters === undefined ? '' : record.requestParameters,
        firstResource: record.resources?.[0]?.ARN ?? '',
      });
    }
  });
});
