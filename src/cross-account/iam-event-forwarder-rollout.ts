import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkRegionList, forwardingRegions, GLOBAL_SIGN_IN_REGIONS } from './forwarded-events';
import { IamEventForwarder } from './iam-event-forwarder';
import { choosePatterns, toForwardedPattern } from './pattern-choice';
import { PipelineHealth } from '../health/pipeline-health';
import { parseEventBusArn } from '../identifiers/arns';
import { partitionOfRegion } from '../identifiers/regions';
import { OrganizationStackSet, StackSetCaller } from '../org-rollout/organization-stack-set';
import { IamEventPattern } from '../patterns/iam-event-pattern';

/** Where and how the forwarders are rolled out to the organization. */
export interface MemberRolloutOptions {
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
   * Whether this stack is deployed in a StackSets delegated administrator account or in the
   * organization's management account.
   *
   * @default StackSetCaller.DELEGATED_ADMIN
   */
  readonly callAs?: StackSetCaller;

  /**
   * The StackSet's name.
   *
   * @default - derived from the construct path
   */
  readonly stackSetName?: string;

  /**
   * Whether an account leaving the units keeps its forwarder.
   *
   * @default false
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * The share of accounts deployed to at once, 1 to 100.
   *
   * @default 100
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The share of accounts that may fail in a region before the operation stops there, 0 to 100.
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;

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
   * The events to forward: the central bus's pattern(s).
   *
   * @default - IamEventPattern.changes(), unless `patterns` is given
   */
  readonly pattern?: IamEventPattern;

  /**
   * Several patterns to forward. Give either `pattern` or `patterns`.
   *
   * @default - only `pattern`
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
    const patterns = choosePatterns(this, props.pattern, props.patterns);
    const bus = parseEventBusArn(this, 'centralBusArn', props.centralBusArn);
    const centralRegion = Stack.of(this).region;
    const partition = bus?.partition ?? (Token.isUnresolved(centralRegion) ? 'aws' : partitionOfRegion(centralRegion));
    checkRegionList(this, 'signInRegions', props.signInRegions ?? [], partition);
    this.regions = forwardingRegions(patterns.map(toForwardedPattern), props.signInRegions ?? GLOBAL_SIGN_IN_REGIONS, partition);

    this.stackSet = new OrganizationStackSet(this, 'StackSet', {
      organizationalUnitIds: props.organizationalUnitIds,
      regions: this.regions,
      stackSetName: props.stackSetName,
      description: 'Forwards IAM events to the central alert bus (cdk-iam-change-alerts IamEventForwarder)',
      callAs: props.callAs,
      retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval,
      maxConcurrentPercentage: props.maxConcurrentPercentage,
      failureTolerancePercentage: props.failureTolerancePercentage,
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
