import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, App, BootstraplessSynthesizer, CfnParameter, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct, IConstruct } from 'constructs';
import { ORGANIZATIONAL_UNIT_OR_ROOT_ID } from '../identifiers/organizations';
import { REGION_NAME } from '../identifiers/regions';
import { invalidInput } from '../private/invalid-input';

/** Who calls StackSets for the organization. */
export enum StackSetCaller {
  /** The stack is deployed in an account registered as a StackSets delegated administrator. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
  /** The stack is deployed in the organization's management account. */
  SELF = 'SELF',
}

/**
 * How a service-managed StackSet is created and deployed: the options `OrganizationStackSet`,
 * `IamEventForwarderRollout` (and `CrossAccountAlertBus.memberRollout`) and
 * `AccessAnalyzerServiceRoleRollout` (and `OrgTrailAnalyzerAccess.memberRollout`) share.
 */
export interface StackSetDeploymentOptions {
  /**
   * Whether the stack holding the StackSet is deployed in an account registered as a StackSets
   * delegated administrator or in the organization's management account. A service-managed
   * StackSet can be created from no other account.
   *
   * @default StackSetCaller.DELEGATED_ADMIN
   */
  readonly callAs?: StackSetCaller;

  /**
   * The StackSet's name: a letter, then letters, digits and hyphens, at most 128 characters.
   *
   * @default - derived from the construct path
   */
  readonly stackSetName?: string;

  /**
   * Whether an account leaving the organizational units keeps its member stack (and so what the
   * stack holds, such as a forwarder or a service role).
   *
   * @default false - the member stack is deleted when its account leaves the units
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * The share of the target accounts StackSets deploys to at once, a whole number from 1 to 100.
   * CloudFormation rounds the number of accounts down, but to no fewer than one. Like
   * `failureTolerancePercentage`, it applies to the StackSet's own operations (when the central
   * stack creates or updates it), not to the automatic deployments to accounts that join the
   * units later.
   *
   * @default 100
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The share of the target accounts that may fail in a region before StackSets stops the
   * operation in that region, a whole number from 0 to 100. CloudFormation rounds the number of
   * accounts down: with fewer than ten accounts, 10 lets none fail.
   *
   * @default 10
   */
  readonly failureTolerancePercentage?: number;
}

/** Properties of an {@link OrganizationStackSet}. */
export interface OrganizationStackSetProps extends StackSetDeploymentOptions {
  /**
   * The organizational units whose accounts get the member stack: `ou-xxxx-yyyyyyyy`, or the
   * root `r-xxxx` for every account of the organization. Accounts created in, or moved into,
   * these units later get it too.
   */
  readonly organizationalUnitIds: string[];

  /** The regions each account gets the member stack in. */
  readonly regions: string[];

  /**
   * What the stack set is for, shown in the StackSets console.
   *
   * @default - no description
   */
  readonly description?: string;
}

const STACK_SET_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,127}$/;
const PARAMETER_NAME = /^[a-zA-Z0-9]{1,255}$/;

/** CloudFormation's limit on a template passed inline (`TemplateBody`), in bytes. */
export const TEMPLATE_BODY_LIMIT = 51_200;

const IAM_TYPES_AND_NAME_PROPERTIES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': '',
};

