#!/usr/bin/env node
/**
 * The package's command line: `npx cdk-iam-change-alerts <command>`. The commands live in
 * cli-program.ts; this file only connects them to the process.
 */
import { runCli } from './cli-program';

// Output piped into a command that stops reading (`| head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
  .then((code) => { process.exitCode = code; })
  .catch((e: Error) => {
    process.stderr.write(`cdk-iam-change-alerts: ${e.stack ?? e.message}\n`);
    process.exitCode = 2;
  });
