import { Annotations, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { cloudWatchPublishesWithKey } from './key-policy-statements';

/** Makes the alarms notify the topic when they go off, with the topic and key statements that needs. */
export function notifyTopicOnAlarm(scope: Construct, topic: sns.ITopic, alarms: cloudwatch.Alarm[]): void {
  const action = new cloudwatchActions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
  }
  allowAlarmsToPublish(scope, topic, alarms);
}

/**
 * CloudWatch sends aws:SourceArn (the alarm's ARN) when it publishes, which scopes the statement:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html#SNS_Confused_Deputy
 *
 * CloudWatch needs the topic policy to allow it (once a topic has its own policy, the default
 * one that let the account's services publish is gone) and, for an encrypted topic, the key.
 */
export function allowAlarmsToPublish(scope: Construct, topic: sns.ITopic, alarms: cloudwatch.Alarm[]): void {
  const published = topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AllowPublishFromAlarmsOf${Names.nodeUniqueId(scope.node)}`,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { ArnEquals: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) } },
  }));
  const keyGranted = topic.masterKey?.addToResourcePolicy(cloudWatchPublishesWithKey(Stack.of(scope))).statementAdded ?? false;
  if (!published.statementAdded || (topic.masterKey && !keyGranted)) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:addAlarmTopicPolicyManually',
      `The alarm topic ${topic.topicArn} (or its key) is not defined in this CDK app, so its policies cannot be changed here. `
      + 'Allow the service principal cloudwatch.amazonaws.com sns:Publish on the topic for the alarms of '
      + `${scope.node.path}, and if the topic is encrypted, kms:GenerateDataKey* and kms:Decrypt `
      + 'in its key policy; otherwise the alarms go off without telling anyone.');
  }
}
