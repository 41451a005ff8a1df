import { Duration } from 'aws-cdk-lib';

/** What a monitored pipeline is given (the checked options of `PipelineHealth.monitor()`). */
export interface PipelineHealthSettings {
  /** How often the heartbeat call is made. */
  readonly heartbeatInterval: Duration;
}
