import { promises as fs } from 'fs';
import * as path from 'path';
import { TemplateValues, UnresolvedValue, withPlaceholders, UnresolvedUse } from './cfn-values';
import { isJsonObject, JsonObject } from './cloudtrail-envelope';

/** A CloudFormation template to preview, and what is known about where it deploys. */
export interface LoadedTemplate {
  /** How the output names it: the file, or `<file> StackSet <logicalId> member template`. */
  readonly name: string;
  readonly template: JsonObject;
  readonly account?: string;
  readonly region?: string;
  readonly stackName?: string;
  /**
   * Values for the template's parameters, by name (a StackSet member template gets those of the
   * StackSet's `Parameters`); unresolved ones are `UnresolvedValue`.
   */
  readonly parameterValues: ReadonlyMap<string, unknown>;
  /** Whether the account and region vary per deployment (a StackSet member template). */
  readonly perDeployment: boolean;
  /**
   * The regions a StackSet member template is deployed to (the `Regions` of the StackSet's
   * `StackInstancesGroup`), when the template holding the StackSet names them plainly.
   */
  readonly deploymentRegions?: string[];
}

/** The templates found, and the files or members that could not be used. */
export interface TemplateSet {
  readonly templates: LoadedTemplate[];
  readonly problems: string[];
}

interface StackEnvironment {
  readonly account?: string;
  readonly region?: string;
  readonly stackName?: string;
}

/**
 * Loads a template file, or every `*.template.json` of a cloud assembly folder (`cdk.out`,
 * nested assemblies included), with the account, region and stack name its `manifest.json`
 * gives. Every `AWS::CloudFormation::StackSet` with an inline `TemplateBody` adds its member
 * template.
 *
 * @throws when the path does not exist, or holds no template
 */
export async function loadTemplates(given: string): Promise<TemplateSet> {
  let stat;
  try {
    stat = await fs.stat(given);
  } catch {
    throw new Error(`${given}: no such file or directory`);
  }
  const problems: string[] = [];
  const templates: LoadedTemplate[] = [];
  if (!stat.isDirectory()) {
    const template = await readTemplate(given);
    addWithMembers(templates, problems, given, template, {});
    return { templates, problems };
  }
  const files: string[] = [];
  const environments = new Map<string, StackEnvironment>();
  await walk(given, files, environments);
  if (files.length === 0) {
    throw new Error(`${given}: no *.template.json file in this folder; synthesize the app first (npx cdk synth) and pass its cdk.out folder`);
  }
  files.sort();
  for (const file of files) {
    let template: JsonObject;
    try {
      template = await readTemplate(file);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    addWithMembers(templates, problems, file, template, environments.get(path.resolve(file)) ?? {});
  }
  return { templates, problems };
}

async function readTemplate(file: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read the file (${(e as Error).message})`);
  }
  let template: unknown;
  try {
    template = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: invalid JSON (${(e as Error).message}); give a synthesized CloudFormation template (JSON) or a cdk.out folder`);
  }
  if (!isJsonObject(template) || !isJsonObject(template.Resources)) {
    throw new Error(`${file}: not a CloudFormation template (no "Resources" object); give a synthesized template or a cdk.out folder`);
  }
  return template;
}

async function walk(dir: string, files: string[], environments: Map<string, StackEnvironment>): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  if (entries.some((e) => e.name === 'manifest.json' && e.isFile())) {
    await readManifest(dir, environments);
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walk(full, files, environments);
    } else if (entry.name.endsWith('.template.json')) {
      files.push(full);
    }
  }
}

