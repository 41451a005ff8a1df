import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IamEventForwarder } from './iam-event-forwarder';
import { checkRegionList, forwardingRegions, GLOBAL_SIGN_IN_REGIONS } from './private/forwarded-events';
import { choosePatterns, toForwardedPattern } from './private/pattern-choice';
import { PipelineHealth } from '../health/pipeline-health';
import { parseEventBusArn } from '../identifiers/arns';
import { partitionOfRegion } from '../identifiers/regions';
import { deploymentOptionsOf } from '../org-rollout/deployment-options';
import { OrganizationStackSet, StackSetDeploymentOptions } from '../org-rollout/organization-stack-set';
import { IamEventPattern } from '../patterns/iam-event-pattern';

/** Where and how the forwarders are rolled out to the organization. */
export interface MemberRolloutOptions extends StackSetDeploymentOptions {
  /**
   * The organizational units whose accounts get a forwarder: `ou-xxxx-yyyyyyyy`, or the root
   * `r-xxxx` for the whole organization. Accounts created in, or moved into, them later get
   * one too. The management account never does (StackSets does not deploy there).
   */
  readonly organizationalUnitIds: string[];

  /**
   * The regions that record console sign-in events, used when a pattern includes them.
   *
   * @default - us-east-1, us-east-2, eu-north-1 and ap-southeast-2
   */
  readonly signInRegions?: string[];

  /**
   * How many times each forwarder retries putting an event on the central bus, 0 to 185.
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long each forwarder keeps retrying, 1 minute to 24 hours.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/** Properties of an {@link IamEventForwarderRollout}. */
export interface IamEventForwarderRolloutProps extends MemberRolloutOptions {
  /** ARN of the central bus the forwarders forward to. */
  readonly centralBusArn: string;

  /**
   * The events to forward: the central bus's patterns; at least one.
   *
   * @default [IamEventPattern.changes()]
   */
  readonly patterns?: IamEventPattern[];

  /**
   * Whether each forwarder reports its health to the central bus (see
   * `IamEventForwarderProps.pipelineHealth`); give the central bus the same setting.
   *
   * @default PipelineHealth.monitor()
   */
  readonly pipelineHealth?: PipelineHealth;
}

/**
 * Deploys an `IamEventForwarder` to every account of some organizational units, including
 * accounts created there later, in every region the patterns need (us-east-1, plus the sign-in
 * regions for sign-in patterns): an `OrganizationStackSet` (service-managed permissions,
 * automatic deployment) whose member template holds the forwarder and receives the central bus
 * ARN as a StackSet parameter.
 *
 * `CrossAccountAlertBus` makes one with its `memberRollout` property; use this construct
 * directly when the bus is defined elsewhere.
 */
export class IamEventForwarderRollout extends Construct {
  /** The StackSet and its member stack. */
  public readonly stackSet: OrganizationStackSet;

  /** The forwarder in the member stack. */
  public readonly forwarder: IamEventForwarder;

  /** The regions the StackSet deploys to. */
  public readonly regions: string[];

  constructor(scope: Construct, id: string, props: IamEventForwarderRolloutProps) {
    super(scope, id);
    const patterns = choosePatterns(this, props);
    const bus = parseEventBusArn(this, 'centralBusArn', props.centralBusArn);
    const centralRegion = Stack.of(this).region;
    const partition = bus?.partition ?? (Token.isUnresolved(centralRegion) ? 'aws' : partitionOfRegion(centralRegion));
    checkRegionList(this, 'signInRegions', props.signInRegions ?? [], partition);
    this.regions = forwardingRegions(patterns.map(toForwardedPattern), props.signInRegions ?? GLOBAL_SIGN_IN_REGIONS, partition);

    this.stackSet = new OrganizationStackSet(this, 'StackSet', {
      organizationalUnitIds: props.organizationalUnitIds,
      regions: this.regions,
      description: 'Forwards IAM events to the central alert bus (cdk-iam-change-alerts IamEventForwarder)',
      ...deploymentOptionsOf(props),
    });
    this.forwarder = new IamEventForwarder(this.stackSet.memberStack, 'Forwarder', {
      centralBusArn: this.stackSet.passValue('CentralBusArn', props.centralBusArn),
      patterns,
      signInRegions: props.signInRegions,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      pipelineHealth: props.pipelineHealth,
    });
  }
}