/**
 * Deploys a member stack, from the central app, to every account of some organizational units and
 * regions, accounts added later included: one service-managed CloudFormation StackSet, auto-deployed.
 *
 * Build the member side in `memberStack` and pass central values with `passValue` (as StackSet
 * parameters). The template goes inline, so member stacks cannot have assets. A service-managed
 * StackSet never deploys to the organization's management account: use an ordinary stack there.
 *
 * @example
 * declare const stack: Stack;
 * declare const bus: CrossAccountAlertBus;
 * const rollout = new OrganizationStackSet(stack, 'Rollout', { organizationalUnitIds: ['ou-ab12-cdef3456'], regions: ['us-east-1'] });
 * new IamEventForwarder(rollout.memberStack, 'Forward', { centralBusArn: rollout.passValue('CentralBusArn', bus.eventBusArn) });
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export class OrganizationStackSet extends Construct {
  /** The stack every member account gets. Add the member-side constructs to it. */
  public readonly memberStack: Stack;

  /** The StackSet resource. */
  public readonly stackSet: cloudformation.CfnStackSet;

  private readonly memberApp: App;
  private readonly parameters: cloudformation.CfnStackSet.ParameterProperty[] = [];
  private template?: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: OrganizationStackSetProps) {
    super(scope, id);

    checkList(this, 'organizationalUnitIds', props.organizationalUnitIds, ORGANIZATIONAL_UNIT_OR_ROOT_ID,
      'write organizational unit ids as ou-<root part>-<unit part> (or the root as r-<id>), as `aws organizations list-organizational-units-for-parent` prints them.');
    checkList(this, 'regions', props.regions, REGION_NAME, 'write region names such as us-east-1.');
    if (props.stackSetName !== undefined && !Token.isUnresolved(props.stackSetName) && !STACK_SET_NAME.test(props.stackSetName)) {
      throw invalidInput(this, `stackSetName '${props.stackSetName}' is not a valid StackSet name.`,
        'start with a letter and use only letters, digits and hyphens, at most 128 characters.');
    }
    checkPercentage(this, 'maxConcurrentPercentage', props.maxConcurrentPercentage, 1);
    checkPercentage(this, 'failureTolerancePercentage', props.failureTolerancePercentage, 0);

    // An outdir of its own: without one, under the CDK CLI the detached app would write into
    // CDK_OUTDIR, the central app's cloud assembly.
    this.memberApp = new App({
      outdir: path.join(os.tmpdir(), `organization-stack-set-${randomUUID()}`),
      autoSynth: false,
      analyticsReporting: false,
    });
    this.memberStack = new Stack(this.memberApp, 'Member', {
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      description: props.description,
    });

    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-', allowedSpecialCharacters: '-' }),
      description: props.description,
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCaller.DELEGATED_ADMIN,
      autoDeployment: {
        enabled: true,
        retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false,
      },
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        concurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 100,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 10,
      },
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds },
        regions: props.regions,
      }],
      parameters: Lazy.any({ produce: () => this.parameters.length > 0 ? this.parameters : undefined }),
      capabilities: Lazy.list({ produce: () => this.capabilities() }, { omitEmpty: true }),
      templateBody: Lazy.string({ produce: () => this.templateBody() }),
    });

    Annotations.of(this).addWarningV2('cdk-iam-change-alerts:managementAccountNotCovered',
      "A service-managed StackSet never deploys to the organization's management account, even when the root or the "
      + "management account's unit is a target: that account gets no member stack. Deploy the member stack's constructs "
      + 'there directly, in a stack of their own deployed in the management account (for example an IamEventForwarder, '
      + 'or an AccessAnalyzerServiceRole), or acknowledge this warning if the management account needs none.');
  }

  /**
   * Passes a value of the central app (a token such as a bus ARN, or a plain string) to the
   * member stack, as a StackSet parameter.
   *
   * @param name the parameter's name in the member template: letters and digits
   * @param value the value, resolved in the central stack
   * @returns the value to use in `memberStack`
   */
  public passValue(name: string, value: string): string {
    if (!PARAMETER_NAME.test(name)) {
      throw invalidInput(this, `parameter name '${name}' is not valid.`, 'use letters and digits only.');
    }
    if (this.parameters.some(p => p.parameterKey === name)) {
      throw invalidInput(this, `parameter '${name}' is passed twice.`, 'pass each value once and reuse the returned string.');
    }
    const parameter = new CfnParameter(this.memberStack, name, { type: 'String' });
    this.parameters.push({ parameterKey: name, parameterValue: value });
    return parameter.valueAsString;
  }

  /** The member template, synthesized once (on first use) into a temporary directory that is removed afterwards. */
  public memberTemplate(): Record<string, unknown> {
    if (this.template === undefined) {
      try {
        const assembly = this.memberApp.synth({ validateOnSynthesis: true });
        this.template = assembly.getStackArtifact(this.memberStack.artifactId).template as Record<string, unknown>;
      } finally {
        fs.rmSync(this.memberApp.outdir, { recursive: true, force: true });
      }
    }
    return this.template!;
  }

  private templateBody(): string {
    const body = JSON.stringify(this.memberTemplate());
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > TEMPLATE_BODY_LIMIT) {
      throw invalidInput(this, `the member template is ${bytes} bytes; a StackSet takes at most ${TEMPLATE_BODY_LIMIT} bytes inline.`,
        'move resources out of the member stack (it should hold only what every account needs).');
    }
    return body;
  }

  private capabilities(): string[] {
    const resources = (this.memberTemplate().Resources ?? {}) as Record<string, { Type: string; Properties?: Record<string, unknown> }>;
    let iamResources = false;
    let namedIamResources = false;
    for (const resource of Object.values(resources)) {
      const nameProperty = IAM_TYPES_AND_NAME_PROPERTIES[resource.Type];
      if (nameProperty === undefined) continue;
      iamResources = true;
      if (nameProperty !== '' && resource.Properties?.[nameProperty] !== undefined) namedIamResources = true;
    }
    if (namedIamResources) return ['CAPABILITY_NAMED_IAM'];
    return iamResources ? ['CAPABILITY_IAM'] : [];
  }
}

function checkList(scope: IConstruct, what: string, values: string[], shape: RegExp, fix: string): void {
  if (values.length === 0) {
    throw invalidInput(scope, `${what} is empty.`, `give at least one: ${fix}`);
  }
  const seen = new Set<string>();
  for (const value of values) {
    if (Token.isUnresolved(value)) continue;
    if (!shape.test(value)) {
      throw invalidInput(scope, `${what} entry '${value}' is not valid.`, fix);
    }
    if (seen.has(value)) {
      throw invalidInput(scope, `${what} lists '${value}' twice.`, 'list each once.');
    }
    seen.add(value);
  }
}

function checkPercentage(scope: IConstruct, what: string, value: number | undefined, min: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > 100) {
    throw invalidInput(scope, `${what} is ${value}.`, `give a whole number from ${min} to 100.`);
  }
}
