/**
 * Which references of a CloudFormation template point at resources that would not be created.
 *
 * CloudFormation creates a resource only where its `Condition` is true; a `Ref`, `Fn::GetAtt` or
 * `Fn::Sub` reference to a resource that is not created fails the stack. This evaluates the
 * template's conditions for one deployment (account, region, parameter values), drops the
 * resources and outputs whose condition is false, follows only the taken branch of each `Fn::If`,
 * and lists every reference from what remains to a resource that is not there.
 *
 * It understands the functions the cross-account templates use in conditions (`Fn::Equals`,
 * `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`, `Ref`, `Fn::Select`, `Fn::Split`, `Fn::Join`) and
 * throws on any other, so a template it cannot read fails the test instead of passing it.
 */

/** Where a template is deployed. */
export interface Deployment {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
  readonly parameters?: Record<string, string>;
}

/** A template as JSON: `Parameters`, `Conditions`, `Resources`, `Outputs`. */
type Template = Record<string, any>;

class Evaluator {
  private readonly conditionValues = new Map<string, boolean>();

  constructor(private readonly template: Template, private readonly deployment: Deployment) {}

  public condition(name: string): boolean {
    const known = this.conditionValues.get(name);
    if (known !== undefined) return known;
    const expression = this.template.Conditions?.[name];
    if (expression === undefined) throw new Error(`condition ${name} is not defined`);
    const value = this.truth(expression);
    this.conditionValues.set(name, value);
    return value;
  }

  private truth(expression: unknown): boolean {
    const [fn, args] = singleKey(expression);
    switch (fn) {
      case 'Fn::Equals': return String(this.value(args[0])) === String(this.value(args[1]));
      case 'Fn::Not': return !this.truth(args[0]);
      case 'Fn::And': return (args as unknown[]).every(a => this.truth(a));
      case 'Fn::Or': return (args as unknown[]).some(a => this.truth(a));
      case 'Condition': return this.condition(args as string);
      default: throw new Error(`cannot evaluate ${fn} in a condition: ${JSON.stringify(expression)}`);
    }
  }

  /** The value of an expression inside a condition. */
  private value(expression: unknown): unknown {
    if (typeof expression !== 'object' || expression === null) return expression;
    if (Array.isArray(expression)) return expression.map(e => this.value(e));
    const [fn, args] = singleKey(expression);
    switch (fn) {
      case 'Ref': return this.ref(args as string);
      case 'Fn::Select': return (this.value(args[1]) as unknown[])[Number(this.value(args[0]))];
      case 'Fn::Split': return String(this.value(args[1])).split(args[0] as string);
      case 'Fn::Join': return (this.value(args[1]) as unknown[]).join(args[0] as string);
      default: throw new Error(`cannot evaluate ${fn} in a condition value: ${JSON.stringify(expression)}`);
    }
  }

  private ref(name: string): string {
    switch (name) {
      case 'AWS::AccountId': return this.deployment.account;
      case 'AWS::Region': return this.deployment.region;
      case 'AWS::Partition': return this.deployment.partition ?? 'aws';
      default: {
        const value = this.deployment.parameters?.[name] ?? this.template.Parameters?.[name]?.Default;
        if (value === undefined) throw new Error(`parameter ${name} has no value in this deployment`);
        return value;
      }
    }
  }
}

function singleKey(expression: unknown): [string, any] {
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression) || Object.keys(expression).length !== 1) {
    throw new Error(`not an intrinsic function: ${JSON.stringify(expression)}`);
  }
  const [[key, value]] = Object.entries(expression);
  return [key, value];
}

/** Names `${Name}` and `${Name.Attribute}` of an `Fn::Sub` string (not `${!Literal}`). */
function subReferences(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map(m => m[1].split('.')[0]);
}

/**
 * The resources the template creates in this deployment, and every reference (as
 * `<where>: <target>`) from a created resource or output to a resource it does not create.
 */
export function danglingReferences(template: Template, deployment: Deployment): { created: string[]; dangling: string[] } {
  const evaluator = new Evaluator(template, deployment);
  const resources = template.Resources ?? {};
  const created = Object.keys(resources).filter(id => resources[id].Condition === undefined || evaluator.condition(resources[id].Condition));
  const exists = new Set(created);
  const allResources = new Set(Object.keys(resources));
  const dangling: string[] = [];

  const check = (where: string, target: string) => {
    if (allResources.has(target) && !exists.has(target)) dangling.push(`${where}: ${target}`);
  };
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${where}/${i}`));
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const entries = Object.entries(node);
    if (entries.length === 1) {
      const [fn, args] = entries[0];
      if (fn === 'Ref') return check(where, args as string);
      if (fn === 'Fn::GetAtt') return check(where, typeof args === 'string' ? args.split('.')[0] : (args as string[])[0]);
      if (fn === 'Fn::If') {
        const [condition, whenTrue, whenFalse] = args as [string, unknown, unknown];
        return walk(evaluator.condition(condition) ? whenTrue : whenFalse, `${where}/Fn::If`);
      }
      if (fn === 'Fn::Sub') {
        const [text, variables] = typeof args === 'string' ? [args, {}] : (args as [string, Record<string, unknown>]);
        for (const name of subReferences(text)) {
          if (!(name in (variables ?? {}))) check(where, name);
        }
        return walk(variables, `${where}/Fn::Sub`);
      }
    }
    for (const [key, value] of entries) walk(value, `${where}/${key}`);
  };

  for (const id of created) walk(resources[id].Properties, `Resources/${id}/Properties`);
  for (const [id, output] of Object.entries<any>(template.Outputs ?? {})) {
    if (output.Condition !== undefined && !evaluator.condition(output.Condition)) continue;
    walk(output.Value, `Outputs/${id}/Value`);
    walk(output.Export, `Outputs/${id}/Export`);
  }
  return { created, dangling };
}
