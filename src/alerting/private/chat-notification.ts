import * as events from 'aws-cdk-lib/aws-events';

/**
 * Messages for chat channels: Amazon Q Developer in chat applications (formerly AWS Chatbot) shows
 * an SNS message in a Slack or Microsoft Teams channel only when it is a custom notification, JSON
 * of this form (https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html):
 *
 *   {"version": "1.0", "source": "custom", "id": ...,
 *    "content": {"textType": "client-markdown", "title": ..., "description": ...,
 *                "nextSteps": [...], "keywords": [...]},
 *    "metadata": {"summary": ..., "eventType": ..., ...}}
 *
 * The messages are built by an EventBridge input transformer, which fills a placeholder inside a
 * JSON string with the value as it is ("EventBridge doesn't escape values extracted by Input
 * Path", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html),
 * and a placeholder that is a whole JSON value with the value as JSON. A quote, backslash or line
 * break inside a string would make the message invalid JSON, which Chatbot drops. So text holds
 * only fields AWS constrains to characters JSON needs no escape for (`TEXT_SAFE_FIELDS`); any
 * other field is a whole JSON value (`wholeValue`), or left out. A user agent, an error message or
 * a policy document is free text (a caller chooses its user agent): the chat alert links to the
 * event in CloudTrail instead, where they are shown.
 */

/**
 * The event fields a chat message may put inside text, each with the constraint that keeps quotes,
 * backslashes, control characters and angle brackets (Slack's link and mention syntax) out of it.
 */
export const TEXT_SAFE_FIELDS: Readonly<Record<string, string>> = {
  '$.account': 'a 12-digit account id',
  '$.region': 'a region code',
  '$.detail.awsRegion': 'a region code',
  '$.detail.eventID': 'a GUID CloudTrail assigns',
  '$.detail.eventTime': 'an ISO 8601 time',
  '$.detail.eventName': 'the name of an API operation',
  '$.detail.eventSource': 'a service endpoint name',
  '$.detail.errorCode': 'the name of an error the service returned',
  '$.detail.sourceIPAddress': 'an IP address or the name of the AWS service that made the call',
  '$.detail.userIdentity.type': 'one of the identity types CloudTrail documents',
  '$.detail.userIdentity.arn': 'the ARN of an authenticated principal: IAM names and session names allow only [\\w+=,.@-] and paths /',
  '$.detail.userIdentity.sessionContext.sessionIssuer.type': 'Root, IAMUser or Role',
  '$.detail.userIdentity.sessionContext.sessionIssuer.arn': 'the ARN of a role or user (IAM name characters only)',
  // IAM names and ids: IAM accepts only [\w+=,.@-] in names and [\w]+ in access key ids
  // (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html, ..._CreateRole.html,
  // ..._CreateGroup.html, ..._CreatePolicy.html, ..._AccessKey.html). A call IAM refused may record
  // other characters; Chatbot then drops that chat message (the email still carries it), and the
  // chat delivery alarm reports it (UnsupportedEvents).
  '$.detail.requestParameters.userName': 'an IAM user name',
  '$.detail.requestParameters.roleName': 'an IAM role name',
  '$.detail.requestParameters.groupName': 'an IAM group name',
  '$.detail.requestParameters.policyName': 'an IAM policy name',
  '$.detail.requestParameters.policyArn': 'an IAM policy ARN',
  '$.detail.requestParameters.accessKeyId': 'an access key id',
  '$.detail.responseElements.accessKey.accessKeyId': 'an access key id IAM created',
  '$.detail.state.value': 'OK, ALARM or INSUFFICIENT_DATA',
  '$.detail.state.timestamp': 'an ISO 8601 time',
};

/** A field inside chat text; only fields of `TEXT_SAFE_FIELDS`. */
export function textField(path: string): string {
  if (!Object.prototype.hasOwnProperty.call(TEXT_SAFE_FIELDS, path)) {
    throw new Error(`${path} is not a field chat text may hold (TEXT_SAFE_FIELDS): put it in a whole JSON value instead`);
  }
  return events.EventField.fromPath(path);
}

/** A field as a whole JSON value (a keyword, an id): EventBridge writes it as JSON, escaped. */
export function wholeValue(path: string): string {
  return events.EventField.fromPath(path);
}

/** The content of one chat notification. */
export interface ChatNotificationContent {
  /** Unique id of the notification (a whole value). */
  readonly id?: string;
  readonly title: string;
  /** Lines of the description (Slack and Teams markdown), joined with line breaks. */
  readonly description: string[];
  readonly nextSteps: string[];
  /** Whole values or literal text. */
  readonly keywords: string[];
  /** Shown in push notifications. */
  readonly summary: string;
  /** The kind of notification, for custom actions' criteria. */
  readonly eventType: string;
}

/** The rule target input that delivers `content` as a custom notification. */
export function chatNotification(content: ChatNotificationContent): events.RuleTargetInput {
  return events.RuleTargetInput.fromObject({
    version: '1.0',
    source: 'custom',
    ...(content.id !== undefined ? { id: content.id } : {}),
    content: {
      textType: 'client-markdown',
      title: content.title,
      description: content.description.join('\n'),
      nextSteps: content.nextSteps,
      keywords: content.keywords,
    },
    metadata: {
      summary: content.summary,
      eventType: content.eventType,
    },
  });
}

