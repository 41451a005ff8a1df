import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { cloudTrailRecord, eventBridgeEventFor } from './cloudtrail-events';
import { newStack, onlyResource } from './test-stacks';
import { AlertMessage } from '../../src/alerting/alert-message';
import { AlertTopicTarget } from '../../src/alerting/alert-topic-target';
import { InputTransformerRenderer } from '../../src/patterns/engine/input-transformer';

/** The rule target EventBridge would receive for a message, from a synthesized template. */
function synthesizedTarget(message: AlertMessage): any {
  const stack = newStack();
  new events.Rule(stack, 'Rule', { ruleName: 'iam-changes', eventPattern: { source: ['aws.iam'] } })
    .addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { message }));
  return onlyResource(Template.fromStack(stack), 'AWS::Events::Rule').resource.Properties.Targets[0];
}

/** The alert text EventBridge delivers for a corpus record, rendered from the synthesized input transformer. */
function readableAlertFor(recordId: string): string {
  const transformer = synthesizedTarget(AlertMessage.readable()).InputTransformer;
  return InputTransformerRenderer.render(
    { inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate },
    JSON.stringify(eventBridgeEventFor(cloudTrailRecord(recordId))),
    { ruleName: 'iam-changes' },
  );
}

describe('AlertMessage.readable()', () => {
  test('describes a CreateUser call by an IAM user (ct-005, Stratus Red Team detonation)', () => {
    expect(readableAlertFor('ct-005')).toBe([
      '"IAM change alert: CreateUser in account 229654561268"',
      '"Who: IAMUser arn:aws:iam::229654561268:user/christophe"',
      '"Session issued by (assumed roles only):  "',
      '"What: CreateUser on iam.amazonaws.com"',
      '"User or role acted on: malicious-iam-user"',
      '"Group acted on: "',
      '"Policy: "',
      '"Access key: "',
      '"Where: account 229654561268, region ap-isob-central-3r, source IP address 075.050.255.67"',
      '"User agent: stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282"',
      '"When: 2024-08-01T13:33:28Z"',
      '"Error (empty if the call succeeded):  "',
      '"CloudTrail event 3346344c-5a3e-429e-8405-420f98f75d6e: https://ap-isob-central-3r.console.aws.amazon.com/cloudtrailv2/home?region=ap-isob-central-3r#/events/3346344c-5a3e-429e-8405-420f98f75d6e"',
      '"Matched by EventBridge rule: iam-changes"',
      '"Policy document: "',
      '"All request parameters: {tags:[{key:StratusRedTeam,value:true}],userName:malicious-iam-user}"',
    ].join('\n'));
  });

  test('names the role that issued the session of an assumed role, the role acted on and the policy (ct-050, AttachRolePolicy)', () => {
    expect(readableAlertFor('ct-050')).toBe([
      '"IAM change alert: AttachRolePolicy in account 123456789012"',
      '"Who: AssumedRole arn:aws:sts::123456789012:assumed-role/example-role/example-user"',
      '"Session issued by (assumed roles only): Role arn:aws:iam::123456789012:role/example-role"',
      '"What: AttachRolePolicy on iam.amazonaws.com"',
      '"User or role acted on: LambdaFunctionRole-1111"',
      '"Group acted on: "',
      '"Policy: arn:aws:iam::aws:policy/example-policy"',
      '"Access key: "',
      '"Where: account 123456789012, region us-east-1, source IP address 111.111.111.111"',
      '"User agent: cloudformation.amazonaws.com"',
      '"When: 2019-01-01T00:00:00Z"',
      '"Error (empty if the call succeeded):  "',
      '"CloudTrail event 1111: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/1111"',
      '"Matched by EventBridge rule: iam-changes"',
      '"Policy document: "',
      '"All request parameters: {policyArn:arn:aws:iam::aws:policy/example-policy,roleName:LambdaFunctionRole-1111}"',
    ].join('\n'));
  });

  test('gives the error code and message of a failed call (ct-008, DeleteLoginProfile)', () => {
    expect(readableAlertFor('ct-008')).toBe([
      '"IAM change alert: DeleteLoginProfile in account 070411556318"',
      '"Who: IAMUser arn:aws:iam::070411556318:user/christophe"',
      '"Session issued by (assumed roles only):  "',
      '"What: DeleteLoginProfile on iam.amazonaws.com"',
      '"User or role acted on: stratus-red-team-login-profile-user"',
      '"Group acted on: "',
      '"Policy: "',
      '"Access key: "',
      '"Where: account 070411556318, region ap-central-2r, source IP address 253.234.5.234"',
      '"User agent: stratus-red-team_99dfa7e5-00d3-40b7-8cfd-b2573ada0eac"',
      '"When: 2024-08-01T13:42:22Z"',
      '"Error (empty if the call succeeded): EntityTemporarilyUnmodifiableException Login Profile for User '
        + 'stratus-red-team-login-profile-user cannot be modified while login profile is being created."',
      '"CloudTrail event 64fb98c9-cb40-4f9a-b800-6c15e82e9be6: https://ap-central-2r.console.aws.amazon.com/cloudtrailv2/home?region=ap-central-2r#/events/64fb98c9-cb40-4f9a-b800-6c15e82e9be6"',
      '"Matched by EventBridge rule: iam-changes"',
      '"Policy document: "',
      '"All request parameters: {userName:stratus-red-team-login-profile-user}"',
    ].join('\n'));
  });

  test('shows a call by the root user as such (ct-117, CreateUser from the console)', () => {
    expect(readableAlertFor('ct-117')).toBe([
      '"IAM change alert: CreateUser in account 493859302102"',
      '"Who: Root arn:aws:iam::493859302102:root"',
      '"Session issued by (assumed roles only):  "',
      '"What: CreateUser on iam.amazonaws.com"',
      '"User or role acted on: tracy_stone"',
      '"Group acted on: "',
      '"Policy: "',
      '"Access key: "',
      '"Where: account 493859302102, region us-east-1, source IP address 92.55.146.245"',
      '"User agent: console.amazonaws.com"',
      '"When: 2020-11-01T08:35:19Z"',
      '"Error (empty if the call succeeded):  "',
      '"CloudTrail event 1: https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/1"',
      '"Matched by EventBridge rule: iam-changes"',
      '"Policy document: "',
      '"All request parameters: {path:/,userName:tracy_stone}"',
    ].join('\n'));
  });

  test('prints the trust policy of a CreateRole as written, on lines of its own (ct-007)', () => {
    expect(readableAlertFor('ct-007')).toBe([
      '"IAM change alert: CreateRole in account 609418236337"',
      '"Who: IAMUser arn:aws:iam::609418236337:user/christophe"',
      '"Session issued by (assumed roles only):  "',
      '"What: CreateRole on iam.amazonaws.com"',
      '"User or role acted on: stratus-red-team-malicious-iam-role"',
      '"Group acted on: "',
      '"Policy: "',
      '"Access key: "',
      '"Where: account 609418236337, region sagov-west-2r, source IP address 209.209.254.254"',
      '"User agent: stratus-red-team_e2808a95-acc5-4508-b083-d31d6f4315d9"',
      '"When: 2024-08-01T13:37:41Z"',
      '"Error (empty if the call succeeded):  "',
      '"CloudTrail event d2905ac3-9898-433f-b10d-9302abe4e208: https://sagov-west-2r.console.aws.amazon.com/cloudtrailv2/home?region=sagov-west-2r#/events/d2905ac3-9898-433f-b10d-9302abe4e208"',
      '"Matched by EventBridge rule: iam-changes"',
      '"Policy document: {',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {',
      '      "Effect": "Allow",',
      '      "Principal": {',
      '        "AWS": "arn:aws:iam::193672423079:root"',
      '      },',
      '      "Action": "sts:AssumeRole"',
      '    }',
      '  ]',
      '}"',
      // EventBridge removes the quotes of an object's JSON, not the escapes of the document inside it.
      String.raw`"All request parameters: {assumeRolePolicyDocument:{\n  \Version\: \2012-10-17\,\n  \Statement\: [\n    {\n      \Effect\: \Allow\,\n      `
        + String.raw`\Principal\: {\n        \AWS\: \arn:aws:iam::193672423079:root\\n      },\n      \Action\: \sts:AssumeRole\\n    }\n  ]\n},`
        + 'permissionsBoundary:arn:aws:iam::aws:policy/AWSDenyAll,roleName:stratus-red-team-malicious-iam-role}"',
    ].join('\n'));
  });

  test('names the user and the group of an AddUserToGroup on separate lines (ct-022)', () => {
    const lines = readableAlertFor('ct-022').split('\n');
    expect(lines.slice(4, 6)).toEqual(['"User or role acted on: Bob"', '"Group acted on: admin"']);
  });

  test('names the access key CreateAccessKey created (ct-078)', () => {
    expect(readableAlertFor('ct-078').split('\n')[7]).toBe('"Access key: ABCDEFG"');
  });

  test('is an input transformer EventBridge accepts', () => {
    const transformer = synthesizedTarget(AlertMessage.readable()).InputTransformer;
    expect(InputTransformerRenderer.check({ inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate })).toEqual([]);
  });
});

describe('AlertMessage.rawEvent()', () => {
  test('delivers the whole event unchanged', () => {
    const target = synthesizedTarget(AlertMessage.rawEvent());
    expect(target.InputPath).toBe('$');
    expect(target.Input).toBeUndefined();
    expect(target.InputTransformer).toBeUndefined();
  });
});

describe('AlertMessage.custom()', () => {
  test('delivers the given input', () => {
    const message = AlertMessage.custom(events.RuleTargetInput.fromText(
      `${events.EventField.fromPath('$.detail.eventName')} by ${events.EventField.fromPath('$.detail.userIdentity.arn')}`));
    const transformer = synthesizedTarget(message).InputTransformer;
    const rendered = InputTransformerRenderer.render(
      { inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate },
      JSON.stringify(eventBridgeEventFor(cloudTrailRecord('ct-050'))));
    expect(rendered).toBe('"AttachRolePolicy by arn:aws:sts::123456789012:assumed-role/example-role/example-user"');
  });
});
