import { Token } from 'aws-cdk-lib';
import { SERVICE_ROLE_NAME_PREFIX, SERVICE_ROLE_PATH } from './policy-generation-statements';
import { IamPrincipalArnParts, parseIamPrincipalArn, parseTrailArn, TrailArnParts } from '../identifiers/arns';
import { checkRegion, checkRegionPartition } from '../identifiers/regions';
import { invalidInput } from '../private/invalid-input';

const WHERE = 'StartPolicyGenerationRequest';
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What to analyse, besides the principal: see `StartPolicyGenerationRequest.forPrincipal`.
 */
export interface StartPolicyGenerationRequestOptions {
  /**
   * ARN of the trail whose logs are analysed, usually the organization trail
   * (`arn:<partition>:cloudtrail:<home region>:<account>:trail/<name>`).
   */
  readonly trailArn: string;

  /**
   * ARN of the service role IAM Access Analyzer assumes to read the trail, in the principal's account
   * (`AccessAnalyzerServiceRole.roleArn`).
   *
   * When the trail belongs to another account (an organization trail), the documented bucket policy
   * admits only roles at `/service-role/AccessAnalyzerMonitorServiceRole*`, so the ARN must name one.
   */
  readonly accessRoleArn: string;

  /**
   * Start of the period whose CloudTrail events are analysed (`startTime`).
   *
   * In Python pass a timezone-aware `datetime` (a naive one is read as local time).
   */
  readonly startTime: Date;

  /**
   * End of the period (`endTime`): at most 90 days after `startTime`.
   *
   * @default - the time Access Analyzer receives the request; `startTime` must then be at most 90 days ago
   */
  readonly endTime?: Date;

  /**
   * Regions whose logs are analysed (`regions`), for example `['us-east-1', 'eu-west-1']`.
   *
   * Events of IAM and other global services are logged in us-east-1: include it.
   *
   * @default - all regions (`allRegions: true`)
   */
  readonly regions?: string[];

  /**
   * Idempotency token (`clientToken`): retrying with the same token does not start a second generation.
   *
   * @default - none (the AWS SDKs and the CLI generate one)
   */
  readonly clientToken?: string;
}

/** `policyGenerationDetails` of a StartPolicyGeneration request. */
export interface PolicyGenerationDetails {
  /** ARN of the IAM role or user to generate a policy for. */
  readonly principalArn: string;
}

/** One entry of `cloudTrailDetails.trails`. */
export interface PolicyGenerationTrail {
  /** ARN of the trail. */
  readonly cloudTrailArn: string;

  /**
   * Regions whose logs are analysed.
   *
   * @default - absent when `allRegions` is true
   */
  readonly regions?: string[];

  /**
   * Whether the logs of all regions are analysed.
   *
   * @default - absent when `regions` is given
   */
  readonly allRegions?: boolean;
}

/** `cloudTrailDetails` of a StartPolicyGeneration request. */
export interface PolicyGenerationCloudTrailDetails {
  /** ARN of the service role Access Analyzer assumes to read the trail. */
  readonly accessRole: string;

  /** Start of the analysed period. */
  readonly startTime: Date;

  /**
   * End of the analysed period.
   *
   * @default - absent: the time the request is received
   */
  readonly endTime?: Date;

  /** The trails to analyse (one). */
  readonly trails: PolicyGenerationTrail[];
}

/**
 * The input of `StartPolicyGeneration`, in the shape of the AWS SDK for JavaScript v3
 * (`new StartPolicyGenerationCommand(input)` of `@aws-sdk/client-accessanalyzer`).
 */
export interface StartPolicyGenerationInput {
  /** Which principal to generate a policy for. */
  readonly policyGenerationDetails: PolicyGenerationDetails;

  /** Which trail and period to analyse, and with which role. */
  readonly cloudTrailDetails: PolicyGenerationCloudTrailDetails;

  /**
   * Idempotency token.
   *
   * @default - absent
   */
  readonly clientToken?: string;
}

/**
 * A checked request to IAM Access Analyzer to generate a policy for one role or user from its CloudTrail activity.
 *
 * `toCliInputJson()` is the input of `aws accessanalyzer start-policy-generation --cli-input-json` (and
 * of boto3), `toSdkInput()` that of the AWS SDK for JavaScript v3. ARNs, partitions and the period (at
 * most 90 days) are checked here; Access Analyzer's quotas (one generation at a time, 50 a day) are not.
 *
 * @example
 * const request = StartPolicyGenerationRequest.forPrincipal('arn:aws:iam::444455556666:role/app', {
 *   trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
 *   accessRoleArn: 'arn:aws:iam::444455556666:role/service-role/AccessAnalyzerMonitorServiceRole',
 *   startTime: new Date('2024-03-01T00:00:00Z'), endTime: new Date('2024-04-01T00:00:00Z'),
 * });
 * fs.writeFileSync('request.json', request.toCliInputJson()); // --cli-input-json "$(cat request.json)"
 *
 * @see https://docs.aws.amazon.com/access-analyzer/latest/APIReference/API_StartPolicyGeneration.html
 */
