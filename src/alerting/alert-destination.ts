import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  checkMicrosoftTeamsChannel, checkSlackChannel, existingMicrosoftTeamsChannel, existingSlackChannel, newMicrosoftTeamsChannel, newSlackChannel,
} from './private/chat-channels';
import { AlertDestinationChoice } from './private/destination-choice';
import { checkEmailAddress } from './private/email-addresses';

/**
 * A Slack channel that receives the alerts, through Amazon Q Developer in chat applications.
 */
export interface SlackChannelDestinationProps {
  /**
   * The ID of the Slack workspace, as the Amazon Q Developer in chat applications console shows it
   * once the workspace is authorized there (for example `T0123ABCDE`).
   *
   * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/slack-setup.html
   */
  readonly workspaceId: string;

  /**
   * The ID of the channel (for example `C0123ABCDEF`): in Slack, the end of the channel's link,
   * or the bottom of its details. Invite the Amazon Q app to a private channel first.
   */
  readonly channelId: string;

  /**
   * The name of the channel configuration (letters, digits, `-` and `_`, at most 128 characters).
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly configurationName?: string;
}

/**
 * A Microsoft Teams channel that receives the alerts, through Amazon Q Developer in chat applications.
 */
export interface MicrosoftTeamsChannelDestinationProps {
  /**
   * The ID of the Microsoft Entra tenant (a GUID), as the Amazon Q Developer in chat applications
   * console shows it once the team is authorized there.
   *
   * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/teams-setup.html
   */
  readonly tenantId: string;

  /** The ID of the team (a GUID), from the same console page. */
  readonly teamId: string;

  /**
   * The ID of the channel as it appears in the channel's link, URL-encoded
   * (for example `19%3Aab12cd34ef56%40thread.tacv2`).
   */
  readonly channelId: string;

  /**
   * The name of the channel configuration (letters, digits, `-` and `_`, at most 128 characters).
   *
   * @default - a name unique in the app, derived from the construct path
   */
  readonly configurationName?: string;
}

/**
 * Where alerts, and the pipeline's own alarms and tamper alerts, go: pass a list as `destinations`.
 *
 * Email and SNS subscriptions receive the alert text; Slack and Microsoft Teams channels receive
 * the same facts as a chat notification, through topics of their own. See the README,
 * "Slack and Microsoft Teams".
 *
 * @example
 * new IamChangeAlerting(stack, 'IamAlerts', {
 *   emails: ['security@example.com'],
 *   destinations: [AlertDestination.slackChannel({ workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDEF' })],
 * });
 */
export class AlertDestination {
  /**
   * An email address: the same as listing it in `emails`.
   *
   * @param address for example `security@example.com`
   */
  public static email(address: string): AlertDestination {
    checkEmailAddress('AlertDestination.email', address, 'the address');
    return new AlertDestination({ email: address });
  }

  /**
   * Any SNS subscription (an SQS queue, a Lambda function, an HTTPS endpoint, ...), subscribed to
   * the alert topic and to the health topic.
   *
   * @param subscription for example `new subscriptions.SqsSubscription(queue)`
   */
  public static subscription(subscription: sns.ITopicSubscription): AlertDestination {
    return new AlertDestination({ subscription });
  }

  /**
   * A Slack channel: a channel configuration of Amazon Q Developer in chat applications is created
   * for it, with a role that has no permissions and the `AWSDenyAll` guardrail (it only posts).
   *
   * @param props the workspace and channel
   */
  public static slackChannel(props: SlackChannelDestinationProps): AlertDestination {
    checkSlackChannel('AlertDestination.slackChannel', props);
    return new AlertDestination({ chat: newSlackChannel(props) });
  }

  /**
   * A Microsoft Teams channel: a channel configuration is created for it, as for `slackChannel`.
   *
   * @param props the tenant, team and channel
   */
  public static microsoftTeamsChannel(props: MicrosoftTeamsChannelDestinationProps): AlertDestination {
    checkMicrosoftTeamsChannel('AlertDestination.microsoftTeamsChannel', props);
    return new AlertDestination({ chat: newMicrosoftTeamsChannel(props) });
  }

  /**
   * A Slack channel configuration defined in this CDK app: the chat topics are added to it; its
   * role and guardrails stay as you made them.
   *
   * @param configuration the channel configuration
   */
  public static slackChannelConfiguration(configuration: chatbot.SlackChannelConfiguration): AlertDestination {
    return new AlertDestination({ chat: existingSlackChannel(configuration) });
  }

  /**
   * A Microsoft Teams channel configuration defined in this CDK app (the L1 resource): the chat
   * topics are added to its `snsTopicArns`.
   *
   * @param configuration the channel configuration
   */
  public static microsoftTeamsChannelConfiguration(configuration: chatbot.CfnMicrosoftTeamsChannelConfiguration): AlertDestination {
    return new AlertDestination({ chat: existingMicrosoftTeamsChannel(configuration) });
  }

  /**
   * Use the static factories. Private, so that no jsii language can construct or subclass it.
   */
  private constructor(private readonly choice: AlertDestinationChoice) {}

  /**
   * What this destination is, for the construct that binds it.
   *
   * @internal
   */
  public _choice(): AlertDestinationChoice {
    return this.choice;
  }
}
