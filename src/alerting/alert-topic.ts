import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EncryptedAlertTopic, EncryptedAlertTopicProps } from './encrypted-alert-topic';

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
 * The SNS topic alerts are published to.
 *
 * - `AlertTopic.create()`: a new topic encrypted with its own customer-managed KMS key
 *   (see `EncryptedAlertTopic`).
 * - `AlertTopic.existing(topic)`: a topic you already have.
 */
export abstract class AlertTopic {
  /**
   * Create a new topic encrypted with its own customer-managed KMS key.
   */
  public static create(props: EncryptedAlertTopicProps = {}): AlertTopic {
    return new CreatedTopic(props);
  }

  /**
   * Publish to a topic you already have.
   *
   * It must be a standard (not FIFO) topic in the same account and region as the rule. A topic
   * defined in this CDK app gets the EventBridge publish statement (scoped to the rule) and, if
   * it has a `masterKey` defined in this app, the key statement EventBridge needs. For an
   * imported topic you add both yourself; a warning repeats what they are.
   *
   * @param topic the topic
   */
  public static existing(topic: sns.ITopic): AlertTopic {
    return new ExistingTopic(topic);
  }

  /** Use the static factories. */
  protected constructor() {}

  /**
   * Create or reference the topic.
   *
   * @internal
   */
  public abstract _bind(scope: Construct): AlertTopicBinding;
}

class CreatedTopic extends AlertTopic {
  constructor(private readonly props: EncryptedAlertTopicProps) {
    super();
  }

  public _bind(scope: Construct): AlertTopicBinding {
    const createdTopic = new EncryptedAlertTopic(scope, 'Topic', this.props);
    return { topic: createdTopic.topic, createdTopic };
  }
}

class ExistingTopic extends AlertTopic {
  constructor(private readonly topic: sns.ITopic) {
    super();
  }

  public _bind(_scope: Construct): AlertTopicBinding {
    return { topic: this.topic };
  }
}
