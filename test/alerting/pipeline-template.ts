import { Template } from 'aws-cdk-lib/assertions';

/**
 * Queries on the template of an alerting construct that has several rules, topics and alarms:
 * the alert rule, the heartbeat rule and the tamper rules, each known by its literal name, and
 * the alarms on each rule's metrics, known by their `RuleName` dimension.
 */

/** A resource of the template with its logical id. */
export interface TemplateResource {
  readonly id: string;
  readonly properties: any;
}

/** A rule of the template, with its literal name. */
export interface TemplateRule extends TemplateResource {
  readonly name: string;
}

/** Every `AWS::Events::Rule`, in template order. */
export function rulesOf(template: Template): TemplateRule[] {
  return Object.entries(template.findResources('AWS::Events::Rule'))
    .map(([id, rule]: [string, any]) => ({ id, name: rule.Properties.Name, properties: rule.Properties }));
}

/** The names of every rule, sorted. */
export function ruleNamesOf(template: Template): string[] {
  return rulesOf(template).map((rule) => rule.name).sort();
}

/** The one rule with this name. */
export function ruleNamed(template: Template, name: string): TemplateRule {
  const found = rulesOf(template).filter((rule) => rule.name === name);
  if (found.length !== 1) {
    throw new Error(`expected exactly one rule named ${name}, found ${found.length}`);
  }
  return found[0];
}

/** The `Fn::GetAtt` of a resource's ARN, as the template writes it. */
export function arnOf(resource: { readonly id: string }): any {
  return { 'Fn::GetAtt': [resource.id, 'Arn'] };
}

/** The alarms on the metrics of a rule on the default bus (dimension `RuleName` = the rule's `Ref`), in template order. */
export function alarmsOnRule(template: Template, rule: { readonly id: string }): TemplateResource[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm'))
    .filter(([, alarm]: [string, any]) => (alarm.Properties.Dimensions ?? []).some((dimension: any) =>
      dimension.Name === 'RuleName' && JSON.stringify(dimension.Value) === JSON.stringify({ Ref: rule.id })))
    .map(([id, alarm]: [string, any]) => ({ id, properties: alarm.Properties }));
}

/** The statements of the one topic policy of the topic (given as the template writes its ARN, `{ Ref }`). */
export function topicPolicyStatementsOf(template: Template, topicArn: any): any[] {
  const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy'))
    .filter((policy: any) => JSON.stringify(policy.Properties.Topics) === JSON.stringify([topicArn]));
  if (policies.length !== 1) {
    throw new Error(`expected exactly one topic policy of ${JSON.stringify(topicArn)}, found ${policies.length}`);
  }
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

/** The properties of the subscriptions to the topic (given as the template writes its ARN). */
export function subscriptionsTo(template: Template, topicArn: any): any[] {
  return Object.values(template.findResources('AWS::SNS::Subscription'))
    .map((subscription: any) => subscription.Properties)
    .filter((properties: any) => JSON.stringify(properties.TopicArn) === JSON.stringify(topicArn));
}

/** The one resource of the type. */
export function onlyOf(template: Template, type: string): TemplateResource {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${found.length}`);
  }
  return { id: found[0][0], properties: (found[0][1] as any).Properties };
}