/** The link to a CloudTrail event in the console of the region it was recorded in. */
function cloudTrailLink(): string {
  const region = textField('$.detail.awsRegion');
  return `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${textField('$.detail.eventID')}`;
}

/** Who made a CloudTrail-recorded call, and the role or user that issued its session. */
function callerLines(): string[] {
  return [
    `*Who:* ${textField('$.detail.userIdentity.type')} ${textField('$.detail.userIdentity.arn')}`,
    '*Session issued by (assumed roles only):* '
      + `${textField('$.detail.userIdentity.sessionContext.sessionIssuer.type')} ${textField('$.detail.userIdentity.sessionContext.sessionIssuer.arn')}`,
  ];
}

/**
 * The chat form of `AlertMessage.readable()`: the same facts, except the free text (user agent,
 * error message, policy document, all request parameters), which the CloudTrail link shows.
 */
export function readableChatAlert(): events.RuleTargetInput {
  const eventName = textField('$.detail.eventName');
  const account = textField('$.account');
  const region = textField('$.detail.awsRegion');
  const request = (name: string) => textField(`$.detail.requestParameters.${name}`);
  const title = `IAM change alert: ${eventName} in account ${account}`;
  return chatNotification({
    id: wholeValue('$.detail.eventID'),
    title,
    description: [
      ...callerLines(),
      `*What:* ${eventName} on ${textField('$.detail.eventSource')}`,
      // Placeholders side by side are names no IAM call gives together (as in the email).
      `*User or role acted on:* ${request('userName')}${request('roleName')}`,
      `*Group acted on:* ${request('groupName')}`,
      `*Policy:* ${request('policyArn')}${request('policyName')}`,
      `*Access key:* ${request('accessKeyId')}${textField('$.detail.responseElements.accessKey.accessKeyId')}`,
      `*Where:* account ${account}, region ${region}, source IP address ${textField('$.detail.sourceIPAddress')}`,
      `*When:* ${textField('$.detail.eventTime')}`,
      `*Error (empty if the call succeeded):* ${textField('$.detail.errorCode')}`,
      '*Matched by EventBridge rule:* <aws.events.rule-name>',
    ],
    nextSteps: [
      `Open the event in CloudTrail for the user agent, error message and request parameters (event history shows it a few minutes after the call): ${cloudTrailLink()}`,
      'If nobody planned this change, treat it as a security incident.',
    ],
    keywords: [wholeValue('$.detail.eventName'), wholeValue('$.account')],
    summary: title,
    eventType: 'IamChangeAlert',
  });
}

/** The chat form of the tamper alert (a call that could switch the pipeline off). */
export function tamperChatAlert(): events.RuleTargetInput {
  const eventName = textField('$.detail.eventName');
  const account = textField('$.account');
  const title = `IAM alert pipeline tampering: ${eventName} on ${textField('$.detail.eventSource')} in account ${account}, region ${textField('$.detail.awsRegion')}`;
  return chatNotification({
    id: wholeValue('$.detail.eventID'),
    title,
    description: [
      'This call changes a resource the IAM change alerts depend on; if it was not planned, alerts may have stopped.',
      ...callerLines(),
      `*Source IP address:* ${textField('$.detail.sourceIPAddress')}`,
      `*When:* ${textField('$.detail.eventTime')}`,
      `*Error (empty if the call succeeded):* ${textField('$.detail.errorCode')}`,
      '*Matched by EventBridge rule:* <aws.events.rule-name>',
    ],
    nextSteps: [
      `Open the event in CloudTrail for the resource it changed and the request parameters: ${cloudTrailLink()}`,
      'If nobody planned this change, restore the resource (redeploy the stack) and treat it as a security incident.',
    ],
    keywords: [wholeValue('$.detail.eventName'), wholeValue('$.account')],
    summary: title,
    eventType: 'IamAlertPipelineTampering',
  });
}

/**
 * The chat form of a member account's health alarm (a CloudWatch alarm state change forwarded to
 * the central bus). The alarm's name, description and reason are free text in the member account
 * (`SetAlarmState` sets any reason), so the name is a keyword (a whole value) and the description
 * and reason are left to the alarm itself, which the link opens.
 */
export function memberAlarmChatAlert(): events.RuleTargetInput {
  const account = textField('$.account');
  const region = textField('$.region');
  const title = `IAM alert pipeline failure in member account ${account}, region ${region}: a health alarm is ${textField('$.detail.state.value')}`;
  return chatNotification({
    title,
    description: [
      'A health alarm of the member account\'s IAM event forwarder went off: IAM events of that account and region may not reach the central alert bus.',
      `*Since:* ${textField('$.detail.state.timestamp')}`,
      '*Matched by EventBridge rule:* <aws.events.rule-name>',
    ],
    nextSteps: [
      `Sign in to account ${account} and open its alarms in ${region}: https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2: `
        + '(the alarm is named in the keywords; its description and reason say what failed).',
    ],
    keywords: [wholeValue('$.detail.alarmName'), wholeValue('$.account'), wholeValue('$.region')],
    summary: title,
    eventType: 'IamAlertPipelineMemberAlarm',
  });
}
