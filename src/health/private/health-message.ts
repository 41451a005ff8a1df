import * as events from 'aws-cdk-lib/aws-events';

/**
 * The texts of health notifications, built by input transformers like `AlertMessage.readable()`:
 * one line per fact, fields a record lacks left empty.
 */

const field = (path: string) => events.EventField.fromPath(path);

/** A call that could switch the pipeline off (CloudTrail record), naming who made it. */
export function tamperMessage(): events.RuleTargetInput {
  const eventName = field('$.detail.eventName');
  const account = field('$.account');
  const region = field('$.detail.awsRegion');
  const eventId = field('$.detail.eventID');
  return events.RuleTargetInput.fromMultilineText([
    `IAM alert pipeline tampering: ${eventName} on ${field('$.detail.eventSource')} in account ${account}, region ${region}`,
    'This call changes a resource the IAM change alerts depend on; if it was not planned, alerts may have stopped.',
    `Who: ${field('$.detail.userIdentity.type')} ${field('$.detail.userIdentity.arn')}`,
    'Session issued by (assumed roles only): '
      + `${field('$.detail.userIdentity.sessionContext.sessionIssuer.type')} ${field('$.detail.userIdentity.sessionContext.sessionIssuer.arn')}`,
    `Source IP address: ${field('$.detail.sourceIPAddress')}`,
    `User agent: ${field('$.detail.userAgent')}`,
    `When: ${field('$.detail.eventTime')}`,
    `Error (empty if the call succeeded): ${field('$.detail.errorCode')} ${field('$.detail.errorMessage')}`,
    `CloudTrail event ${eventId}: https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`,
    'Matched by EventBridge rule: <aws.events.rule-name>',
    `Request parameters: ${field('$.detail.requestParameters')}`,
  ].join('\n'));
}

/** A health alarm of a member account gone into ALARM (CloudWatch state change event), naming account and region. */
export function memberAlarmMessage(): events.RuleTargetInput {
  const account = field('$.account');
  const region = field('$.region');
  return events.RuleTargetInput.fromMultilineText([
    `IAM alert pipeline failure in member account ${account}, region ${region}: alarm ${field('$.detail.alarmName')} is ${field('$.detail.state.value')}`,
    `What it watches: ${field('$.detail.configuration.description')}`,
    `Reason: ${field('$.detail.state.reason')}`,
    `Since: ${field('$.detail.state.timestamp')}`,
    `Alarm: https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${field('$.detail.alarmName')} (sign in to account ${account})`,
    'Matched by EventBridge rule: <aws.events.rule-name>',
  ].join('\n'));
}
