import { Token } from 'aws-cdk-lib';
import { StartPolicyGenerationRequest, StartPolicyGenerationRequestOptions } from '../../src/access-analyzer/start-policy-generation-request';

const MEMBER = '444455556666';
const PRINCIPAL = `arn:aws:iam::${MEMBER}:role/app/checkout`;
const ACCESS_ROLE = `arn:aws:iam::${MEMBER}:role/service-role/AccessAnalyzerMonitorServiceRole`;
const TRAIL = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail';
const START = new Date('2024-03-01T00:00:00Z');
const END = new Date('2024-04-01T00:00:00Z');
const DAY_MS = 24 * 60 * 60 * 1000;

function options(overrides: Partial<StartPolicyGenerationRequestOptions> = {}): StartPolicyGenerationRequestOptions {
  return { trailArn: TRAIL, accessRoleArn: ACCESS_ROLE, startTime: START, endTime: END, ...overrides };
}

function request(overrides: Partial<StartPolicyGenerationRequestOptions> = {}, principal = PRINCIPAL): StartPolicyGenerationRequest {
  return StartPolicyGenerationRequest.forPrincipal(principal, options(overrides));
}

describe('StartPolicyGenerationRequest output', () => {
  test('toCliInputJson() is the CLI input of start-policy-generation, all regions by default', () => {
    expect(JSON.parse(request().toCliInputJson())).toEqual({
      policyGenerationDetails: { principalArn: PRINCIPAL },
      cloudTrailDetails: {
        accessRole: ACCESS_ROLE,
        startTime: '2024-03-01T00:00:00.000Z',
        endTime: '2024-04-01T00:00:00.000Z',
        trails: [{ cloudTrailArn: TRAIL, allRegions: true }],
      },
    });
  });

  test('names the regions instead of allRegions when regions are given', () => {
    const input = JSON.parse(request({ regions: ['us-east-1', 'eu-west-1'] }).toCliInputJson());
    expect(input.cloudTrailDetails.trails).toEqual([{ cloudTrailArn: TRAIL, regions: ['us-east-1', 'eu-west-1'] }]);
  });

  test('leaves endTime out when none is given, and carries the client token', () => {
    const startTime = new Date(Date.now() - 10 * DAY_MS);
    const input = JSON.parse(request({ startTime, endTime: undefined, clientToken: 'gen-1' }).toCliInputJson());
    expect(input.cloudTrailDetails.endTime).toBeUndefined();
    expect(input.cloudTrailDetails.startTime).toBe(startTime.toISOString());
    expect(input.clientToken).toBe('gen-1');
  });

  test('toSdkInput() has the SDK v3 shape with Date times', () => {
    expect(request().toSdkInput()).toEqual({
      policyGenerationDetails: { principalArn: PRINCIPAL },
      cloudTrailDetails: {
        accessRole: ACCESS_ROLE,
        startTime: START,
        endTime: END,
        trails: [{ cloudTrailArn: TRAIL, allRegions: true }],
      },
    });
  });

  test('accepts a user as the principal', () => {
    const user = `arn:aws:iam::${MEMBER}:user/ci/deployer`;
    expect(request({}, user).toSdkInput().policyGenerationDetails.principalArn).toBe(user);
  });

  test('accepts any role of the principal\'s account as the access role when the trail is in that account', () => {
    const ownTrail = `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/account-trail`;
    const accessRoleArn = `arn:aws:iam::${MEMBER}:role/PolicyGenerationReader`;
    expect(request({ trailArn: ownTrail, accessRoleArn }).accessRoleArn).toBe(accessRoleArn);
  });

  test('a period of exactly 90 days is accepted', () => {
    expect(() => request({ endTime: new Date(START.getTime() + 90 * DAY_MS) })).not.toThrow();
  });

  test('keeps its own copy of the regions', () => {
    const regions = ['us-east-1'];
    const built = request({ regions });
    regions.push('eu-west-1');
    expect(built.regions).toEqual(['us-east-1']);
  });
});

