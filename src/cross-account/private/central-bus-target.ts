import { CfnCondition, Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { addConditionalQueueStatement } from './conditional-queue-statements';
import { deadLetterQueueStatement } from '../../alerting/private/dead-letter-queue-statement';
import { checkTargetRetryPolicy } from '../../alerting/private/target-retry-policy';

/** Options of the central bus target. */
export interface CentralBusTargetOptions {
  /** ARN of the central bus. */
  readonly busArn: string;
  /** Role EventBridge assumes to put events on the bus, or undefined for a bus in the rule's account and region. */
  readonly role?: iam.IRole;
  /** Queue for events that could not be delivered. */
  readonly deadLetterQueue: sqs.Queue;
  /**
   * The CloudFormation condition the rule exists under (an environment-agnostic stack), or
   * undefined for a rule that always exists. The queue's statement for the rule gets the same
   * condition: where the rule is not created, a reference to it would fail the stack.
   */
  readonly ruleCondition?: CfnCondition;
  /** Retry attempts, 0 to 185. */
  readonly retryAttempts: number;
  /** How long to retry, 1 minute to 24 hours. */
  readonly maxEventAge: Duration;
}

/**
 * A rule target that puts the matched event, unchanged, on the central bus.
 *
 * In place of aws-cdk-lib's `targets.EventBus`, which always creates a role and has no retry
 * policy (aws-cdk#28735): this one takes the role from the caller (none for a bus in the same
 * account and region), writes the retry policy, and lets only its own rule send to the
 * dead-letter queue (`aws:SourceArn`). No `input`: EventBridge refuses input transformation on
 * event bus targets, so the readable message is built by the rule on the central bus.
 */
export class CentralBusTarget implements events.IRuleTarget {
  constructor(private readonly options: CentralBusTargetOptions) {}

  public bind(rule: events.IRuleRef, _id?: string): events.RuleTargetConfig {
    const { retryAttempts, maxEventAge } = this.options;
    checkTargetRetryPolicy(rule, retryAttempts, maxEventAge);

    const allowSend = deadLetterQueueStatement(rule, this.options.deadLetterQueue);
    if (this.options.ruleCondition) {
      addConditionalQueueStatement(this.options.deadLetterQueue, this.options.ruleCondition, allowSend);
    } else {
      this.options.deadLetterQueue.addToResourcePolicy(allowSend);
    }

    return {
      arn: this.options.busArn,
      role: this.options.role,
      deadLetterConfig: { arn: this.options.deadLetterQueue.queueArn },
      retryPolicy: {
        maximumRetryAttempts: retryAttempts,
        maximumEventAgeInSeconds: maxEventAge.toSeconds({ integral: true }),
      },
    };
  }
}
