/**
 * Sample events of the pipeline's health checks, as EventBridge delivers them, written out here
 * (not taken from the library) so that the tests check the library's patterns against the shape
 * AWS documents, not against the library's own idea of it.
 */

/** The heartbeat role's fixed name. */
export const HEARTBEAT_ROLE_NAME = 'cdk-iam-change-alerts-heartbeat';

/**
 * The heartbeat: EventBridge Scheduler, as the heartbeat role, tags that role with the heartbeat
 * key (CloudTrail record of an assumed-role call through the global IAM endpoint, so in us-east-1).
 */
export function heartbeatEvent(account: string, region = 'us-east-1', partition = 'aws'): Record<string, any> {
  const roleArn = `arn:${partition}:iam::${account}:role/${HEARTBEAT_ROLE_NAME}`;
  return {
    'version': '0',
    'id': '6f1b2c3d-0000-4000-8000-00000000beat',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    account,
    'time': '2026-03-01T12:00:00Z',
    region,
    'resources': [],
    'detail': {
      eventVersion: '1.10',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROA3EXAMPLEHEARTBEAT:4f0c1a2b3c4d5e6f',
        arn: `arn:${partition}:sts::${account}:assumed-role/${HEARTBEAT_ROLE_NAME}/4f0c1a2b3c4d5e6f`,
        accountId: account,
        accessKeyId: 'ASIA3EXAMPLEHEARTBEAT',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROA3EXAMPLEHEARTBEAT', arn: roleArn, accountId: account, userName: HEARTBEAT_ROLE_NAME },
          attributes: { creationDate: '2026-03-01T12:00:00Z', mfaAuthenticated: 'false' },
        },
        invokedBy: 'scheduler.amazonaws.com',
      },
      eventTime: '2026-03-01T12:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagRole',
      awsRegion: 'us-east-1',
      sourceIPAddress: 'scheduler.amazonaws.com',
      userAgent: 'scheduler.amazonaws.com',
      requestParameters: { roleName: HEARTBEAT_ROLE_NAME, tags: [{ key: 'cdk-iam-change-alerts:heartbeat', value: 'alive' }] },
      responseElements: null,
      requestID: '0d7a7c1e-0000-4000-8000-000000000001',
      eventID: '0d7a7c1e-0000-4000-8000-000000000002',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

/** A member alarm going into ALARM (CloudWatch Alarm State Change, on the default bus of the alarm's region). */
export function alarmStateChangeEvent(account: string, region: string, alarmName: string): Record<string, any> {
  return {
    'version': '0',
    'id': '7a1b2c3d-0000-4000-8000-00000000a1a7',
    'detail-type': 'CloudWatch Alarm State Change',
    'source': 'aws.cloudwatch',
    account,
    'time': '2026-03-01T12:05:00Z',
    region,
    'resources': [`arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`],
    'detail': {
      alarmName,
      state: { value: 'ALARM', reason: 'Threshold Crossed: 1 datapoint [3.0] was greater than or equal to the threshold (1.0).', timestamp: '2026-03-01T12:05:00.000+0000' },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-03-01T11:00:00.000+0000' },
      configuration: { description: 'The member forwarder could not put events on the central alert bus after all retries.' },
    },
  };
}
