import { App, CfnParameter, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  CENTRAL_ACCOUNT, CENTRAL_BUS_ARN, CENTRAL_REGION, CONFIGURATIONS, MEMBER_ACCOUNT,
  centralOrganizationConfiguration, memberStackSetTemplateConfiguration,
} from './configurations';
import { HEARTBEAT_ROLE_NAME } from './health-events';
import { ruleNameSuffix } from './template-queries';
import { danglingReferences, Deployment } from './template-references';
import { IamEventForwarder } from '../../src/cross-account/iam-event-forwarder';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

/** us-east-1 (IAM and sign-in), the other sign-in regions, the central bus's region, and a region that receives neither. */
const REGIONS = ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2', CENTRAL_REGION, 'ap-northeast-1'];
const ACCOUNTS = [MEMBER_ACCOUNT, CENTRAL_ACCOUNT];
const EVERY_DEPLOYMENT: Deployment[] = ACCOUNTS.flatMap(account => REGIONS.map(region => ({
  account, region, parameters: { CentralBusArn: CENTRAL_BUS_ARN },
})));

function memberTemplateOfRollout(): any {
  const stackSets = Template.fromStack(centralOrganizationConfiguration()).findResources('AWS::CloudFormation::StackSet');
  return JSON.parse(Object.values(stackSets)[0].Properties.TemplateBody);
}

function environmentAgnosticForwarder(props: Partial<ConstructorParameters<typeof IamEventForwarder>[2]>): any {
  const stack = new Stack(new App(), 'Member');
  new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, ...props });
  return Template.fromStack(stack).toJSON();
}

/** The logical ids of the created resources of some types, by type. */
function createdOfType(template: any, deployment: Deployment, type: string): string[] {
  return danglingReferences(template, deployment).created.filter(id => template.Resources[id].Type === type);
}

describe('the reference check', () => {
  const template = {
    Conditions: { InUsEast1: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] } },
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Rule: { Type: 'AWS::Events::Rule', Condition: 'InUsEast1' },
    },
  };
  const elsewhere = { account: MEMBER_ACCOUNT, region: 'eu-west-1' };

  test('finds a GetAtt, Ref or Sub from an unconditional resource to one that is not created', () => {
    const withReferences = {
      ...template,
      Resources: {
        ...template.Resources,
        Policy: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: { A: { 'Fn::GetAtt': ['Rule', 'Arn'] }, B: { Ref: 'Rule' }, C: { 'Fn::Sub': 'x-${Rule.Arn}-${!Rule}' } },
        },
      },
    };
    expect(danglingReferences(withReferences, elsewhere).dangling).toEqual([
      'Resources/Policy/Properties/A: Rule', 'Resources/Policy/Properties/B: Rule', 'Resources/Policy/Properties/C: Rule',
    ]);
    expect(danglingReferences(withReferences, { ...elsewhere, region: 'us-east-1' }).dangling).toEqual([]);
  });

  test('follows only the branch of Fn::If that the condition takes', () => {
    const guarded = {
      ...template,
      Resources: {
        ...template.Resources,
        Policy: {
          Type: 'AWS::SQS::QueuePolicy',
          Properties: { Statement: [{ 'Fn::If': ['InUsEast1', { 'Fn::GetAtt': ['Rule', 'Arn'] }, { Ref: 'AWS::NoValue' }] }] },
        },
      },
    };
    expect(danglingReferences(guarded, elsewhere)).toEqual({ created: ['Queue', 'Policy'], dangling: [] });
  });

  test('finds a reference nested in the functions of a property value (Fn::Select of Fn::Split, Fn::Join)', () => {
    // As the RuleName dimension of an alarm on a custom-bus rule, and an ARN built from a resource's name.
    const nested = {
      ...template,
      Resources: {
        ...template.Resources,
        Alarm: {
          Type: 'AWS::CloudWatch::Alarm',
          Properties: {
            Dimensions: [{ Name: 'RuleName', Value: { 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: 'Rule' }] }] } }],
            AlarmActions: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'Rule' }]] }],
          },
        },
      },
    };
    expect(danglingReferences(nested, elsewhere).dangling).toEqual([
      'Resources/Alarm/Properties/Dimensions/0/Value/Fn::Select/1/Fn::Split/1: Rule',
      'Resources/Alarm/Properties/AlarmActions/0/Fn::Join/1/3: Rule',
    ]);
    expect(danglingReferences({ ...nested, Resources: { ...nested.Resources, Alarm: { ...nested.Resources.Alarm, Condition: 'InUsEast1' } } }, elsewhere))
      .toEqual({ created: ['Queue'], dangling: [] });
  });

  test('refuses a condition function it cannot evaluate', () => {
    const unknown = { ...template, Conditions: { InUsEast1: { 'Fn::Contains': [['us-east-1'], { Ref: 'AWS::Region' }] } } };
    expect(() => danglingReferences(unknown, elsewhere)).toThrow(/cannot evaluate Fn::Contains/);
  });
});

