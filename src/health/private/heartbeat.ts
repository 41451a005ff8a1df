import { Aws, CfnCondition, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct, IConstruct } from 'constructs';
import { partitionOfRegion } from '../../identifiers/regions';
import { EventPatternMatcher } from '../../patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../patterns/iam-event-pattern';
import { invalidInput } from '../../private/invalid-input';

/**
 * The heartbeat: a schedule makes a harmless, mutating IAM call (`iam:TagRole` on the heartbeat
 * role itself, one fixed tag key) that travels the real path of an IAM change (CloudTrail →
 * EventBridge in the IAM events region → forwarder → central bus). A rule at the end counts it;
 * an alarm goes off when it stops.
 *
 * The role has one name in every account, so that a central bus recognises the heartbeat of any
 * member by the session issuer's ARN (`:role/<name>`), and alert patterns leave exactly that
 * principal out. It may only tag itself with the heartbeat key, and only EventBridge Scheduler
 * in its own account may assume it.
 */

/** The heartbeat role's name, the same in every account. */
export const HEARTBEAT_ROLE_NAME = 'cdk-iam-change-alerts-heartbeat';

/** The only tag key the heartbeat writes. */
export const HEARTBEAT_TAG_KEY = 'cdk-iam-change-alerts:heartbeat';

const API_CALL = 'AWS API Call via CloudTrail';

/**
 * The pattern of heartbeat events: the heartbeat role tagging itself. `account` limits it to one
 * account (a single-account pipeline); without it, any account's heartbeat matches (a central bus).
 */
export function heartbeatEventPattern(account?: string): Record<string, unknown> {
  return {
    ...(account !== undefined ? { account: [account] } : {}),
    'source': ['aws.iam'],
    'detail-type': [API_CALL],
    'detail': {
      eventSource: ['iam.amazonaws.com'],
      eventName: ['TagRole'],
      requestParameters: { roleName: [HEARTBEAT_ROLE_NAME] },
      userIdentity: { sessionContext: { sessionIssuer: { arn: [{ suffix: `:role/${HEARTBEAT_ROLE_NAME}` }] } } },
    },
  };
}

/**
 * A sample heartbeat event as EventBridge delivers it, to find out whether an alert pattern
 * would match the heartbeat (and so must leave it out).
 */
function sampleHeartbeatEvent(partition: string, account: string): Record<string, unknown> {
  return {
    'version': '0',
    'id': '00000000-0000-0000-0000-000000000000',
    'detail-type': API_CALL,
    'source': 'aws.iam',
    'account': account,
    'time': '2026-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEHEARTBEAT:heartbeat',
        arn: `arn:${partition}:sts::${account}:assumed-role/${HEARTBEAT_ROLE_NAME}/heartbeat`,
        accountId: account,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLEHEARTBEAT',
            arn: `arn:${partition}:iam::${account}:role/${HEARTBEAT_ROLE_NAME}`,
            accountId: account,
            userName: HEARTBEAT_ROLE_NAME,
          },
        },
        invokedBy: 'scheduler.amazonaws.com',
      },
      eventTime: '2026-01-01T00:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagRole',
      awsRegion: 'us-east-1',
      sourceIPAddress: 'scheduler.amazonaws.com',
      userAgent: 'scheduler.amazonaws.com',
      requestParameters: { roleName: HEARTBEAT_ROLE_NAME, tags: [{ key: HEARTBEAT_TAG_KEY, value: 'alive' }] },
      responseElements: null,
      eventID: '00000000-0000-0000-0000-000000000001',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

/**
 * The pattern without the heartbeat: unchanged when it cannot match the heartbeat, otherwise
 * with the heartbeat role left out (`exceptPrincipals`). That role can do nothing but tag itself
 * with one key, so leaving it out hides nothing else. A pattern holding values known only at
 * deployment is assumed to match.
 */
export function withoutHeartbeat(scope: IConstruct, pattern: IamEventPattern, partition: string): IamEventPattern {
  const stack = Stack.of(scope);
  const knownPartition = !Token.isUnresolved(partition) ? partition
    : !Token.isUnresolved(stack.region) ? partitionOfRegion(stack.region) : 'aws';
  let text: string | undefined;
  try {
    text = pattern.toJson();
  } catch {
    text = undefined; // tokens: whether it matches is known only at deployment
  }
  // The heartbeat of any account the pattern may match: this stack's, those it is limited to, any other.
  const accounts = [stack.account, ...(pattern.accounts ?? []), '123456789012'].filter(a => !Token.isUnresolved(a));
  if (text !== undefined) {
    const matcher = EventPatternMatcher.fromJson(text);
    if (!accounts.some(account => matcher.matchesEvent(sampleHeartbeatEvent(knownPartition, account)))) return pattern;
  }
  const heartbeatRole = `arn:${knownPartition}:iam::*:role/${HEARTBEAT_ROLE_NAME}`;
  try {
    return pattern.exceptPrincipals(heartbeatRole);
  } catch {
    // Limited by onlyPrincipals: exceptPrincipals cannot be added to it.
    if (text === undefined) return pattern;
    throw invalidInput(scope,
      `the pattern '${pattern.description}' is limited by onlyPrincipals to principals that include the heartbeat role ${heartbeatRole}, `
      + 'so every heartbeat would raise an alert.',
      'list principals that leave out that role, or turn the heartbeat off with pipelineHealth: PipelineHealth.off().');
  }
}

