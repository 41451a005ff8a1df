import { Annotations, App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlertDestination } from '../../src/alerting/alert-destination';
import { AlertMessage } from '../../src/alerting/alert-message';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { AlertTrail } from '../../src/alerting/alert-trail';
import { IamChangeAlerting } from '../../src/alerting/iam-change-alerting';
import { denyGrantsExceptForAwsServices } from '../../src/alerting/private/key-policy-statements';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

/**
 * The `IamChangeAlerting` configurations whose templates the validators check (cdk-nag,
 * cfn-guard with the Control Tower rules, cfn-lint). Each builder adds one stack to the app and
 * returns it; every finding a configuration accepts is acknowledged here, with its reason.
 *
 * CI can synthesize them all to disk with `synthesizeConfigurations(outdir)`.
 */
export const ALERTING_CONFIGURATIONS: { readonly [name: string]: (app: App) => Stack } = {
  /** The README quick start: the defaults and one email address. */
  default: (app) => {
    const stack = new Stack(app, 'IamAlertsDefault', { env: US_EAST_1 });
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
    acknowledgeNoServerAccessLogs(alerting.trail!.bucket);
    return stack;
  },

  /**
   * Every option changed: a named trail with a prefix, longer retention and server access logs;
   * a named topic and rule; duplicate emails; sign-ins added to the pattern; the raw event; a
   * shorter retry policy; a separate, encrypted alarm topic.
   */
  customized: (app) => {
    const stack = new Stack(app, 'IamAlertsCustomized', { env: US_EAST_1 });
    // As in every app made by `cdk init` since 2.60: S3 delivers server access logs under a bucket
    // policy instead of an ACL, so the log bucket can keep ACLs disabled.
    stack.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const accessLogs = new s3.Bucket(stack, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket receives the server access logs of the trail bucket; logging its own access would log every log delivery.',
    });
    const opsTopic = new sns.Topic(stack, 'OpsAlarms', {
      masterKey: customerManagedKey(stack, 'OpsAlarmsKey'),
      enforceSSL: true,
    });
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', {
      emails: ['security@example.com', 'Cloud-Team@example.com', 'cloud-team@example.com'],
      pattern: IamEventPattern.changes().withConsoleSignIn(),
      trail: AlertTrail.create({
        trailName: 'iam-change-alerts',
        s3KeyPrefix: 'cloudtrail',
        logRetention: Duration.days(2555),
        serverAccessLogsBucket: accessLogs,
        serverAccessLogsPrefix: 'trail-bucket/',
      }),
      topic: AlertTopic.create({ topicName: 'iam-change-alerts', displayName: 'Prod IAM change alerts' }),
      message: AlertMessage.rawEvent(),
      ruleName: 'iam-change-alerts',
      retryAttempts: 48,
      maxEventAge: Duration.hours(6),
      healthTopic: AlertTopic.existing(opsTopic),
    });
    Annotations.of(alerting).acknowledgeWarning('cdk-iam-change-alerts:consoleSignInRegions',
      'Sign-ins recorded outside us-east-1 are forwarded by the organization-wide IamEventForwarder.');
    return stack;
  },

  /**
   * An existing trail and existing encrypted alert and health topics defined elsewhere in the app
   * (an existing alert topic brings its own subscribers; the health alarms need a destination too).
   */
  existingTrailAndTopic: (app) => {
    const stack = new Stack(app, 'IamAlertsExisting', { env: US_EAST_1 });
    const topic = new sns.Topic(stack, 'SecurityTopic', {
      masterKey: customerManagedKey(stack, 'SecurityTopicKey'),
      enforceSSL: true,
    });
    const healthTopic = new sns.Topic(stack, 'PlatformHealthTopic', {
      masterKey: customerManagedKey(stack, 'PlatformHealthTopicKey'),
      enforceSSL: true,
    });
    new IamChangeAlerting(stack, 'IamAlerts', {
      trail: AlertTrail.existing('arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events'),
      topic: AlertTopic.existing(topic),
      healthTopic: AlertTopic.existing(healthTopic),
    });
    return stack;
  },

  /** The organization trail, every API call including read-only ones, and no subscriber yet. */
  organizationTrailWithReadOnlyEvents: (app) => {
    const stack = new Stack(app, 'IamAlertsReadOnly', { env: US_EAST_1 });
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', {
      trail: AlertTrail.organizationTrail(),
      pattern: IamEventPattern.allApiCalls(),
      allowNoDestination: true,
    });
    Annotations.of(alerting).acknowledgeWarning('cdk-iam-change-alerts:readOnlyEventVolume',
      'An analytics pipeline subscribes to the topic and expects the volume.');
    return stack;
  },

  /**
   * Alerts to a Slack channel and a Microsoft Teams channel besides email, one of them through a
   * channel configuration the app already has (Amazon Q Developer in chat applications).
   */
  chatChannels: (app) => {
    const stack = new Stack(app, 'IamAlertsChat', { env: US_EAST_1 });
    const existing = new chatbot.SlackChannelConfiguration(stack, 'SecOpsSlack', {
      slackChannelConfigurationName: 'secops-alerts',
      slackWorkspaceId: 'T0123ABCDE',
      slackChannelId: 'C0SECOPS01',
      guardrailPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
    });
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', {
      emails: ['security@example.com'],
      destinations: [
        AlertDestination.slackChannel({ workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDEF' }),
        AlertDestination.microsoftTeamsChannel({
          tenantId: '01234567-89ab-cdef-0123-456789abcdef',
          teamId: '11234567-89ab-cdef-0123-456789abcdef',
          channelId: '19%3Aab12cd34ef56%40thread.tacv2',
        }),
        AlertDestination.slackChannelConfiguration(existing),
      ],
    });
    acknowledgeNoServerAccessLogs(alerting.trail!.bucket);
    return stack;
  },

  /** An environment-agnostic stack, as `cdk init` generates it. */
  environmentAgnostic: (app) => {
    const stack = new Stack(app, 'IamAlertsAgnostic');
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
    acknowledgeNoServerAccessLogs(alerting.trail!.bucket);
    Annotations.of(alerting).acknowledgeWarning('cdk-iam-change-alerts:regionUnresolved',
      'The pipeline deploys this stack to us-east-1 only.');
    return stack;
  },
};

/**
 * Synthesizes every configuration into one cloud assembly (one template per configuration).
 *
 * @returns the assembly directory
 */
export function synthesizeConfigurations(outdir?: string): string {
  const app = new App({ outdir });
  for (const build of Object.values(ALERTING_CONFIGURATIONS)) {
    build(app);
  }
  return app.synth().directory;
}

const US_EAST_1 = { account: '111111111111', region: 'us-east-1' };

/** A key as a user would make it for a topic of their own, meeting the same controls as the construct's keys. */
function customerManagedKey(stack: Stack, id: string): kms.Key {
  const key = new kms.Key(stack, id, { enableKeyRotation: true });
  key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  return key;
}

function acknowledgeNoServerAccessLogs(bucket: s3.IBucket): void {
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'The trail bucket holds only CloudTrail log files, and CloudTrail management events already record changes to the trail '
      + 'and to the bucket configuration. Object-level access logs are opt-in: pass serverAccessLogsBucket to AlertTrail.create().',
  });
}