describe('StartPolicyGenerationRequest checks', () => {
  test.each([
    ['an STS session', `arn:aws:sts::${MEMBER}:assumed-role/checkout/i-0abc`,
      `is an STS session (assumed-role) ARN, not the ARN of an IAM role or user. Fix: use the role's own ARN, arn:aws:iam::${MEMBER}:role/checkout`],
    ['a group', `arn:aws:iam::${MEMBER}:group/admins`, 'names an IAM group, not a role or a user. Fix: policy generation works on one role or user'],
    ['an account root', `arn:aws:iam::${MEMBER}:root`, 'is not the ARN of an IAM role or user'],
    ['a policy', `arn:aws:iam::${MEMBER}:policy/admin`, 'names an IAM policy, not a role or a user'],
    ['a short account', 'arn:aws:iam::4444:role/checkout', "has '4444' where the 12-digit account id belongs"],
    ['a name with a space', `arn:aws:iam::${MEMBER}:role/check out`, "has 'check out', which is not a valid IAM role path and name"],
    ['a role name', 'checkout', 'is not the ARN of an IAM role or user'],
    ['in no AWS partition', `arn:azure:iam::${MEMBER}:role/checkout`, "names partition 'azure', which is not an AWS partition"],
  ])('rejects a principal ARN that is %s', (_what, principal, message) => {
    expect(() => request({}, principal)).toThrow(`StartPolicyGenerationRequest: principalArn '${principal}' ${message}`);
  });

  test('rejects a user as the access role', () => {
    const accessRoleArn = `arn:aws:iam::${MEMBER}:user/AccessAnalyzerMonitorServiceRole`;
    expect(() => request({ accessRoleArn })).toThrow(
      `StartPolicyGenerationRequest: accessRoleArn '${accessRoleArn}' names an IAM user, not a role. Fix: pass the ARN of an IAM role.`);
  });

  test('rejects an access role of another account than the principal\'s', () => {
    const accessRoleArn = 'arn:aws:iam::777788889999:role/service-role/AccessAnalyzerMonitorServiceRole';
    expect(() => request({ accessRoleArn })).toThrow(
      `accessRoleArn '${accessRoleArn}' is in account 777788889999, but principalArn '${PRINCIPAL}' is in account ${MEMBER}. Fix: use the Access Analyzer service role of account ${MEMBER}`);
  });

  test.each([
    ['not under /service-role/', `arn:aws:iam::${MEMBER}:role/AccessAnalyzerMonitorServiceRole`],
    ['named otherwise', `arn:aws:iam::${MEMBER}:role/service-role/PolicyGenerationReader`],
  ])('rejects, for a trail of another account, an access role %s', (_what, accessRoleArn) => {
    expect(() => request({ accessRoleArn })).toThrow(
      `accessRoleArn '${accessRoleArn}' reads a trail of account 111122223333, but the bucket policy for cross-account policy generation admits only roles at /service-role/AccessAnalyzerMonitorServiceRole*. `
      + `Fix: use an AccessAnalyzerServiceRole (arn:aws:iam::${MEMBER}:role/service-role/AccessAnalyzerMonitorServiceRole...)`);
  });

  test('rejects a bad trail ARN', () => {
    expect(() => request({ trailArn: 'org-trail' })).toThrow("StartPolicyGenerationRequest: trailArn 'org-trail' is not a CloudTrail trail ARN");
  });

  test('rejects a trail in another partition than the principal', () => {
    const trailArn = 'arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/org-trail';
    expect(() => request({ trailArn })).toThrow(
      `StartPolicyGenerationRequest: trailArn '${trailArn}' is in partition 'aws-cn', but the principal is in 'aws'. Fix: use a trail of partition 'aws'`);
  });

  test('rejects an access role in another partition than the principal', () => {
    const accessRoleArn = `arn:aws-cn:iam::${MEMBER}:role/service-role/AccessAnalyzerMonitorServiceRole`;
    expect(() => request({ accessRoleArn })).toThrow(
      `StartPolicyGenerationRequest: principalArn '${PRINCIPAL}' is in partition 'aws' and accessRoleArn '${accessRoleArn}' in 'aws-cn'.`);
  });

  test('rejects a start that is not before the end', () => {
    expect(() => request({ startTime: END, endTime: START })).toThrow(
      'StartPolicyGenerationRequest: startTime 2024-04-01T00:00:00.000Z is not before endTime 2024-03-01T00:00:00.000Z. Fix: pass a startTime earlier than the end of the period.');
  });

  test('rejects a start equal to the end', () => {
    expect(() => request({ startTime: START, endTime: START })).toThrow('is not before endTime');
  });

  test('rejects a period longer than 90 days, with the earliest start that fits', () => {
    const endTime = new Date(START.getTime() + 91 * DAY_MS);
    expect(() => request({ endTime })).toThrow(
      'StartPolicyGenerationRequest: the period from startTime 2024-03-01T00:00:00.000Z to endTime 2024-05-31T00:00:00.000Z is 91.0 days; Access Analyzer analyses at most 90. '
      + 'Fix: start at 2024-03-02T00:00:00.000Z or later, or split the period into several generations.');
  });

  test('without an end, rejects a start more than 90 days ago', () => {
    const startTime = new Date(Date.now() - 91 * DAY_MS);
    expect(() => request({ startTime, endTime: undefined })).toThrow(/the period from startTime .* to now \(endTime was left out\) is 91\.0 days/);
  });

  test('without an end, rejects a start in the future', () => {
    const startTime = new Date(Date.now() + DAY_MS);
    expect(() => request({ startTime, endTime: undefined })).toThrow(/startTime .* is not before now \(endTime was left out\)/);
  });

  test('rejects an invalid date', () => {
    expect(() => request({ startTime: new Date('not a date') })).toThrow('StartPolicyGenerationRequest: startTime is not a valid date (Invalid Date).');
  });

  test.each([
    ['empty', [], 'regions is an empty list. Fix: leave regions out to analyse all regions, or name at least one.'],
    ['a display name', ['US East (N. Virginia)'], "regions entry 'US East (N. Virginia)' is not an AWS region name."],
    ['an availability zone', ['us-east-1a'], "regions entry 'us-east-1a' is not an AWS region name."],
    ['a duplicate', ['us-east-1', 'us-east-1'], "regions lists 'us-east-1' twice."],
    ['another partition\'s region', ['cn-north-1'], `regions entry 'cn-north-1' is in partition 'aws-cn', but trailArn '${TRAIL}' is in partition 'aws'. Fix: give a region of partition 'aws'`],
  ])('rejects regions that are %s', (_what, regions, message) => {
    expect(() => request({ regions })).toThrow(`StartPolicyGenerationRequest: ${message}`);
  });

  test('rejects an empty client token', () => {
    expect(() => request({ clientToken: '' })).toThrow('StartPolicyGenerationRequest: clientToken is the empty string.');
  });

  test('accepts unresolved tokens, but refuses to write them as CLI input', () => {
    const principal = Token.asString({ Ref: 'AppRoleArn' });
    const built = request({ accessRoleArn: Token.asString({ Ref: 'AnalyzerRoleArn' }) }, principal);
    expect(built.toSdkInput().policyGenerationDetails.principalArn).toBe(principal);
    expect(() => built.toCliInputJson()).toThrow(/the request holds unresolved CDK tokens .* which the CLI cannot read\. Fix: build the request from literal ARNs/);
  });
});