export class StartPolicyGenerationRequest {
  /** The longest period one generation can analyse, in days. */
  public static readonly MAX_PERIOD_DAYS = 90;

  /**
   * A request to generate a policy for `principalArn`, the ARN of an IAM role or user
   * (`arn:<partition>:iam::<account>:role/<path/name>` or `...:user/<path/name>`).
   *
   * Throws, naming the value and the fix, for anything Access Analyzer would reject or could not
   * analyse. Unresolved CDK tokens are not checked.
   */
  public static forPrincipal(principalArn: string, options: StartPolicyGenerationRequestOptions): StartPolicyGenerationRequest {
    return new StartPolicyGenerationRequest(principalArn, options);
  }

  /** ARN of the role or user to generate a policy for. */
  public readonly principalArn: string;

  /** ARN of the analysed trail. */
  public readonly trailArn: string;

  /** ARN of the service role Access Analyzer assumes. */
  public readonly accessRoleArn: string;

  /** Start of the analysed period. */
  public readonly startTime: Date;

  /**
   * End of the analysed period.
   *
   * @default - the time the request is received
   */
  public readonly endTime?: Date;

  /**
   * Regions analysed.
   *
   * @default - all regions
   */
  public readonly regions?: string[];

  /**
   * Idempotency token.
   *
   * @default - none
   */
  public readonly clientToken?: string;

  private constructor(principalArn: string, options: StartPolicyGenerationRequestOptions) {
    const principal = parseIamPrincipalArn(WHERE, 'principalArn', principalArn, false);
    const accessRole = parseIamPrincipalArn(WHERE, 'accessRoleArn', options.accessRoleArn, true);
    const trail = parseTrailArn(WHERE, 'trailArn', options.trailArn);
    checkPrincipals(principalArn, principal, options.accessRoleArn, accessRole, options.trailArn, trail);
    checkPeriod(options.startTime, options.endTime);
    if (options.regions !== undefined) {
      checkRegions(options.regions, options.trailArn, trail);
    }
    if (options.clientToken !== undefined && !Token.isUnresolved(options.clientToken) && options.clientToken.length === 0) {
      throw invalidInput(WHERE, 'clientToken is the empty string.', 'leave clientToken out, or pass a unique string per generation.');
    }

    this.principalArn = principalArn;
    this.trailArn = options.trailArn;
    this.accessRoleArn = options.accessRoleArn;
    this.startTime = options.startTime;
    this.endTime = options.endTime;
    this.regions = options.regions === undefined ? undefined : [...options.regions];
    this.clientToken = options.clientToken;
  }

  /** The request as the input of the AWS SDK for JavaScript v3 (`StartPolicyGenerationCommand`). */
  public toSdkInput(): StartPolicyGenerationInput {
    const trail: PolicyGenerationTrail = this.regions === undefined
      ? { cloudTrailArn: this.trailArn, allRegions: true }
      : { cloudTrailArn: this.trailArn, regions: [...this.regions] };
    return {
      policyGenerationDetails: { principalArn: this.principalArn },
      cloudTrailDetails: {
        accessRole: this.accessRoleArn,
        startTime: this.startTime,
        ...(this.endTime === undefined ? {} : { endTime: this.endTime }),
        trails: [trail],
      },
      ...(this.clientToken === undefined ? {} : { clientToken: this.clientToken }),
    };
  }

  /**
   * The request as JSON for `aws accessanalyzer start-policy-generation --cli-input-json`, times in
   * ISO 8601 (UTC).
   *
   * Throws if a value is an unresolved CDK token: the CLI needs literal values.
   */
  public toCliInputJson(): string {
    const unresolved = [this.principalArn, this.trailArn, this.accessRoleArn, ...(this.regions ?? []), this.clientToken ?? '']
      .filter(value => Token.isUnresolved(value));
    if (unresolved.length > 0) {
      throw invalidInput(WHERE, `the request holds unresolved CDK tokens (${unresolved.join(', ')}), which the CLI cannot read.`,
        'build the request from literal ARNs (for example the CloudFormation outputs of the deployed stacks).');
    }
    return JSON.stringify(this.toSdkInput(), undefined, 2);
  }
}

