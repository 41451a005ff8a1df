import { TemplateValues } from '../../src/cli/cfn-values';

/**
 * A synthesized template as if deployed: every resource gets a physical id and ARN of the shape
 * AWS gives it (a topic's `Ref` is its ARN, a key's is its id, a custom-bus rule's is
 * `<bus>|<rule>`), so that the patterns, targets and alarm dimensions that refer to them can be
 * resolved to plain values and checked the way EventBridge and CloudWatch would see them.
 */
export class DeployedTemplate {
  public readonly values: TemplateValues;
  public readonly resources: Record<string, any>;

  constructor(public readonly template: any, public readonly account: string, public readonly region: string) {
    this.resources = template.Resources ?? {};
    const given = new Map<string, unknown>();
    for (const [id, resource] of Object.entries<any>(this.resources)) {
      for (const [key, value] of Object.entries(physicalValues(id, resource, account, region, this.resources))) {
        given.set(key === 'Ref' ? id : `${id}.${key}`, value);
      }
    }
    this.values = new TemplateValues({ template, account, region, given, stackName: 'Stack' });
  }

  /** The value with every intrinsic resolved; fails on anything left unresolved. */
  public resolve(value: unknown): any {
    if (value === undefined) return undefined;
    const resolved = this.values.resolve(value);
    const text = JSON.stringify(resolved, (_k, v) => (v !== null && typeof v === 'object' && v.constructor?.name === 'UnresolvedValue'
      ? `[unresolved ${v.description}]` : v !== null && typeof v === 'object' && v.constructor?.name === 'PartialString' ? `[partial ${v.describe()}]` : v));
    if (text.includes('[unresolved') || text.includes('[partial')) {
      throw new Error(`unresolved value in ${text.slice(0, 400)}`);
    }
    return JSON.parse(text);
  }

  /** The resources of a type, with their logical ids. */
  public ofType(type: string): Array<[string, any]> {
    return Object.entries<any>(this.resources).filter(([, r]) => r.Type === type);
  }

  /** Whether the resource exists here (its condition, if any, holds in this account and region). */
  public exists(logicalId: string): boolean {
    const condition = this.resources[logicalId]?.Condition;
    return condition === undefined || this.values.condition(condition) === true;
  }
}

function physicalValues(id: string, resource: any, account: string, region: string, resources: Record<string, any>): Record<string, unknown> {
  const p = resource.Properties ?? {};
  const arn = (service: string, rest: string) => `arn:aws:${service}:${region}:${account}:${rest}`;
  const plain = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  switch (resource.Type) {
    case 'AWS::SNS::Topic': {
      const topicArn = arn('sns', plain(p.TopicName, `topic-${id}`));
      return { Ref: topicArn, TopicArn: topicArn, TopicName: plain(p.TopicName, `topic-${id}`) };
    }
    case 'AWS::KMS::Key': return { Ref: `key-id-${id}`, Arn: arn('kms', `key/key-id-${id}`), KeyId: `key-id-${id}` };
    case 'AWS::Events::EventBus': {
      const name = plain(p.Name, `bus-${id}`);
      return { Ref: name, Name: name, Arn: arn('events', `event-bus/${name}`) };
    }
    case 'AWS::Events::Rule': {
      const name = plain(p.Name, `rule-${id}`);
      const busRef = p.EventBusName?.Ref;
      const bus = typeof p.EventBusName === 'string' ? p.EventBusName
        : busRef !== undefined ? plain(resources[busRef]?.Properties?.Name, `bus-${busRef}`) : undefined;
      // Ref of a rule on a custom bus is "<bus>|<rule>" (aws-cloudformation/cloudformation-coverage-roadmap#1131).
      return { Ref: bus ? `${bus}|${name}` : name, Arn: arn('events', bus ? `rule/${bus}/${name}` : `rule/${name}`) };
    }
    case 'AWS::CloudTrail::Trail': {
      const name = plain(p.TrailName, `trail-${id}`);
      return { Ref: name, Arn: arn('cloudtrail', `trail/${name}`) };
    }
    case 'AWS::SQS::Queue': {
      const name = plain(p.QueueName, `queue-${id}`);
      return { Ref: `https://sqs.${region}.amazonaws.com/${account}/${name}`, Arn: arn('sqs', name), QueueName: name, QueueUrl: `https://sqs.${region}.amazonaws.com/${account}/${name}` };
    }
    case 'AWS::Logs::LogGroup': {
      const name = plain(p.LogGroupName, `log-group-${id}`);
      return { Ref: name, Arn: arn('logs', `log-group:${name}:*`) };
    }
    case 'AWS::IAM::Role': {
      const name = plain(p.RoleName, `role-${id}`);
      return { Ref: name, Arn: `arn:aws:iam::${account}:role/${name}`, RoleId: `AROA${id}` };
    }
    case 'AWS::CloudWatch::Alarm': {
      const name = plain(p.AlarmName, `alarm-${id}`);
      return { Ref: name, Arn: arn('cloudwatch', `alarm:${name}`) };
    }
    case 'AWS::Scheduler::Schedule': {
      const name = plain(p.Name, `schedule-${id}`);
      return { Ref: name, Arn: arn('scheduler', `schedule/default/${name}`) };
    }
    case 'AWS::S3::Bucket': return { Ref: `bucket-${id.toLowerCase()}`, Arn: `arn:aws:s3:::bucket-${id.toLowerCase()}` };
    default: return { Ref: `physical-${id}`, Arn: arn('unknown', id) };
  }
}