describe.each(Object.entries(CONFIGURATIONS))('configuration %s references only resources it creates', (_name, build) => {
  const stack = build(new App());
  const template = Template.fromStack(stack).toJSON();
  const deployments = Token.isUnresolved(stack.account) ? EVERY_DEPLOYMENT : [{ account: stack.account, region: stack.region }];

  test.each(deployments.map(d => [`${d.account} ${d.region}`, d] as const))('deployed in %s', (_where, deployment) => {
    expect(danglingReferences(template, deployment).dangling).toEqual([]);
  });
});

describe.each([
  ['the StackSet member template of the organization rollout', memberTemplateOfRollout],
  ['an environment-agnostic forwarder of IAM changes only', () => environmentAgnosticForwarder({})],
  ['an environment-agnostic forwarder of sign-ins with a regional sign-in region', () => environmentAgnosticForwarder({
    patterns: [IamEventPattern.consoleSignIns(), IamEventPattern.changes()], signInRegions: ['us-east-1', 'eu-central-1'],
  })],
  ['an environment-agnostic forwarder with the bus ARN passed as a parameter', () => {
    const stack = new Stack(new App(), 'Member');
    const busArn = new CfnParameter(stack, 'CentralBusArn').valueAsString;
    new IamEventForwarder(stack, 'Forward', { centralBusArn: busArn, patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()] });
    return Template.fromStack(stack).toJSON();
  }],
])('%s references only resources it creates', (_name, templateOf) => {
  const template = templateOf();

  test.each(EVERY_DEPLOYMENT.map(d => [`${d.account} ${d.region}`, d] as const))('deployed in %s', (_where, deployment) => {
    expect(danglingReferences(template, deployment).dangling).toEqual([]);
  });
});