/** Options of a `HeartbeatSchedule`. */
export interface HeartbeatScheduleProps {
  /** How often the heartbeat call is made. */
  readonly interval: Duration;
  /** The CloudFormation condition both resources exist under (an environment-agnostic StackSet member), if any. */
  readonly condition?: CfnCondition;
}

/**
 * The heartbeat role and the EventBridge Scheduler schedule that makes it tag itself. Deploy it
 * in the region IAM events arrive in (us-east-1 in the commercial partition): the call is
 * recorded there, by a trail that includes global service events.
 */
export class HeartbeatSchedule extends Construct {
  /** The heartbeat role (fixed name: one per account). */
  public readonly role: iam.CfnRole;
  /** The schedule. */
  public readonly schedule: scheduler.CfnSchedule;
  /** The schedule's name. */
  public readonly scheduleName: string;
  /** How often the heartbeat call is made. */
  public readonly interval: Duration;

  constructor(scope: Construct, id: string, props: HeartbeatScheduleProps) {
    super(scope, id);
    this.interval = props.interval;
    const roleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${HEARTBEAT_ROLE_NAME}`;

    // EventBridge Scheduler documents aws:SourceAccount and aws:SourceArn (the schedule group) on
    // the execution role's trust policy for confused-deputy prevention:
    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
    this.role = new iam.CfnRole(this, 'Role', {
      roleName: HEARTBEAT_ROLE_NAME,
      description: 'cdk-iam-change-alerts heartbeat: EventBridge Scheduler tags this role with one key to prove the IAM alert path is alive',
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
            ArnEquals: { 'aws:SourceArn': `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule-group/default` },
          },
        }],
      },
      policies: [{
        policyName: 'TagItselfWithTheHeartbeatKey',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'iam:TagRole',
            Resource: roleArn,
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [HEARTBEAT_TAG_KEY] } },
          }],
        },
      }],
    });

    // Schedules are named per account and region, like the role per account: one heartbeat each.
    this.scheduleName = HEARTBEAT_ROLE_NAME;
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: this.scheduleName,
      description: 'cdk-iam-change-alerts heartbeat: a harmless IAM call that must reach the alert pipeline',
      scheduleExpression: `rate(${rateOf(props.interval)})`,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        // The universal target calls any AWS API: no Lambda function needed.
        // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
        arn: `arn:${Aws.PARTITION}:scheduler:::aws-sdk:iam:tagRole`,
        roleArn: this.role.attrArn,
        input: JSON.stringify({ RoleName: HEARTBEAT_ROLE_NAME, Tags: [{ Key: HEARTBEAT_TAG_KEY, Value: 'alive' }] }),
        // A missed call is a missed heartbeat, which the alarm reports: retries would only hide it.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
    });
    if (props.condition) {
      this.role.cfnOptions.condition = props.condition;
      this.schedule.cfnOptions.condition = props.condition;
    }
  }
}

const heartbeatsOfApp = new WeakMap<IConstruct, Map<string, HeartbeatSchedule>>();

/**
 * The heartbeat of the scope's account: a new `HeartbeatSchedule`, or the one another pipeline of
 * the same app already made in that account (the role has one name per account, so a second one
 * would fail the deployment; one heartbeat serves every monitor in the account). An account known
 * only at deployment (a StackSet member template) always gets its own.
 */
export function heartbeatOf(scope: Construct, props: HeartbeatScheduleProps): HeartbeatSchedule | undefined {
  const stack = Stack.of(scope);
  // stack.partition is a token even in a stack with a known region: the region tells the partition.
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    return new HeartbeatSchedule(scope, 'Heartbeat', props);
  }
  const root = scope.node.root;
  const known = heartbeatsOfApp.get(root) ?? new Map<string, HeartbeatSchedule>();
  heartbeatsOfApp.set(root, known);
  const key = `${partitionOfRegion(stack.region)}:${stack.account}`;
  const existing = known.get(key);
  if (existing === undefined) {
    const created = new HeartbeatSchedule(scope, 'Heartbeat', props);
    known.set(key, created);
    return created;
  }
  if (existing.interval.toSeconds() !== props.interval.toSeconds()) {
    throw invalidInput(scope,
      `account ${stack.account} already has a heartbeat every ${existing.interval.toHumanString()} (${existing.node.path}), `
      + `and one account has one heartbeat, but this pipeline's heartbeatInterval is ${props.interval.toHumanString()}.`,
      'give every pipeline of the account the same heartbeatInterval.');
  }
  return undefined;
}

/** `rate()` text of a whole number of minutes or hours. */
export function rateOf(interval: Duration): string {
  const minutes = interval.toMinutes();
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
  }
  return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
}
