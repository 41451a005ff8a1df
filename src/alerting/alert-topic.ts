import { Token } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptedAlertTopic, EncryptedAlertTopicProps } from './encrypted-alert-topic';
import { invalidInput } from '../private/invalid-input';

/** The alias of the AWS-managed SNS key, whose key policy no one can change. */
const AWS_MANAGED_SNS_KEY_ALIAS = 'alias/aws/sns';

/**
 * What an `AlertTopic` gives the construct that binds it.
 */
interface AlertTopicBinding {
  /** The topic alerts are published to. */
  readonly topic: sns.ITopic;
  /** The encrypted topic created for the alerts, if one was created. */
  readonly createdTopic?: EncryptedAlertTopic;
}

/**
 * What the static factories of `AlertTopic` chose.
 */
type AlertTopicChoice =
  | { readonly kind: 'create'; readonly props: EncryptedAlertTopicProps }
  | { readonly kind: 'existing'; readonly topic: sns.ITopic };

/**
 * The SNS topic alerts are published to.
 *
 * - `AlertTopic.create()`: a new topic encrypted with its own customer-managed KMS key
 *   (see `EncryptedAlertTopic`).
 * - `AlertTopic.existing(topic)`: a topic you already have.
 */
export class AlertTopic {
  /**
   * Create a new topic encrypted with its own customer-managed KMS key.
   */
  public static create(props: EncryptedAlertTopicProps = {}): AlertTopic {
    return new AlertTopic({ kind: 'create', props });
  }

  /**
   * Publish to a topic you already have.
   *
   * It must be a standard (not FIFO) topic in the same account and region as the rule. A topic
   * defined in this CDK app gets the EventBridge publish statement (scoped to the rule) and, if
   * it has a `masterKey` defined in this app, the key statement EventBridge needs. For an
   * imported topic you add both yourself; a warning repeats what they are.
   *
   * A topic encrypted with the AWS-managed `alias/aws/sns` key is refused: that key's policy
   * cannot let EventBridge or CloudWatch use it, so every delivery would fail silently.
   *
   * @param topic the topic
   */
  public static existing(topic: sns.ITopic): AlertTopic {
    return new AlertTopic({ kind: 'existing', topic });
  }

  /**
   * Use the static factories. Private, so that no jsii language can construct or subclass it.
   */
  private constructor(private readonly choice: AlertTopicChoice) {}

  /**
   * Create or reference the topic; a created topic gets the construct id `id`.
   *
   * @internal
   */
  public _bind(scope: Construct, id = 'Topic'): AlertTopicBinding {
    const choice = this.choice;
    if (choice.kind === 'create') {
      const createdTopic = new EncryptedAlertTopic(scope, id, choice.props);
      return { topic: createdTopic.topic, createdTopic };
    }
    const topic = choice.topic;
    const managedKey = awsManagedSnsKeyOf(topic);
    if (managedKey !== undefined) {
      throw invalidInput(scope,
        `the alert topic ${topic.node.path} is encrypted with the AWS-managed key '${managedKey.value}' (${managedKey.setting}), `
        + 'whose key policy cannot let EventBridge or CloudWatch use it: every alert and alarm notification would fail to be delivered, silently.',
        'encrypt the topic with a customer-managed KMS key (masterKey: new kms.Key(...)), or use AlertTopic.create().');
    }
    return { topic };
  }
}

/**
 * How `topic` names the AWS-managed SNS key, if it does: through its `masterKey` (an alias, or a
 * key imported from the alias ARN), or, for a topic defined in this app, its L1 `kmsMasterKeyId`.
 * Unresolved tokens are never taken for it.
 */
function awsManagedSnsKeyOf(topic: sns.ITopic): { readonly value: string; readonly setting: string } | undefined {
  const key = topic.masterKey;
  if (key !== undefined) {
    const aliasName: unknown = (key as { aliasName?: unknown }).aliasName;
    if (typeof aliasName === 'string' && namesAwsManagedSnsKey(aliasName)) return { value: aliasName, setting: 'masterKey.aliasName' };
    if (namesAwsManagedSnsKey(key.keyArn)) return { value: key.keyArn, setting: 'masterKey.keyArn' };
    if (namesAwsManagedSnsKey(key.keyId)) return { value: key.keyId, setting: 'masterKey.keyId' };
  }
  const resource = topic.node.defaultChild;
  if (sns.CfnTopic.isCfnTopic(resource) && namesAwsManagedSnsKey(resource.kmsMasterKeyId)) {
    return { value: resource.kmsMasterKeyId!, setting: 'KmsMasterKeyId' };
  }
  return undefined;
}

/** Whether `value` is the AWS-managed SNS key's alias or alias ARN. */
function namesAwsManagedSnsKey(value: string | undefined): boolean {
  if (value === undefined || Token.isUnresolved(value)) return false;
  return value === AWS_MANAGED_SNS_KEY_ALIAS || value.endsWith(`:${AWS_MANAGED_SNS_KEY_ALIAS}`);
}