function checkPrincipals(
  principalArn: string, principal: IamPrincipalArnParts | undefined,
  accessRoleArn: string, accessRole: IamPrincipalArnParts | undefined,
  trailArn: string, trail: TrailArnParts | undefined,
): void {
  if (principal && accessRole) {
    if (principal.partition !== accessRole.partition) {
      throw invalidInput(WHERE, `principalArn '${principalArn}' is in partition '${principal.partition}' and accessRoleArn '${accessRoleArn}' in '${accessRole.partition}'.`,
        'use a service role of the principal\'s own account.');
    }
    if (principal.account !== accessRole.account) {
      throw invalidInput(WHERE, `accessRoleArn '${accessRoleArn}' is in account ${accessRole.account}, but principalArn '${principalArn}' is in account ${principal.account}.`,
        `use the Access Analyzer service role of account ${principal.account}: Access Analyzer reads the logs of the access role's account, so another account's role finds none of this principal's activity.`);
    }
  }
  const anchor = principal ?? accessRole;
  if (anchor && trail && anchor.partition !== trail.partition) {
    throw invalidInput(WHERE, `trailArn '${trailArn}' is in partition '${trail.partition}', but the principal is in '${anchor.partition}'.`,
      `use a trail of partition '${anchor.partition}': Access Analyzer cannot read logs across partitions.`);
  }
  if (accessRole && trail && trail.account !== accessRole.account) {
    const admitted = accessRole.path === SERVICE_ROLE_PATH && accessRole.name.startsWith(SERVICE_ROLE_NAME_PREFIX);
    if (!admitted) {
      throw invalidInput(WHERE,
        `accessRoleArn '${accessRoleArn}' reads a trail of account ${trail.account}, but the bucket policy for cross-account policy generation admits only roles at ${SERVICE_ROLE_PATH}${SERVICE_ROLE_NAME_PREFIX}*.`,
        `use an AccessAnalyzerServiceRole (arn:${accessRole.partition}:iam::${accessRole.account}:role${SERVICE_ROLE_PATH}${SERVICE_ROLE_NAME_PREFIX}...).`);
    }
  }
}

function checkPeriod(startTime: Date, endTime: Date | undefined): void {
  checkDate('startTime', startTime);
  if (endTime !== undefined) {
    checkDate('endTime', endTime);
  }
  const end = endTime ?? new Date();
  const endName = endTime === undefined ? 'now (endTime was left out)' : `endTime ${endTime.toISOString()}`;
  if (startTime.getTime() >= end.getTime()) {
    throw invalidInput(WHERE, `startTime ${startTime.toISOString()} is not before ${endName}.`,
      'pass a startTime earlier than the end of the period.');
  }
  const days = (end.getTime() - startTime.getTime()) / DAY_MS;
  if (days > StartPolicyGenerationRequest.MAX_PERIOD_DAYS) {
    const earliest = new Date(end.getTime() - StartPolicyGenerationRequest.MAX_PERIOD_DAYS * DAY_MS);
    throw invalidInput(WHERE,
      `the period from startTime ${startTime.toISOString()} to ${endName} is ${days.toFixed(1)} days; Access Analyzer analyses at most ${StartPolicyGenerationRequest.MAX_PERIOD_DAYS}.`,
      `start at ${earliest.toISOString()} or later, or split the period into several generations.`);
  }
}

function checkDate(what: string, value: Date): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw invalidInput(WHERE, `${what} is not a valid date (${String(value)}).`,
      'pass a date, for example new Date(\'2024-03-01T00:00:00Z\') (Python: datetime(2024, 3, 1, tzinfo=timezone.utc)).');
  }
}

function checkRegions(regions: string[], trailArn: string, trail: TrailArnParts | undefined): void {
  if (regions.length === 0) {
    throw invalidInput(WHERE, 'regions is an empty list.', 'leave regions out to analyse all regions, or name at least one.');
  }
  const seen = new Set<string>();
  for (const region of regions) {
    checkRegion(WHERE, 'regions entry', region);
    if (Token.isUnresolved(region)) continue;
    if (seen.has(region)) {
      throw invalidInput(WHERE, `regions lists '${region}' twice.`, 'list each region once.');
    }
    seen.add(region);
    if (trail) {
      checkRegionPartition(WHERE, 'regions entry', region, trail.partition, `trailArn '${trailArn}'`, 'a trail records the regions of its own partition only');
    }
  }
}
