import { promises as fs } from 'fs';
import { IamEventPattern } from '../patterns/iam-event-pattern';

/**
 * The `IamEventPattern` presets the command line offers by name: every static factory that takes
 * no arguments (`eventNames(...)` needs names, so it is not a preset).
 */
export const PRESETS: Readonly<Record<string, () => IamEventPattern>> = {
  allApiCalls: () => IamEventPattern.allApiCalls(),
  changes: () => IamEventPattern.changes(),
  authChanges: () => IamEventPattern.authChanges(),
  mutatingCalls: () => IamEventPattern.mutatingCalls(),
  cisPolicyChanges: () => IamEventPattern.cisPolicyChanges(),
  policyChanges: () => IamEventPattern.policyChanges(),
  rootUserActivity: () => IamEventPattern.rootUserActivity(),
  rootUserActivityInAllServices: () => IamEventPattern.rootUserActivityInAllServices(),
  consoleSignIns: () => IamEventPattern.consoleSignIns(),
  consoleSignInWithoutMfa: () => IamEventPattern.consoleSignInWithoutMfa(),
  failedConsoleSignIns: () => IamEventPattern.failedConsoleSignIns(),
  accessKeyChanges: () => IamEventPattern.accessKeyChanges(),
  mfaDeviceChanges: () => IamEventPattern.mfaDeviceChanges(),
  loginProfileChanges: () => IamEventPattern.loginProfileChanges(),
  roleTrustPolicyChanges: () => IamEventPattern.roleTrustPolicyChanges(),
  permissionsBoundaryChanges: () => IamEventPattern.permissionsBoundaryChanges(),
  identityProviderChanges: () => IamEventPattern.identityProviderChanges(),
  groupMembershipChanges: () => IamEventPattern.groupMembershipChanges(),
};

/** The presets the IAM-alerts post defines, the backtest default. */
export const POST_PRESETS: readonly string[] = ['allApiCalls', 'changes', 'authChanges'];

/** A pattern to run: from a preset or a file. */
export interface PatternChoice {
  /** The preset name, or the file path. */
  readonly name: string;
  /** The pattern as JSON text (a file's text exactly as written). */
  readonly json: string;
  /** The preset, when the pattern is one (refinements such as exceptPrincipals apply to it). */
  readonly preset?: IamEventPattern;
  /** The preset's factory name (`changes`). */
  readonly presetName?: string;
  /** Principals the preset already excludes. */
  readonly exceptPrincipals?: string[];
}

/** Thrown for a choice the user must correct (an unknown preset, an unreadable file): exit code 2. */
export class UsageError extends Error {}

/**
 * The preset of this name, refined with `exceptPrincipals` when principals are given.
 *
 * @throws UsageError for an unknown name, listing the known ones
 */
export function presetPattern(name: string, exceptPrincipals: readonly string[] = []): PatternChoice {
  const factory = Object.prototype.hasOwnProperty.call(PRESETS, name) ? PRESETS[name] : undefined;
  if (factory === undefined) {
    throw new UsageError(`unknown preset '${name}'; presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  let preset = factory();
  if (exceptPrincipals.length > 0) {
    try {
      preset = preset.exceptPrincipals(...exceptPrincipals);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return {
    name: exceptPrincipals.length > 0 ? `${name} except ${exceptPrincipals.length} principal(s)` : name,
    json: preset.toJson(),
    preset,
    presetName: name,
    exceptPrincipals: [...exceptPrincipals],
  };
}

/**
 * A pattern file's text: the event pattern as JSON, as the console, `aws events put-rule
 * --event-pattern` and `IamEventPattern.toJson()` write it. `-` reads standard input.
 *
 * @throws UsageError when the file cannot be read
 */
export async function patternFromFile(file: string, stdin: () => Promise<string> = readStdin): Promise<PatternChoice> {
  try {
    const json = file === '-' ? await stdin() : await fs.readFile(file, 'utf8');
    return { name: file === '-' ? '(standard input)' : file, json: json.replace(/^\uFEFF/, '') };
  } catch (e) {
    throw new UsageError(`${file}: cannot read the pattern file (${(e as Error).message})`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