/** Reads the stack artifacts of a cloud assembly manifest: template file, environment, stack name. */
async function readManifest(dir: string, environments: Map<string, StackEnvironment>): Promise<void> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    // A manifest that cannot be read only loses the environment: the templates are still previewed.
    return;
  }
  const artifacts = isJsonObject(manifest) && isJsonObject(manifest.artifacts) ? manifest.artifacts : {};
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isJsonObject(artifact) || artifact.type !== 'aws:cloudformation:stack' || !isJsonObject(artifact.properties)) continue;
    const templateFile = artifact.properties.templateFile;
    if (typeof templateFile !== 'string') continue;
    const match = typeof artifact.environment === 'string' ? /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment) : null;
    const account = match && match[1] !== 'unknown-account' ? match[1] : undefined;
    const region = match && match[2] !== 'unknown-region' ? match[2] : undefined;
    const stackName = typeof artifact.properties.stackName === 'string' ? artifact.properties.stackName : id;
    environments.set(path.resolve(dir, templateFile), { account, region, stackName });
  }
}

function addWithMembers(templates: LoadedTemplate[], problems: string[], file: string, template: JsonObject, env: StackEnvironment): void {
  const parameterValues = new Map<string, unknown>();
  templates.push({ name: file, template, ...env, parameterValues, perDeployment: false });
  const values = new TemplateValues({ template, ...env });
  for (const [logicalId, resource] of Object.entries(template.Resources as JsonObject)) {
    if (!isJsonObject(resource) || resource.Type !== 'AWS::CloudFormation::StackSet' || !isJsonObject(resource.Properties)) continue;
    const name = `${file} StackSet ${logicalId} member template`;
    const body = values.resolve(resource.Properties.TemplateBody);
    if (body === undefined) {
      problems.push(`${name}: not previewed: the StackSet has no inline TemplateBody (a TemplateURL points to S3)`);
      continue;
    }
    if (typeof body !== 'string') {
      problems.push(`${name}: not previewed: its TemplateBody is not a plain string (${describeUnresolved(body)})`);
      continue;
    }
    let member: unknown;
    try {
      member = JSON.parse(body);
    } catch (e) {
      problems.push(`${name}: not previewed: its TemplateBody is not JSON (${(e as Error).message}); YAML bodies are not supported`);
      continue;
    }
    if (!isJsonObject(member) || !isJsonObject(member.Resources)) {
      problems.push(`${name}: not previewed: its TemplateBody has no "Resources" object`);
      continue;
    }
    const deploymentRegions = stackSetRegions(values, resource.Properties.StackInstancesGroup);
    templates.push({
      name,
      template: member,
      parameterValues: stackSetParameters(values, resource.Properties.Parameters),
      perDeployment: true,
      ...(deploymentRegions !== undefined ? { deploymentRegions } : {}),
    });
  }
}

/** The StackSet's `Parameters` (`[{ParameterKey, ParameterValue}]`), resolved in the template that holds the StackSet. */
function stackSetParameters(values: TemplateValues, parameters: unknown): Map<string, unknown> {
  const result = new Map<string, unknown>();
  const list = values.resolve(parameters);
  if (!Array.isArray(list)) return result;
  for (const p of list) {
    if (!isJsonObject(p) || typeof p.ParameterKey !== 'string') continue;
    const value = p.ParameterValue;
    result.set(p.ParameterKey, value instanceof UnresolvedValue ? new UnresolvedValue(`${value.description}, passed as StackSet parameter ${p.ParameterKey}`) : value);
  }
  return result;
}

/** The regions of every `StackInstancesGroup` entry, or undefined when any of them is not a plain list of names. */
function stackSetRegions(values: TemplateValues, groups: unknown): string[] | undefined {
  const list = values.resolve(groups);
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const regions = new Set<string>();
  for (const group of list) {
    const names = isJsonObject(group) ? group.Regions : undefined;
    if (!Array.isArray(names) || !names.every((r): r is string => typeof r === 'string')) return undefined;
    names.forEach((r) => regions.add(r));
  }
  return [...regions];
}

function describeUnresolved(value: unknown): string {
  const uses: UnresolvedUse[] = [];
  withPlaceholders(value, uses);
  return uses.map((u) => u.description).join(', ') || JSON.stringify(value).slice(0, 80);
}