describe('the StackSet member template creates, in each region and account, what that deployment needs', () => {
  const template = memberTemplateOfRollout();
  const inRegion = (region: string): Deployment => ({ account: MEMBER_ACCOUNT, region, parameters: { CentralBusArn: CENTRAL_BUS_ARN } });
  const rules = (deployment: Deployment) => createdOfType(template, deployment, 'AWS::Events::Rule')
    .map(id => [ruleNameSuffix(template.Resources[id].Properties.Name), template.Resources[id].Properties.Description]);
  const isHeartbeatRole = (id: string) => template.Resources[id].Properties.RoleName === HEARTBEAT_ROLE_NAME;
  const HEALTH = 'cdk-iam-change-alerts: forwards the heartbeat, tampering with the forwarder and its alarms to the central bus';
  const SIGN_IN_ONLY_REGIONS = ['us-east-2', 'eu-north-1', 'ap-southeast-2'];

  test.each(REGIONS.map(region => [region] as const))('in %s, the forwarding rule the region needs and its health rule, or no rule', (region) => {
    const expected = region === 'us-east-1'
      ? [['forward', 'Forwards to the central alert bus: IAM changes; console sign-ins'], ['health', HEALTH]]
      : SIGN_IN_ONLY_REGIONS.includes(region)
        ? [['forward-signin', 'Forwards to the central alert bus: console sign-ins'], ['health-signin', HEALTH]]
        : [];
    expect(rules(inRegion(region))).toEqual(expected);
  });

  test('the forwarder role everywhere except in the central bus\'s own account and region', () => {
    for (const deployment of EVERY_DEPLOYMENT) {
      const sameAsBus = deployment.account === CENTRAL_ACCOUNT && deployment.region === CENTRAL_REGION;
      expect(createdOfType(template, deployment, 'AWS::IAM::Role').filter(id => !isHeartbeatRole(id))).toHaveLength(sameAsBus ? 0 : 1);
    }
  });

  test('the heartbeat role and schedule only in the region IAM events arrive in: one heartbeat per account', () => {
    for (const deployment of EVERY_DEPLOYMENT) {
      const home = deployment.region === 'us-east-1';
      const heartbeatRoles = createdOfType(template, deployment, 'AWS::IAM::Role').filter(isHeartbeatRole);
      const schedules = createdOfType(template, deployment, 'AWS::Scheduler::Schedule');
      expect([heartbeatRoles.length, schedules.length]).toEqual(home ? [1, 1] : [0, 0]);
      for (const schedule of schedules) {
        expect(template.Resources[schedule].Properties.Target.RoleArn).toEqual({ 'Fn::GetAtt': [heartbeatRoles[0], 'Arn'] });
      }
    }
  });

  test('alarms on the failed deliveries of each rule the region has, and on the queue everywhere', () => {
    const alarmNames = (deployment: Deployment) => createdOfType(template, deployment, 'AWS::CloudWatch::Alarm')
      .map(id => String(template.Resources[id].Properties.AlarmName).replace(/^cdk-iam-change-alerts-member-Member-Forwarder-[0-9A-F]{8}-/, ''));
    for (const deployment of EVERY_DEPLOYMENT) {
      const expected = deployment.region === 'us-east-1' ? ['RuleFailedInvocations', 'RuleHealthFailedInvocations']
        : SIGN_IN_ONLY_REGIONS.includes(deployment.region) ? ['SignInRuleFailedInvocations', 'SignInRuleHealthFailedInvocations'] : [];
      expect(alarmNames(deployment)).toEqual([...expected, 'DeadLetterQueueDepth']);
    }
  });

  test('the dead-letter queue and its policy everywhere', () => {
    for (const deployment of EVERY_DEPLOYMENT) {
      expect(createdOfType(template, deployment, 'AWS::SQS::Queue')).toHaveLength(1);
      expect(createdOfType(template, deployment, 'AWS::SQS::QueuePolicy')).toHaveLength(1);
    }
  });
});

test('the environment-agnostic forwarder\'s queue lets each rule send only where that rule exists', () => {
  const template = Template.fromStack(memberStackSetTemplateConfiguration()).toJSON();
  const id = (type: string, nameSuffix?: string) => Object.keys(template.Resources).find(k => template.Resources[k].Type === type
    && (nameSuffix === undefined || ruleNameSuffix(template.Resources[k].Properties.Name) === nameSuffix))!;
  const queue = id('AWS::SQS::Queue');
  const [iamRule, signInRule, iamHealthRule, signInHealthRule] = ['forward', 'forward-signin', 'health', 'health-signin'].map(suffix => id('AWS::Events::Rule', suffix));
  expect(template.Resources[iamHealthRule].Condition).toBe(template.Resources[iamRule].Condition);
  expect(template.Resources[signInHealthRule].Condition).toBe(template.Resources[signInRule].Condition);
  const allowSendFrom = (rule: string) => ({
    'Fn::If': [template.Resources[rule].Condition, {
      Sid: expect.stringMatching(/^AllowSendFromRule/),
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
    }, { Ref: 'AWS::NoValue' }],
  });
  expect(template.Resources[id('AWS::SQS::QueuePolicy')].Properties.PolicyDocument).toEqual({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      allowSendFrom(iamRule),
      allowSendFrom(signInRule),
      allowSendFrom(iamHealthRule),
      allowSendFrom(signInHealthRule),
    ],
  });
});
