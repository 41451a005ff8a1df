/**
 * Prints the input of `aws accessanalyzer start-policy-generation` for one role or user of a member
 * account, analysing the organization trail's logs of the last 30 days (or `--days N`, at most 90):
 *
 *   npx ts-node policy-generation-request.ts arn:aws:iam::333333333333:role/payments-api > request.json
 *   aws accessanalyzer start-policy-generation --cli-input-json file://request.json   # in account 333333333333
 *   aws accessanalyzer get-generated-policy --job-id <jobId from the answer>
 *
 * The request is checked before it is printed (a role or user ARN, the service role of the same
 * account, at most 90 days), so a mistake fails here with the fix rather than in the service.
 */
import { parseArgs } from 'util';
import { AccessAnalyzerServiceRole, StartPolicyGenerationRequest } from 'cdk-iam-change-alerts';
import { TRAIL_ARN } from './org-trail';

const USAGE = 'usage: npx ts-node policy-generation-request.ts <role or user ARN> [--days N]';
const DAY_MS = 24 * 60 * 60 * 1000;

function main(args: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { days: { type: 'string', default: '30' } }, allowPositionals: true });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const { values, positionals } = parsed;
  const days = Number(values.days);
  if (positionals.length !== 1 || !Number.isInteger(days) || days < 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const principalArn = positionals[0];
  // The service role memberRollout gave the principal's account: same partition (2nd field of the
  // ARN) and account (5th field).
  const [, partition, , , account] = principalArn.split(':');
  const accessRoleArn = `arn:${partition}:iam::${account}:role${AccessAnalyzerServiceRole.ROLE_PATH}${AccessAnalyzerServiceRole.ROLE_NAME_PREFIX}`;

  const endTime = new Date();
  const request = StartPolicyGenerationRequest.forPrincipal(principalArn, {
    trailArn: TRAIL_ARN,
    accessRoleArn,
    startTime: new Date(endTime.getTime() - days * DAY_MS),
    endTime,
  });
  console.log(request.toCliInputJson());
}

try {
  main(process.argv.slice(2));
} catch (e) {
  // The library's messages name the value and the fix: the stack trace adds nothing for a user.
  console.error((e as Error).message);
  process.exit(1);
}
