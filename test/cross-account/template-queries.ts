import { Template } from 'aws-cdk-lib/assertions';

/**
 * Selecting resources of a synthesized template by what they are, not by their position: the
 * constructs create several rules, roles and alarms, and a test is about one of them.
 */

/** A template: an assertions `Template` or its JSON (a StackSet member template, say). */
export type AnyTemplate = Template | Record<string, any>;

export interface Resource {
  readonly id: string;
  readonly resource: any;
}

function jsonOf(template: AnyTemplate): Record<string, any> {
  return template instanceof Template ? template.toJSON() : template;
}

/** The resources of one type, in template order. */
export function resourcesOf(template: AnyTemplate, type: string): Resource[] {
  return Object.entries<any>(jsonOf(template).Resources ?? {})
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => ({ id, resource }));
}

/**
 * The name of a rule without its construct's unique prefix, `<path>-<8 hex digits>-`, or
 * undefined for a name of another form.
 */
export function ruleNameSuffix(name: unknown): string | undefined {
  if (typeof name !== 'string') return undefined;
  return /^[A-Za-z0-9.\-_]+-[0-9A-F]{8}-(.+)$/.exec(name)?.[1];
}

/** The rules whose name is `<unique prefix>-<suffix>`, in template order. */
export function rulesNamed(template: AnyTemplate, suffix: string): Resource[] {
  return resourcesOf(template, 'AWS::Events::Rule').filter(({ resource }) => ruleNameSuffix(resource.Properties.Name) === suffix);
}

/** The one rule named `<unique prefix>-<suffix>`; fails unless there is exactly one. */
export function ruleNamed(template: AnyTemplate, suffix: string): Resource {
  const rules = rulesNamed(template, suffix);
  if (rules.length !== 1) {
    const names = resourcesOf(template, 'AWS::Events::Rule').map(({ resource }) => resource.Properties.Name);
    throw new Error(`expected one rule named <prefix>-${suffix}, found ${rules.length} among ${JSON.stringify(names)}`);
  }
  return rules[0];
}

/** The name suffixes of all rules, in template order (undefined for a rule named otherwise). */
export function ruleNameSuffixes(template: AnyTemplate): Array<string | undefined> {
  return resourcesOf(template, 'AWS::Events::Rule').map(({ resource }) => ruleNameSuffix(resource.Properties.Name));
}

/** The one resource with this logical id and type. */
export function resourceWithId(template: AnyTemplate, type: string, id: string): Resource {
  const found = resourcesOf(template, type).find(r => r.id === id);
  if (found === undefined) throw new Error(`no ${type} with logical id ${id}`);
  return found;
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` (as `Stack.resolve` gives it) points at. */
export function logicalIdOf(reference: any): string {
  if (typeof reference?.Ref === 'string') return reference.Ref;
  if (Array.isArray(reference?.['Fn::GetAtt'])) return reference['Fn::GetAtt'][0];
  throw new Error(`not a reference to a resource: ${JSON.stringify(reference)}`);
}
