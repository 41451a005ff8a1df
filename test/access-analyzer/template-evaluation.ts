/**
 * Evaluates the CloudFormation intrinsic functions CDK writes into policies (`Ref`, `Fn::GetAtt`,
 * `Fn::Join`, `Fn::Select`, `Fn::Split`) the way CloudFormation does at deployment, so a
 * synthesized statement can be compared with the literal one in the AWS documentation and fed
 * to a policy simulator. Anything it does not know (an unlisted resource, `Fn::Sub`) throws: a
 * test must not pass by ignoring part of a template.
 */

/** What the intrinsics resolve to. */
export interface DeploymentValues {
  /** Values of `Ref`: pseudo parameters (`AWS::Partition`, ...), parameters and resources. */
  readonly refs: Record<string, string>;
  /** Values of `Fn::GetAtt`, keyed `LogicalId.Attribute`. */
  readonly attributes?: Record<string, string>;
}

/** The pseudo parameters of an account in the `aws` partition. */
export function awsPartitionValues(account: string, region: string, more: Partial<DeploymentValues> = {}): DeploymentValues {
  return {
    refs: {
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::AccountId': account,
      'AWS::Region': region,
      ...more.refs,
    },
    attributes: more.attributes,
  };
}

/** Replaces every intrinsic function in `value` by what CloudFormation would put there. */
export function evaluate(value: unknown, values: DeploymentValues): unknown {
  if (Array.isArray(value)) {
    return value.map(item => evaluate(item, values));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [key, argument] = entries[0];
    switch (key) {
      case 'Ref': {
        const resolved = values.refs[argument as string];
        if (resolved === undefined) throw new Error(`no value for Ref ${String(argument)}`);
        return resolved;
      }
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = argument as [string, string];
        const resolved = values.attributes?.[`${logicalId}.${attribute}`];
        if (resolved === undefined) throw new Error(`no value for Fn::GetAtt ${logicalId}.${attribute}`);
        return resolved;
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return (evaluate(parts, values) as unknown[]).map(part => asString(part, key)).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = argument as [number | string, unknown];
        const items = evaluate(list, values) as unknown[];
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [separator, source] = argument as [string, unknown];
        return asString(evaluate(source, values), key).split(separator);
      }
      default:
        if (key.startsWith('Fn::')) throw new Error(`cannot evaluate ${key}`);
    }
  }
  return Object.fromEntries(entries.map(([key, item]) => [key, evaluate(item, values)]));
}

function asString(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where} of a non-string: ${JSON.stringify(value)}`);
  return value;
}
