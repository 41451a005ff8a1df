import * as fs from 'fs';
import * as path from 'path';
import { patterns } from 'cdk-iam-change-alerts';

/** A target of a synthesized rule, and what it receives. */
export interface RuleTarget {
  readonly id: string;
  /** What the target is: `AWS::SNS::Topic OrgAlertsTopic30E26A6E`, `event bus OrgAlerts`. */
  readonly destination: string;
  /** The custom event bus the target forwards events to, when it is one this app defines. */
  readonly forwardsToBus?: string;
  /** How the input is built; undefined when the target receives the whole event. */
  readonly inputTransformer?: patterns.InputTransformerProps;
  /** Why the input cannot be rendered offline (a CloudFormation value in the template). */
  readonly unrenderable?: string;
}

/** An `AWS::Events::Rule` of a synthesized template. */
export interface SynthesizedRule {
  readonly logicalId: string;
  /** Where it is deployed: `stack IamChangeAlerts`, or the member accounts of a StackSet. */
  readonly deployedIn: string;
  readonly name?: string;
  readonly description?: string;
  /** `ENABLED` (CloudFormation's default), `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. */
  readonly state: string;
  /** The custom bus the rule is on; undefined for the default bus. */
  readonly eventBus?: string;
  /** The regions the rule exists in; undefined when the template does not say (an environment-agnostic stack). */
  readonly regions?: string[];
  /** The pattern as JSON, or undefined when it holds CloudFormation values. */
  readonly patternJson?: string;
  readonly targets: RuleTarget[];
}

/** A stack of a cloud assembly, with the StackSet member templates it carries. */
export interface SynthesizedStack {
  readonly name: string;
  readonly region?: string;
  /** Resource types and how many of each, in template order. */
  readonly resources: Map<string, number>;
  readonly stackSets: StackSetMembers[];
  /** The warnings and errors constructs attached (what `cdk synth` prints), as `path: message`. */
  readonly warnings: string[];
  readonly errors: string[];
}

/** What each account of a StackSet's organizational units gets. */
export interface StackSetMembers {
  readonly logicalId: string;
  readonly organizationalUnits: string[];
  readonly regions: string[];
  readonly resources: Map<string, number>;
}

type Template = { Parameters?: Record<string, any>; Conditions?: Record<string, any>; Resources?: Record<string, any> };

/**
 * The stacks and EventBridge rules of a cloud assembly (`cdk.out`, or a `CDK_OUTDIR`), including
 * the rules of the member templates that `AWS::CloudFormation::StackSet` resources carry inline
 * (`TemplateBody`), as `CrossAccountAlertBus`'s member rollout writes them.
 */
export class SynthesizedApp {
  public static read(assemblyDir: string): SynthesizedApp {
    const manifestFile = path.join(assemblyDir, 'manifest.json');
    if (!fs.existsSync(manifestFile)) {
      throw new Error(`${assemblyDir} is not a cloud assembly (no manifest.json): give the output directory of \`cdk synth\`.`);
    }
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    const app = new SynthesizedApp();
    for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
      if (artifact.type !== 'aws:cloudformation:stack') continue;
      const template: Template = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8'));
      const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
      const annotations = (type: string) => Object.entries<any[]>(artifact.metadata ?? {})
        .flatMap(([where, entries]) => entries.filter((entry) => entry.type === type).map((entry) => `${where}: ${entry.data}`));
      app.addStack(artifact.displayName ?? artifact.properties.stackName, region === 'unknown-region' ? undefined : region, template,
        annotations('aws:cdk:warning'), annotations('aws:cdk:error'));
    }
    return app;
  }

  public readonly stacks: SynthesizedStack[] = [];
  public readonly rules: SynthesizedRule[] = [];

  private addStack(name: string, region: string | undefined, template: Template, warnings: string[], errors: string[]): void {
    const resources = template.Resources ?? {};
    const stackSets: StackSetMembers[] = [];
    this.stacks.push({ name, region, resources: countTypes(resources), stackSets, warnings, errors });
    const buses = busNames(resources);
    for (const [logicalId, resource] of Object.entries<any>(resources)) {
      if (resource.Type === 'AWS::Events::Rule') {
        this.rules.push(readRule(logicalId, resource.Properties ?? {}, `stack ${name}`, region ? [region] : undefined,
          (value) => describeReference(value, resources, buses)));
      }
      if (resource.Type === 'AWS::CloudFormation::StackSet' && typeof resource.Properties?.TemplateBody === 'string') {
        const props = resource.Properties;
        const member: Template = JSON.parse(props.TemplateBody);
        const groups: any[] = props.StackInstancesGroup ?? [];
        const regions = [...new Set(groups.flatMap((group) => group.Regions ?? []))];
        const organizationalUnits = [...new Set(groups.flatMap((group) => group.DeploymentTargets?.OrganizationalUnitIds ?? []))];
        stackSets.push({ logicalId, organizationalUnits, regions, resources: countTypes(member.Resources ?? {}) });
        // A member template's parameters hold values of the central stack, such as the central bus ARN.
        const parameters = new Map<string, unknown>((props.Parameters ?? []).map((p: any) => [p.ParameterKey, p.ParameterValue]));
        for (const [memberId, memberResource] of Object.entries<any>(member.Resources ?? {})) {
          if (memberResource.Type !== 'AWS::Events::Rule') continue;
          // A member rule under a condition on AWS::Region exists only in the regions where it holds.
          const ruleRegions = regions.filter((r) => holdsInRegion(member.Conditions ?? {}, memberResource.Condition, r) !== false);
          this.rules.push(readRule(memberId, memberResource.Properties ?? {}, `member accounts (StackSet ${logicalId} of ${name})`, ruleRegions,
            (value) => describeReference(value, member.Resources ?? {}, busNames(member.Resources ?? {}), parameters, buses)));
        }
      }
    }
  }
}

