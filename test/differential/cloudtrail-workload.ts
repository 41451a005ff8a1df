/**
 * A realistic IAM alerting workload: EventBridge envelopes around the CloudTrail records in
 * test/fixtures/cloudtrail-records.json, and the kind of patterns a security team writes for
 * them. Shared by the differential run (providers/cloudtrail-iam.ts) and bench/engine.ts.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface CloudTrailFixture {
  readonly id: string;
  readonly record: Record<string, unknown>;
}

export function loadCloudTrailRecords(): CloudTrailFixture[] {
  const file = path.join(__dirname, '..', 'fixtures', 'cloudtrail-records.json');
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CloudTrailFixture[];
}

/** A UUID-shaped id that differs for every (record, variant). */
function eventId(index: number, variant: number): string {
  const hex = (n: number, width: number) => (n % 16 ** width).toString(16).padStart(width, '0');
  return `${hex(index * 7919 + variant, 8)}-${hex(variant, 4)}-4${hex(index, 3)}-8${hex(variant * 31, 3)}-${hex(index * 104729 + variant * 13, 12)}`;
}

/**
 * The EventBridge envelope for one CloudTrail record, as EventBridge delivers it to a rule:
 * sign-in records come from `aws.signin` with their own detail-type, IAM calls from `aws.iam`.
 * `variant` shifts the id and time (and the record's eventID) so that repeated envelopes differ.
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export function envelopeFor(fixture: CloudTrailFixture, index: number, variant = 0): Record<string, unknown> {
  const record = fixture.record;
  const eventSource = typeof record.eventSource === 'string' ? record.eventSource : 'iam.amazonaws.com';
  const signIn = eventSource === 'signin.amazonaws.com';
  const baseTime = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Date.UTC(2024, 0, 1);
  const time = new Date((Number.isNaN(baseTime) ? Date.UTC(2024, 0, 1) : baseTime) + variant * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const identity = (record.userIdentity ?? {}) as Record<string, unknown>;
  const detail = variant === 0 ? record : { ...record, eventID: eventId(index, variant), eventTime: time };
  return {
    'version': '0',
    'id': eventId(index, variant),
    'detail-type': signIn ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    'source': signIn ? 'aws.signin' : `aws.${eventSource.split('.')[0]}`,
    'account': record.recipientAccountId ?? identity.accountId ?? '123456789012',
    time,
    'region': record.awsRegion ?? 'us-east-1',
    'resources': [],
    detail,
  };
}

/** A named pattern of the IAM workload. */
export interface WorkloadPattern {
  readonly name: string;
  readonly pattern: Record<string, unknown>;
}

const IAM_CALL = { 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] };
const SIGN_IN = { 'source': ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'] };

/** Sixteen patterns of the kind a security team deploys to watch IAM. */
export const IAM_WORKLOAD_PATTERNS: readonly WorkloadPattern[] = [
  {
    name: 'iam-writes-by-prefix',
    pattern: {
      ...IAM_CALL,
      detail: {
        eventSource: ['iam.amazonaws.com'],
        eventName: ['Create', 'Delete', 'Put', 'Attach', 'Detach', 'Update', 'Add', 'Remove', 'Set', 'Upload', 'Tag', 'Untag'].map((p) => ({ prefix: p })),
      },
    },
  },
  {
    name: 'policy-changes',
    pattern: {
      ...IAM_CALL,
      detail: {
        eventName: [
          'CreatePolicy', 'CreatePolicyVersion', 'DeletePolicy', 'DeletePolicyVersion', 'SetDefaultPolicyVersion',
          'AttachUserPolicy', 'AttachRolePolicy', 'AttachGroupPolicy', 'DetachUserPolicy', 'DetachRolePolicy', 'DetachGroupPolicy',
          'PutUserPolicy', 'PutRolePolicy', 'PutGroupPolicy', 'DeleteUserPolicy', 'DeleteRolePolicy', 'DeleteGroupPolicy',
        ],
      },
    },
  },
  {
    name: 'access-keys-outside-automation',
    pattern: {
      ...IAM_CALL,
      detail: {
        eventName: ['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey'],
        userIdentity: { arn: [{ 'anything-but': { prefix: 'arn:aws:sts::123456789012:assumed-role/automation-' } }] },
      },
    },
  },
  {
    name: 'denied-iam-calls',
    pattern: { ...IAM_CALL, detail: { errorCode: [{ exists: true }] } },
  },
  {
    name: 'root-activity',
    pattern: { detail: { userIdentity: { type: ['Root'] } } },
  },
  {
    name: 'console-sign-in-without-mfa',
    pattern: { ...SIGN_IN, detail: { eventName: ['ConsoleLogin'], additionalEventData: { MFAUsed: ['No'] } } },
  },
  {
    name: 'console-sign-in-failures',
    pattern: { ...SIGN_IN, detail: { responseElements: { ConsoleLogin: ['Failure'] } } },
  },
  {
    name: 'trust-policy-changes',
    pattern: { ...IAM_CALL, detail: { eventName: ['UpdateAssumeRolePolicy', 'CreateRole', 'DeleteRole'] } },
  },
  {
    name: 'password-and-login-profile',
    pattern: {
      $or: [
        { ...IAM_CALL, detail: { eventName: ['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword', 'UpdateAccountPasswordPolicy'] } },
        { ...SIGN_IN, detail: { eventName: ['PasswordUpdated', 'PasswordRecoveryRequested'] } },
      ],
    },
  },
  {
    name: 'identity-provider-changes',
    pattern: { ...IAM_CALL, detail: { eventName: [{ suffix: 'SAMLProvider' }, { suffix: 'OpenIDConnectProvider' }] } },
  },
  {
    name: 'mfa-device-changes',
    pattern: { ...IAM_CALL, detail: { eventName: [{ wildcard: '*MFADevice' }] } },
  },
  {
    name: 'user-lifecycle-by-humans',
    pattern: {
      ...IAM_CALL,
      detail: {
        eventName: ['CreateUser', 'DeleteUser', 'AddUserToGroup', 'RemoveUserFromGroup'],
        userIdentity: { type: [{ 'anything-but': ['AWSService', 'AWSAccount'] }] },
      },
    },
  },
  {
    name: 'root-or-denied',
    pattern: {
      source: ['aws.iam', 'aws.signin'],
      $or: [
        { detail: { userIdentity: { type: ['Root'] } } },
        { detail: { errorCode: [{ prefix: 'AccessDenied' }, 'UnauthorizedOperation'] } },
      ],
    },
  },
  {
    name: 'admin-policy-attached',
    pattern: {
      ...IAM_CALL,
      detail: {
        eventName: [{ wildcard: 'Attach*Policy' }],
        requestParameters: { policyArn: ['arn:aws:iam::aws:policy/AdministratorAccess', { suffix: '/AdministratorAccess' }] },
      },
    },
  },
  {
    name: 'service-linked-roles-by-people',
    pattern: {
      ...IAM_CALL,
      detail: { eventName: ['CreateServiceLinkedRole'], userIdentity: { invokedBy: [{ exists: false }] } },
    },
  },
  {
    name: 'sign-in-by-iam-users-outside-network',
    pattern: {
      ...SIGN_IN,
      detail: {
        userIdentity: { type: ['IAMUser'] },
        sourceIPAddress: [{ 'anything-but': { prefix: '10.' } }],
        eventName: [{ 'equals-ignore-case': 'consolelogin' }],
      },
    },
  },
];
