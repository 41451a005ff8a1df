import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { invalidInput } from '../../private/invalid-input';

/** The most retry attempts EventBridge makes for one event (also its default). */
const MAX_RETRY_ATTEMPTS = 185;
/** How long EventBridge retries an event, in seconds: 1 minute to 24 hours (the default). */
const MIN_EVENT_AGE_SECONDS = 60;
const MAX_EVENT_AGE_SECONDS = 86_400;

/**
 * Throws, naming the rule, unless the retry policy of a rule target is one EventBridge accepts:
 * 0 to 185 attempts, and a maximum event age of whole seconds from 1 minute to 24 hours.
 * Unresolved values are not checked.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_RetryPolicy.html
 */
export function checkTargetRetryPolicy(rule: events.IRuleRef, retryAttempts: number, maxEventAge: Duration): void {
  if (!Token.isUnresolved(retryAttempts)
    && (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > MAX_RETRY_ATTEMPTS)) {
    throw invalidInput(rule,
      `retryAttempts is ${retryAttempts}; EventBridge accepts a whole number from 0 to ${MAX_RETRY_ATTEMPTS}.`,
      `pass a whole number from 0 to ${MAX_RETRY_ATTEMPTS}, or omit retryAttempts to keep the maximum (${MAX_RETRY_ATTEMPTS}).`);
  }
  if (!maxEventAge.isUnresolved()) {
    const seconds = maxEventAge.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < MIN_EVENT_AGE_SECONDS || seconds > MAX_EVENT_AGE_SECONDS) {
      throw invalidInput(rule,
        `maxEventAge is ${maxEventAge.toHumanString()}; EventBridge accepts whole seconds from 1 minute to 24 hours.`,
        'pass a duration from Duration.minutes(1) to Duration.hours(24), or omit maxEventAge to keep the maximum (24 hours).');
    }
  }
}
