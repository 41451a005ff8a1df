import { Construct } from 'constructs';
import { HardenedTrail, HardenedTrailProps } from './hardened-trail';
import { parseTrailArn } from '../identifiers/arns';

/**
 * What an `AlertTrail` gives the construct that binds it.
 */
interface AlertTrailBinding {
  /** The trail created for the alerts, if one was created. */
  readonly createdTrail?: HardenedTrail;
  /** ARN of the trail the alerts rely on, when known. */
  readonly trailArn?: string;
}

/**
 * What the static factories of `AlertTrail` chose.
 */
type AlertTrailChoice =
  | { readonly kind: 'create'; readonly props: HardenedTrailProps }
  | { readonly kind: 'existing'; readonly trailArn: string }
  | { readonly kind: 'organizationTrail' };

/**
 * Which CloudTrail trail records the IAM API calls the alerts are built from.
 *
 * CloudTrail delivers `AWS API Call via CloudTrail` events to EventBridge only while a trail
 * with management events (write-only or all) exists in the rule's region, us-east-1 for IAM.
 * Choose one:
 *
 * - `AlertTrail.create()`: a new hardened, multi-region trail (see `HardenedTrail`).
 * - `AlertTrail.existing(trailArn)`: a trail you already have.
 * - `AlertTrail.organizationTrail()`: your AWS Organizations trail records this account.
 *
 * @example
 * AlertTrail.existing('arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events');
 */
export class AlertTrail {
  /**
   * Create a new hardened trail for this account.
   *
   * Management events beyond the first copy in an account are charged by CloudTrail; if the
   * account already has a trail with management events, use `existing` instead.
   *
   * @see https://aws.amazon.com/cloudtrail/pricing/
   */
  public static create(props: HardenedTrailProps = {}): AlertTrail {
    return new AlertTrail({ kind: 'create', props });
  }

  /**
   * Rely on a trail that already exists.
   *
   * The trail must record management events (write-only or all) in us-east-1: a multi-region
   * trail, or a trail whose home region is us-east-1, with global service events included.
   *
   * @param trailArn ARN of the trail, `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`
   */
  public static existing(trailArn: string): AlertTrail {
    return new AlertTrail({ kind: 'existing', trailArn });
  }

  /**
   * Rely on the AWS Organizations trail, which records management events in every member account.
   *
   * Nothing is created. The organization trail must be multi-region and include management
   * events; AWS Control Tower's trail does.
   */
  public static organizationTrail(): AlertTrail {
    return new AlertTrail({ kind: 'organizationTrail' });
  }

  /**
   * Use the static factories. Private, so that no jsii language can construct or subclass it.
   */
  private constructor(private readonly choice: AlertTrailChoice) {}

  /**
   * Create or reference the trail.
   *
   * @internal
   */
  public _bind(scope: Construct): AlertTrailBinding {
    const choice = this.choice;
    switch (choice.kind) {
      case 'create': {
        const createdTrail = new HardenedTrail(scope, 'Trail', choice.props);
        return { createdTrail, trailArn: createdTrail.trailArn };
      }
      case 'existing':
        // Throws for anything but a trail ARN; an unresolved token passes.
        parseTrailArn(scope, 'AlertTrail.existing() trailArn', choice.trailArn);
        return { trailArn: choice.trailArn };
      case 'organizationTrail':
        return {};
    }
  }
}
