/**
 * Synthesizes the IamChangeAlerting configurations that test_iam_change_alerting.py builds again
 * from Python, and writes their templates to one JSON file ({name: template}). The two sides must
 * stay the same program: any change here goes into the Python test too.
 *
 * Usage: ts-node --project tsconfig.dev.json test-python/export-alerting-templates.ts <file>
 */
import { writeFileSync } from 'fs';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlertDestination, AlertMessage, AlertTopic, AlertTrail, IamChangeAlerting, PipelineHealth } from '../src';
import { IamEventPattern } from '../src/patterns/iam-event-pattern';

const file = process.argv[2];
if (!file) {
  console.error('usage: export-alerting-templates.ts <file>');
  process.exit(2);
}

const ENV = { account: '111111111111', region: 'us-east-1' };

function synth(build: (stack: Stack) => void): unknown {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'IamAlerts', { env: ENV });
  build(stack);
  return app.synth().getStackByName(stack.stackName).template;
}

const templates = {
  default: synth((stack) => {
    new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
  }),
  customized: synth((stack) => {
    new IamChangeAlerting(stack, 'IamAlerts', {
      emails: ['security@example.com', 'Cloud-Team@example.com', 'cloud-team@example.com'],
      pattern: IamEventPattern.changes().withConsoleSignIn().exceptPrincipals('arn:aws:iam::111111111111:role/deployer'),
      trail: AlertTrail.create({ trailName: 'iam-change-alerts', s3KeyPrefix: 'cloudtrail', logRetention: Duration.days(2555) }),
      topic: AlertTopic.create({ topicName: 'iam-change-alerts', displayName: 'Prod IAM change alerts' }),
      message: AlertMessage.rawEvent(),
      ruleName: 'iam-change-alerts',
      retryAttempts: 48,
      maxEventAge: Duration.hours(6),
    });
  }),
  health: synth((stack) => {
    const onCall = new sns.Topic(stack, 'OnCall');
    new IamChangeAlerting(stack, 'IamAlerts', {
      emails: ['security@example.com'],
      pattern: IamEventPattern.mutatingCalls(),
      healthTopic: AlertTopic.existing(onCall),
      pipelineHealth: PipelineHealth.monitor({ heartbeatInterval: Duration.minutes(5) }),
    });
  }),
  healthOff: synth((stack) => {
    new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'], pipelineHealth: PipelineHealth.off() });
  }),
  // test_chat_destinations.py builds this one.
  chat: synth((stack) => {
    const inbox = new sqs.Queue(stack, 'Inbox', { enforceSSL: true });
    new IamChangeAlerting(stack, 'IamAlerts', {
      emails: ['security@example.com'],
      destinations: [
        AlertDestination.slackChannel({ workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDEF' }),
        AlertDestination.microsoftTeamsChannel({
          tenantId: '01234567-89ab-cdef-0123-456789abcdef',
          teamId: '11234567-89ab-cdef-0123-456789abcdef',
          channelId: '19%3Aab12cd34ef56%40thread.tacv2',
        }),
        AlertDestination.subscription(new subscriptions.SqsSubscription(inbox)),
      ],
    });
  }),
};
writeFileSync(file, JSON.stringify(templates, undefined, 1));
console.log(`wrote ${Object.keys(templates).length} IamChangeAlerting templates to ${file}`);