/**
 * Whether a template condition holds in a region, when the region alone decides it (`Fn::Equals`
 * of `AWS::Region` and a name, combined with `Fn::Or`, `Fn::And`, `Fn::Not`, `Condition`);
 * undefined when it depends on anything else, such as the account.
 */
function holdsInRegion(conditions: Record<string, any>, name: string | undefined, region: string): boolean | undefined {
  if (name === undefined) return true;
  const value = (v: any): string | undefined => (typeof v === 'string' ? v : v?.Ref === 'AWS::Region' ? region : undefined);
  const truth = (e: any): boolean | undefined => {
    if (e?.Condition !== undefined) return holdsInRegion(conditions, e.Condition, region);
    if (e?.['Fn::Equals']) {
      const [a, b] = e['Fn::Equals'].map(value);
      return a === undefined || b === undefined ? undefined : a === b;
    }
    if (e?.['Fn::Not']) {
      const inner = truth(e['Fn::Not'][0]);
      return inner === undefined ? undefined : !inner;
    }
    const all = (e?.['Fn::Or'] ?? e?.['Fn::And'])?.map(truth) as Array<boolean | undefined> | undefined;
    if (all === undefined) return undefined;
    const decisive = e['Fn::Or'] !== undefined;
    if (all.includes(decisive)) return decisive;
    return all.includes(undefined) ? undefined : !decisive;
  };
  return truth(conditions[name]);
}

function countTypes(resources: Record<string, any>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const resource of Object.values<any>(resources)) {
    counts.set(resource.Type, (counts.get(resource.Type) ?? 0) + 1);
  }
  return counts;
}

/** Logical id of each `AWS::Events::EventBus` to its name. */
function busNames(resources: Record<string, any>): Map<string, string> {
  return new Map(Object.entries<any>(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::EventBus' && typeof r.Properties?.Name === 'string')
    .map(([id, r]) => [id, r.Properties.Name]));
}

interface Reference {
  readonly description: string;
  /** The name of the custom bus of this app the value designates, if it designates one. */
  readonly bus?: string;
}

/**
 * What a target ARN or bus name designates: a resource of the template (`Ref` / `Fn::GetAtt`), a
 * parameter the central stack passes to a member template, or a literal.
 */
function describeReference(value: unknown, resources: Record<string, any>, buses: Map<string, string>,
  parameters?: Map<string, unknown>, centralBuses?: Map<string, string>): Reference {
  const ref = (value as any)?.Ref ?? (value as any)?.['Fn::GetAtt']?.[0];
  if (typeof ref === 'string' && resources[ref]) {
    return { description: `${resources[ref].Type} ${ref}`, bus: buses.get(ref) };
  }
  if (typeof ref === 'string' && parameters?.has(ref)) {
    // The value is the central stack's: find which of its buses it names.
    const passed = JSON.stringify(parameters.get(ref));
    const bus = [...(centralBuses ?? new Map()).values()].find((name) => passed.includes(`:event-bus/${name}`));
    return { description: bus ? `event bus ${bus} (parameter ${ref})` : `parameter ${ref}`, bus };
  }
  if (typeof value === 'string') {
    const bus = /:event-bus\/(.+)$/.exec(value)?.[1] ?? (value.startsWith('arn:') ? undefined : value);
    return { description: value, bus };
  }
  return { description: JSON.stringify(value) };
}

function readRule(logicalId: string, props: any, deployedIn: string, regions: string[] | undefined,
  resolve: (value: unknown) => Reference): SynthesizedRule {
  const busName = props.EventBusName === undefined || props.EventBusName === 'default' ? undefined : resolve(props.EventBusName);
  return {
    logicalId,
    deployedIn,
    name: typeof props.Name === 'string' ? props.Name : undefined,
    description: props.Description,
    state: props.State ?? 'ENABLED',
    eventBus: busName ? busName.bus ?? busName.description : undefined,
    regions,
    patternJson: props.EventPattern && !holdsIntrinsic(props.EventPattern) ? JSON.stringify(props.EventPattern) : undefined,
    targets: (props.Targets ?? []).map((target: any): RuleTarget => {
      const destination = resolve(target.Arn);
      const transformer = target.InputTransformer;
      const unrenderable = target.Input !== undefined || target.InputPath !== undefined
        ? 'its input is a constant or an input path (only input transformers and whole events are previewed)'
        : transformer && holdsIntrinsic(transformer) ? 'its input transformer holds CloudFormation values' : undefined;
      return {
        id: target.Id,
        destination: destination.bus ? `event bus ${destination.bus}` : destination.description,
        forwardsToBus: destination.bus,
        inputTransformer: transformer && !unrenderable
          ? { inputPathsMap: transformer.InputPathsMap, inputTemplate: transformer.InputTemplate }
          : undefined,
        unrenderable,
      };
    }),
  };
}

function holdsIntrinsic(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsIntrinsic);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, inner]) => key === 'Ref' || key.startsWith('Fn::') || holdsIntrinsic(inner));
}
