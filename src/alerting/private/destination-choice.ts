import * as sns from 'aws-cdk-lib/aws-sns';
import type { ChatChannelChoice } from './chat-channels';

/** What a factory of `AlertDestination` chose: exactly one of the fields. */
export interface AlertDestinationChoice {
  readonly email?: string;
  readonly subscription?: sns.ITopicSubscription;
  readonly chat?: ChatChannelChoice;
}
