import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PipelineHealthSettings } from './private/pipeline-health-settings';
import { invalidInput } from '../private/invalid-input';

/**
 * Options of `PipelineHealth.monitor()`.
 */
export interface PipelineHealthOptions {
  /**
   * How often the heartbeat makes its IAM call (5 minutes to 1 hour, whole minutes).
   *
   * The heartbeat alarm goes off after three intervals without a heartbeat, so this sets how soon a
   * silent pipeline is reported (45 minutes by default).
   *
   * @default Duration.minutes(15)
   */
  readonly heartbeatInterval?: Duration;
}

/**
 * Whether the alert pipeline watches itself.
 *
 * - `PipelineHealth.monitor()` (the default): a heartbeat (a harmless IAM call on a schedule,
 *   alarmed when it stops arriving) and tamper alerts on the pipeline's own trail, rules, topics,
 *   keys and bus, sent to the health topic.
 * - `PipelineHealth.off()`: neither; the delivery alarms remain.
 *
 * @example
 * new IamChangeAlerting(stack, 'IamAlerts', {
 *   emails: ['security@example.com'],
 *   pipelineHealth: PipelineHealth.monitor({ heartbeatInterval: Duration.minutes(5) }),
 * });
 */
export class PipelineHealth {
  /**
   * Heartbeat and tamper alerts (the default).
   */
  public static monitor(options: PipelineHealthOptions = {}): PipelineHealth {
    return new PipelineHealth(options);
  }

  /**
   * No heartbeat and no tamper alerts: a stopped trail or a deleted rule then goes unnoticed.
   * Synthesis warns (`cdk-iam-change-alerts:pipelineHealthOff`).
   */
  public static off(): PipelineHealth {
    return new PipelineHealth(undefined);
  }

  /**
   * Use the static factories. Private, so that no jsii language can construct or subclass it.
   *
   * @param options the options of `monitor()`, or undefined for `off()`
   */
  private constructor(private readonly options: PipelineHealthOptions | undefined) {}

  /**
   * The checked settings, or undefined when the pipeline is not monitored.
   *
   * @internal
   */
  public _settings(scope: IConstruct): PipelineHealthSettings | undefined {
    if (this.options === undefined) return undefined;
    const interval = this.options.heartbeatInterval ?? Duration.minutes(15);
    if (!Token.isUnresolved(interval.toString())) {
      const seconds = interval.toSeconds();
      if (seconds % 60 !== 0 || seconds < 300 || seconds > 3600) {
        throw invalidInput(scope,
          `heartbeatInterval is ${interval.toHumanString()}, not a whole number of minutes from 5 minutes to 1 hour.`,
          'give Duration.minutes(5) to Duration.hours(1): shorter intervals cost more calls, longer ones fall outside the 3 hours of data a multi-account heartbeat alarm can read.');
      }
    }
    return { heartbeatInterval: interval };
  }
}
