import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalidInput, invalidInputFindings } from '../../src/private/invalid-input';

test('names a construct by its path, then the problem and the fix', () => {
  const thing = new Construct(new Stack(new App(), 'Stack'), 'Thing');
  expect(invalidInput(thing, "x is 'y'.", 'give z.').message).toBe("Stack/Thing: x is 'y'. Fix: give z.");
});

test('names a pure builder by the name it is given', () => {
  expect(invalidInput('StartPolicyGenerationRequest', "x is 'y'.", 'give z.').message).toBe("StartPolicyGenerationRequest: x is 'y'. Fix: give z.");
});

test('keeps findings that already read "<problem> Fix: <fix>" whole, after the source and a lead, one a line', () => {
  expect(invalidInputFindings('EventPatternSet.fromJson', 'pattern 1 is not valid: ', ['a is wrong. Fix: do b.', 'c is wrong. Fix: do d.']).message)
    .toBe('EventPatternSet.fromJson: pattern 1 is not valid: a is wrong. Fix: do b.\nc is wrong. Fix: do d.');
});

describe('a fix names its Python spelling too', () => {
  test.each([
    ['set allowNoDestination: true if you subscribe yourself.', 'set allowNoDestination: true if you subscribe yourself. (Python: allow_no_destination=True)'],
    ['call only one of onlyFailedCalls() and onlySuccessfulCalls().', 'call only one of onlyFailedCalls() and onlySuccessfulCalls(). (Python: only_failed_calls(), only_successful_calls())'],
    ['use IamEventPattern.allApiCalls() for that.', 'use IamEventPattern.allApiCalls() for that. (Python: IamEventPattern.all_api_calls())'],
    ['give organizationId instead.', 'give organizationId instead. (Python: organization_id)'],
    ['use CrossAccountAlertBus.eventBusArn.', 'use CrossAccountAlertBus.eventBusArn. (Python: CrossAccountAlertBus.event_bus_arn)'],
    ['pass JSON.stringify(pattern).', 'pass JSON.stringify(pattern). (Python: json.dumps(pattern))'],
    ['encrypt it (masterKey: new kms.Key(...)).', 'encrypt it (masterKey: new kms.Key(...)). (Python: kms.Key(...), master_key)'],
  ])('%s', (fix, expected) => {
    expect(invalidInput('X.y', 'bad.', fix).message).toBe(`X.y: bad. Fix: ${expected}`);
  });

  test.each([
    'write a region code such as us-east-1 or eu-central-1.',
    'use a standard topic, or AlertTopic.create().',
    'pass a duration from Duration.minutes(1) to Duration.hours(24).',
    'pass the id that `aws organizations describe-organization --query Organization.Id` prints.',
  ])('leaves a fix alone that reads the same in Python: %s', (fix) => {
    expect(invalidInput('X.y', 'bad.', fix).message).toBe(`X.y: bad. Fix: ${fix}`);
  });

  test('names the Python spelling of a property the problem names, but not of a quoted value', () => {
    expect(invalidInput('X.y', 'heartbeatInterval is 2 minutes; "createUser" and \'deleteUser\' are values.', 'give Duration.minutes(5).').message)
      .toBe('X.y: heartbeatInterval is 2 minutes; "createUser" and \'deleteUser\' are values. Fix: give Duration.minutes(5). (Python: heartbeat_interval)');
  });

  test('adds it to each finding of a check', () => {
    expect(invalidInputFindings('S.m', 'lead: ', ['a. Fix: pass JSON.stringify(p).', 'b. Fix: do d.']).message)
      .toBe('S.m: lead: a. Fix: pass JSON.stringify(p). (Python: json.dumps(p))\nb. Fix: do d.');
  });
});
