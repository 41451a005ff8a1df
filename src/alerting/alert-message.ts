import * as events from 'aws-cdk-lib/aws-events';

/**
 * What an alert says: the input EventBridge sends to the alert topic for each matched event.
 *
 * - `AlertMessage.readable()`: a plain-text summary of the CloudTrail record (the default).
 * - `AlertMessage.rawEvent()`: the whole event as JSON, for machines.
 * - `AlertMessage.custom(input)`: your own `events.RuleTargetInput`.
 */
export class AlertMessage {
  /**
   * A plain-text summary a person can act on, built by an input transformer.
   *
   * One line each for: the event name and account; who made the call (principal type and ARN,
   * and for an assumed role the role that issued the session); what was called (event name and
   * service); the user or role the call acted on (`userName` / `roleName`), the group
   * (`groupName`), the policy (`policyArn` / `policyName`) and the access key (`accessKeyId`, or
   * the key `CreateAccessKey` created); where (account, region, source IP address, user agent);
   * when; the error code and message if the call failed (empty when it succeeded); the CloudTrail
   * event ID with a link to the event in the CloudTrail console (console.aws.amazon.com, the
   * commercial partition; event history shows an event a few minutes after the call); and the
   * rule that matched. Then, as they may run long: the policy document of the call (a trust
   * policy for `CreateRole` and `UpdateAssumeRolePolicy`), as written, over as many lines as it
   * has; and all request parameters.
   *
   * Each line is delivered in double quotes, the form EventBridge gives multi-line text (CDK's
   * `RuleTargetInput.fromMultilineText`). Fields a record lacks are left empty. EventBridge
   * inserts a string into the text as it is, so the policy document keeps its quotes and line
   * breaks; it inserts an object as its JSON without the quotes, so the request parameters read
   * `{policyName:ReadOnly,userName:alice}`; a document among them shows its line breaks as `\n`
   * and its quotes as lone backslashes, which is why the document also has a line of its own.
   *
   * On a `CrossAccountAlertBus` the account and region are those of the member account where the
   * call was made: forwarding keeps the event's own `account` and CloudTrail's `awsRegion`.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
   */
  public static readable(): AlertMessage {
    return new AlertMessage(events.RuleTargetInput.fromMultilineText(readableTemplate()));
  }

  /**
   * The whole EventBridge event as JSON, unchanged.
   */
  public static rawEvent(): AlertMessage {
    return new AlertMessage(events.RuleTargetInput.fromEventPath('$'));
  }

  /**
   * A message of your own.
   *
   * @param input for example
   *   `events.RuleTargetInput.fromText(\`${events.EventField.fromPath('$.detail.eventName')} by ${events.EventField.fromPath('$.detail.userIdentity.arn')}\`)`
   */
  public static custom(input: events.RuleTargetInput): AlertMessage {
    return new AlertMessage(input);
  }

  /**
   * Use the static factories. Private, so that no jsii language can construct or subclass it.
   */
  private constructor(private readonly input: events.RuleTargetInput) {}

  /**
   * The rule target input that produces this message.
   */
  public toRuleTargetInput(): events.RuleTargetInput {
    return this.input;
  }
}

function readableTemplate(): string {
  const field = (path: string) => events.EventField.fromPath(path);
  const eventName = field('$.detail.eventName');
  const account = field('$.account');
  const region = field('$.detail.awsRegion');
  const eventId = field('$.detail.eventID');
  const request = (name: string) => field(`$.detail.requestParameters.${name}`);
  // Placeholders written side by side are names no IAM call gives together: a missing path fills
  // in nothing inside a string, so the line shows the one that is there.
  return [
    `IAM change alert: ${eventName} in account ${account}`,
    `Who: ${field('$.detail.userIdentity.type')} ${field('$.detail.userIdentity.arn')}`,
    'Session issued by (assumed roles only): '
      + `${field('$.detail.userIdentity.sessionContext.sessionIssuer.type')} ${field('$.detail.userIdentity.sessionContext.sessionIssuer.arn')}`,
    `What: ${eventName} on ${field('$.detail.eventSource')}`,
    `User or role acted on: ${request('userName')}${request('roleName')}`,
    `Group acted on: ${request('groupName')}`,
    `Policy: ${request('policyArn')}${request('policyName')}`,
    // CreateAccessKey names the new key in its response; the other access-key calls in the request.
    `Access key: ${request('accessKeyId')}${field('$.detail.responseElements.accessKey.accessKeyId')}`,
    `Where: account ${account}, region ${region}, source IP address ${field('$.detail.sourceIPAddress')}`,
    `User agent: ${field('$.detail.userAgent')}`,
    `When: ${field('$.detail.eventTime')}`,
    `Error (empty if the call succeeded): ${field('$.detail.errorCode')} ${field('$.detail.errorMessage')}`,
    `CloudTrail event ${eventId}: https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`,
    'Matched by EventBridge rule: <aws.events.rule-name>',
    // A document is a string: inserted as it is, with its own line breaks and quotes, it reads as
    // written. Last, as it may run over many lines.
    `Policy document: ${request('policyDocument')}${request('assumeRolePolicyDocument')}`,
    `All request parameters: ${field('$.detail.requestParameters')}`,
  ].join('\n');
}
